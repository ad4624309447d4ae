#pragma once
/// @file member_service.hpp
/// Members' VIP standing: lifetime spend, held tier roles, and staff-managed manual tiers
/// (core/vip.hpp). Automatic tiers change only through purchases and refunds.

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/vip.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

namespace apexcore::services {

/// What /profile shows: the member's standing and what the next tier needs.
struct member_standing_view {
    core::customer_profile profile;
    std::vector<core::vip_tier> held_tiers;   ///< the configured tiers whose role the member holds, in tier order
    core::basis_points discount = 0;          ///< the best discount those give (with `member_roles`), 0..10000
    std::optional<core::vip_tier> next_tier;  ///< the cheapest automatic_spend tier not reached yet
    std::int64_t to_next_minor = 0;           ///< lifetime spend still needed for it (> 0 when next_tier is set)
};

/// Member use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class member_service {
public:
    /// `store` must outlive the service; `config` is copied.
    member_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// The member's standing (a zero profile for a member never seen).
    [[nodiscard]] core::customer_profile profile(core::user_id user);

    /// The member's standing with the shop's tiers: held tiers, best discount (over the recorded
    /// tier roles and `member_roles`, the roles the platform says they hold), and the next spend
    /// tier with the spend it still needs.
    [[nodiscard]] member_standing_view standing(core::user_id user, const std::set<core::role_id>& member_roles = {});

    /// Staff grant (`held == true`) or revoke a `manual` tier's role, then re-evaluate (an
    /// all-ranks tier may follow). Returns every role change for the chat layer to perform.
    /// Rejections: not_staff, forbidden_transition (the role is not a manual tier's).
    [[nodiscard]] core::result<core::tier_changes, core::rejection> set_manual_role(const actor& by, core::user_id user,
                                                                                    core::role_id role, bool held);

    /// The largest member export: 8 MiB (it is sent as one file; Discord takes files up to 10 MiB,
    /// REFERENCE.md §2.4).
    static constexpr std::size_t export_bytes_max = 8u << 20;
    /// Staff export everything stored about `user` as JSON (ports::member_data_repository::
    /// export_member), for the member's data request; the audit log is told ("member.exported").
    /// Rejections: not_staff; text_too_long when the export would exceed export_bytes_max.
    [[nodiscard]] core::result<std::string, core::rejection> export_data(const actor& by, core::user_id user);
    /// Staff erase what `user` wrote or handed in, keeping the ledger and the orders' amounts
    /// (ports::member_data_repository::forget_member), in one transaction with the audit log's
    /// "member.forgotten". Rejections: not_staff.
    [[nodiscard]] core::result<ports::erasure_report, core::rejection> forget(const actor& by, core::user_id user);
    /// When `user` was last forgotten; nullopt if never.
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> forgotten_at(core::user_id user);

    /// The shop's VIP tiers as configured (shop_config::tiers; a role may still be 0).
    [[nodiscard]] const std::vector<core::vip_tier>& tiers() const { return config_.tiers; }
    /// The tiers in force, each with its role (shop_config::active_tiers).
    [[nodiscard]] std::vector<core::vip_tier> active_tiers() const { return config_.active_tiers(); }

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
