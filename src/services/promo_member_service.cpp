#include <apexcore/services/member_service.hpp>
#include <apexcore/services/promo_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {

std::optional<promo_definition_error> validate_promo(const core::promo_code& p, const core::currency& currency) {
    if (p.code.empty() || p.code.size() > 32) return promo_definition_error::bad_code;
    for (char c : p.code) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return promo_definition_error::bad_code;
    }
    if (p.kind == core::promo_kind::percent && (p.percent < 1 || p.percent > 10000)) return promo_definition_error::bad_percent;
    if (p.kind == core::promo_kind::fixed &&
        (!(p.fixed_amount.currency_of() == currency) || p.fixed_amount.minor_units() <= 0)) {
        return promo_definition_error::bad_fixed;
    }
    if ((p.max_uses_total && *p.max_uses_total < 1) || (p.max_uses_per_user && *p.max_uses_per_user < 1) ||
        p.min_spend.is_negative() || (!p.min_spend.is_zero() && !(p.min_spend.currency_of() == currency))) {
        // A zero minimum is "no minimum" in any currency: a code built with the defaults is valid in
        // a EUR shop too; a real minimum must be in the shop's currency.
        return promo_definition_error::bad_limits;
    }
    if (p.products.size() > 100 || p.main_categories.size() > 100) return promo_definition_error::bad_scope;
    for (const auto& c : p.main_categories) {
        if (c.empty() || c.size() > core::product_category_length_max) return promo_definition_error::bad_scope;
    }
    return std::nullopt;
}

core::result<core::promo_code, core::rejection> promo_service::upsert(const actor& by, const core::promo_code& p) {
    if (!by.staff) return core::rejection::not_staff;
    if (validate_promo(p, config_.currency)) return core::rejection::invalid_text;
    std::optional<core::promo_code> out;
    store_.transact([&](ports::unit_of_work& uow) {
        uow.promos().upsert_promo(p);
        out = uow.promos().find_promo(p.code);
        detail::notify_log(uow, config_, core::log_topic::audit, "promo.saved", {{"code", p.code}, {"staff", by.user.str()}});
        return ports::tx_outcome::commit;
    });
    return *out;
}

std::string_view describe(promo_definition_error e) {
    switch (e) {
        case promo_definition_error::bad_code: return "The code must be 1 to 32 letters, digits, _ or -.";
        case promo_definition_error::bad_percent: return "A percentage code takes 1 to 100 % off.";
        case promo_definition_error::bad_fixed: return "An amount code takes a positive amount off, in the shop's currency.";
        case promo_definition_error::bad_limits:
            return "Use limits must be at least 1, and the minimum spend not negative, in the shop's currency.";
        case promo_definition_error::bad_scope: return "A code applies to at most 100 products or categories, each named.";
    }
    return "The code is not valid.";
}

std::vector<std::pair<core::promo_code, int>> promo_service::list(std::size_t limit) {
    std::vector<std::pair<core::promo_code, int>> out;
    store_.read([&](ports::unit_of_work& uow) {
        for (auto& p : uow.promos().list_promos(std::clamp<std::size_t>(limit, 1, 100))) {
            const int used = uow.promos().usage(p.code, core::user_id{}).total;
            out.emplace_back(std::move(p), used);
        }
    });
    return out;
}

core::result<core::promo_code, core::rejection> promo_service::deactivate(const actor& by, const std::string& code) {
    if (!by.staff) return core::rejection::not_staff;
    if (code.empty() || code.size() > 32) return core::rejection::unknown_promo_code;
    return detail::transact<core::promo_code>(store_, [&](ports::unit_of_work& uow) -> core::result<core::promo_code, core::rejection> {
        auto p = uow.promos().find_promo(code);
        if (!p) return core::rejection::unknown_promo_code;
        p->active = false;
        uow.promos().upsert_promo(*p);
        detail::notify_log(uow, config_, core::log_topic::audit, "promo.deactivated", {{"code", p->code}, {"staff", by.user.str()}});
        return *p;
    });
}

