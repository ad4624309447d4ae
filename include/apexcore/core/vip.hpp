#pragma once
/// @file vip.hpp
/// VIP tiers: roles a member earns, each with a discount. Pure rules; the chat layer performs the
/// role grants and revocations that `evaluate_tiers` returns.
///
/// Assignment modes:
/// - `automatic_first_purchase`: held once the member has completed a purchase;
/// - `automatic_spend`: held while lifetime spend >= threshold. Only the highest qualifying
///   spend tier is held; lower spend tiers are revoked when a higher one is granted;
/// - `manual`: granted and revoked by staff only, never by evaluation;
/// - `automatic_all_ranks`: held while the member holds every other tier's role.
/// Lifetime spend counts completed purchases minus refunds, never deposits (the caller computes
/// it that way; see shared/bench/purchases.md §9).

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace apexcore::core {

/// How a tier is assigned.
enum class tier_mode { automatic_first_purchase, automatic_spend, manual, automatic_all_ranks };

/// One tier: its role, how it is assigned, and its discount.
struct vip_tier {
    std::string name;
    role_id role;
    tier_mode mode = tier_mode::manual;
    std::int64_t spend_threshold_minor = 0;  ///< automatic_spend only, >= 0
    basis_points discount = 0;               ///< 0..10000
};

/// What evaluation knows about a member.
struct member_standing {
    std::int64_t lifetime_spend_minor = 0;  ///< completed purchases minus refunds
    bool has_purchased = false;             ///< at least one completed purchase
    std::set<role_id> held_roles;           ///< roles the member holds now
};

/// What the store keeps about a customer for VIP evaluation.
struct customer_profile {
    user_id user;
    std::int64_t lifetime_spend_minor = 0;  ///< completed purchases minus refunds (net), >= 0
    std::int64_t completed_purchases = 0;   ///< purchases ever completed (refunds do not lower it)
    std::set<role_id> held_roles{};         ///< tier roles apexcore granted, plus manual ones staff set

    /// The standing evaluate_tiers judges.
    [[nodiscard]] member_standing standing() const {
        return member_standing{lifetime_spend_minor, completed_purchases > 0, held_roles};
    }
};

/// Roles to grant and to revoke; both sorted by tier order, disjoint.
struct tier_changes {
    std::vector<role_id> grant;
    std::vector<role_id> revoke;
    [[nodiscard]] bool empty() const { return grant.empty() && revoke.empty(); }
};

/// The highest automatic_spend tier whose threshold `lifetime_spend_minor` reaches; nullptr if none.
[[nodiscard]] inline const vip_tier* spend_tier_for(const std::vector<vip_tier>& tiers, std::int64_t lifetime_spend_minor) {
    const vip_tier* best = nullptr;
    for (const auto& t : tiers) {
        if (t.mode != tier_mode::automatic_spend || lifetime_spend_minor < t.spend_threshold_minor) continue;
        if (best == nullptr || t.spend_threshold_minor > best->spend_threshold_minor) best = &t;
    }
    return best;
}

/// The roles the member should hold after evaluation, and the changes to get there.
[[nodiscard]] inline tier_changes evaluate_tiers(const std::vector<vip_tier>& tiers, const member_standing& m) {
    std::set<role_id> deserved = m.held_roles;
    const vip_tier* spend = spend_tier_for(tiers, m.lifetime_spend_minor);
    for (const auto& t : tiers) {
        switch (t.mode) {
            case tier_mode::automatic_first_purchase:
                if (m.has_purchased) deserved.insert(t.role);
                else deserved.erase(t.role);
                break;
            case tier_mode::automatic_spend:
                if (spend != nullptr && spend->role == t.role) deserved.insert(t.role);
                else deserved.erase(t.role);
                break;
            case tier_mode::manual:
            case tier_mode::automatic_all_ranks: break;
        }
    }
    // all-ranks: every other tier's role must be held; spend tiers count as one rank (the highest).
    for (const auto& t : tiers) {
        if (t.mode != tier_mode::automatic_all_ranks) continue;
        bool all = true;
        bool any_spend = false;
        bool spend_held = false;
        for (const auto& other : tiers) {
            if (&other == &t || other.mode == tier_mode::automatic_all_ranks) continue;
            if (other.mode == tier_mode::automatic_spend) {
                any_spend = true;
                spend_held = spend_held || deserved.count(other.role) != 0;
            } else if (deserved.count(other.role) == 0) {
                all = false;
            }
        }
        if (any_spend && !spend_held) all = false;
        if (all) deserved.insert(t.role);
        else deserved.erase(t.role);
    }
    tier_changes out;
    for (const auto& t : tiers) {
        const bool now = m.held_roles.count(t.role) != 0;
        const bool next = deserved.count(t.role) != 0;
        if (next && !now) out.grant.push_back(t.role);
        if (!next && now) out.revoke.push_back(t.role);
    }
    return out;
}

/// The best discount among the tiers whose roles are in `held` (0 when none).
[[nodiscard]] inline basis_points best_discount(const std::vector<vip_tier>& tiers, const std::set<role_id>& held) {
    basis_points best = 0;
    for (const auto& t : tiers) {
        if (held.count(t.role) != 0) best = std::max(best, t.discount);
    }
    return best;
}

}  // namespace apexcore::core