core::result<core::promo_code, core::rejection> promo_service::remove(const actor& by, const std::string& code) {
    if (!by.staff) return core::rejection::not_staff;
    if (code.empty() || code.size() > 32) return core::rejection::unknown_promo_code;
    return detail::transact<core::promo_code>(store_, [&](ports::unit_of_work& uow) -> core::result<core::promo_code, core::rejection> {
        auto p = uow.promos().find_promo(code);
        if (!p) return core::rejection::unknown_promo_code;
        if (!uow.promos().delete_unused_promo(p->code)) return core::rejection::forbidden_transition;
        detail::notify_log(uow, config_, core::log_topic::audit, "promo.deleted", {{"code", p->code}, {"staff", by.user.str()}});
        return *p;
    });
}

core::result<std::pair<core::promo_code, core::promo_usage>, core::rejection> promo_service::find(const std::string& code,
                                                                                                   core::user_id user) {
    if (code.empty() || code.size() > 32) return core::rejection::unknown_promo_code;
    std::optional<std::pair<core::promo_code, core::promo_usage>> out;
    store_.read([&](ports::unit_of_work& uow) {
        if (auto p = uow.promos().find_promo(code)) out.emplace(*p, uow.promos().usage(p->code, user));
    });
    if (!out) return core::rejection::unknown_promo_code;
    return *out;
}

core::customer_profile member_service::profile(core::user_id user) {
    core::customer_profile out{user};
    store_.read([&](ports::unit_of_work& uow) { out = uow.customers().profile(user); });
    return out;
}

member_standing_view member_service::standing(core::user_id user, const std::set<core::role_id>& member_roles) {
    member_standing_view out;
    out.profile = profile(user);
    std::set<core::role_id> held = out.profile.held_roles;
    held.insert(member_roles.begin(), member_roles.end());
    const auto tiers = config_.active_tiers();
    for (const auto& t : tiers) {
        if (held.count(t.role) != 0) out.held_tiers.push_back(t);
        if (t.mode == core::tier_mode::automatic_spend && t.spend_threshold_minor > out.profile.lifetime_spend_minor &&
            (!out.next_tier || t.spend_threshold_minor < out.next_tier->spend_threshold_minor)) {
            out.next_tier = t;
        }
    }
    out.discount = core::best_discount(tiers, held);
    if (out.next_tier) out.to_next_minor = out.next_tier->spend_threshold_minor - out.profile.lifetime_spend_minor;
    return out;
}

core::result<core::tier_changes, core::rejection> member_service::set_manual_role(const actor& by, core::user_id user,
                                                                                  core::role_id role, bool held) {
    if (!by.staff) return core::rejection::not_staff;
    const auto tiers = config_.active_tiers();
    const bool manual = std::any_of(tiers.begin(), tiers.end(), [&](const core::vip_tier& t) {
        return t.role == role && t.mode == core::tier_mode::manual;
    });
    if (!manual) return core::rejection::forbidden_transition;
    core::tier_changes all;
    store_.transact([&](ports::unit_of_work& uow) {
        auto profile = uow.customers().profile(user);
        const bool has = profile.held_roles.count(role) != 0;
        if (has != held) {
            core::tier_changes first;
            (held ? first.grant : first.revoke).push_back(role);
            uow.customers().apply_roles(user, first);
            all = first;
            profile = uow.customers().profile(user);
        }
        const auto follow = core::evaluate_tiers(tiers, profile.standing());
        if (!follow.empty()) {
            uow.customers().apply_roles(user, follow);
            all.grant.insert(all.grant.end(), follow.grant.begin(), follow.grant.end());
            all.revoke.insert(all.revoke.end(), follow.revoke.begin(), follow.revoke.end());
        }
        detail::notify_roles(uow, config_, user, all);
        return ports::tx_outcome::commit;
    });
    return all;
}

}  // namespace apexcore::services
