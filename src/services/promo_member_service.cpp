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
    for (const auto& t : config_.tiers) {
        if (held.count(t.role) != 0) out.held_tiers.push_back(t);
        if (t.mode == core::tier_mode::automatic_spend && t.spend_threshold_minor > out.profile.lifetime_spend_minor &&
            (!out.next_tier || t.spend_threshold_minor < out.next_tier->spend_threshold_minor)) {
            out.next_tier = t;
        }
    }
    out.discount = core::best_discount(config_.tiers, held);
    if (out.next_tier) out.to_next_minor = out.next_tier->spend_threshold_minor - out.profile.lifetime_spend_minor;
    return out;
}

core::result<core::tier_changes, core::rejection> member_service::set_manual_role(const actor& by, core::user_id user,
                                                                                  core::role_id role, bool held) {
    if (!by.staff) return core::rejection::not_staff;
    const bool manual = std::any_of(config_.tiers.begin(), config_.tiers.end(), [&](const core::vip_tier& t) {
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
        const auto follow = core::evaluate_tiers(config_.tiers, profile.standing());
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

std::optional<std::string> validate_config(const shop_config& config) {
    for (std::size_t i = 0; i < config.tiers.size(); ++i) {
        const auto& t = config.tiers[i];
        const std::string where = "tiers[" + std::to_string(i) + "]";
        if (t.name.empty() || t.name.size() > 32) return where + ".name: must be 1 to 32 bytes";
        if (t.discount < 0 || t.discount > 10000) return where + ".discount_bp: must be 0 to 10000";
        if (t.spend_threshold_minor < 0) return where + ".spend_threshold: must not be negative";
        if (t.role.value == 0) return where + ".role_id: must be a snowflake";
        for (std::size_t j = 0; j < i; ++j) {
            if (config.tiers[j].role == t.role) return where + ".role_id: used by tiers[" + std::to_string(j) + "] too";
        }
    }
    if (!core::is_valid(config.refunds)) return std::string("refunds: max_days must be 0 to 365 and fee_percent 0 to 100");
    for (std::size_t i = 0; i < config.payment_methods.size(); ++i) {
        const auto& m = config.payment_methods[i];
        const std::string where = "payments.methods[" + std::to_string(i) + "]";
        if (auto e = core::validate(m)) {
            switch (*e) {
                case core::payment_method_error::bad_name: return where + ".name: 1 to 32 of A-Z a-z 0-9 space _ -";
                case core::payment_method_error::bad_instructions: return where + ".instructions: 1 to 1000 bytes";
                case core::payment_method_error::bad_emoji: return where + ".emoji: at most 64 bytes";
                case core::payment_method_error::bad_metadata: return where + ".metadata: at most 20 entries, keys 1-40 bytes, values <= 500";
            }
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (config.payment_methods[j].name == m.name) return where + ".name: '" + m.name + "' is configured twice";
        }
    }
    if (config.payment_session_ttl < std::chrono::minutes(1) || config.payment_session_ttl > std::chrono::hours(24 * 7)) {
        return std::string("payments.session_ttl_minutes: must be 1 to 10080");
    }
    for (std::size_t i = 0; i < config.ticket_types.size(); ++i) {
        const auto& t = config.ticket_types[i];
        const std::string where = "tickets.types[" + std::to_string(i) + "]";
        if (auto e = core::validate(t)) return where + "." + std::string(core::describe(*e));
        for (std::size_t j = 0; j < i; ++j) {
            if (config.ticket_types[j].key == t.key) return where + ".key: '" + t.key + "' is configured twice";
        }
    }
    if (config.tickets.max_open_per_member < 1 || config.tickets.max_open_per_member > 50) {
        return std::string("tickets.max_open_per_member: must be 1 to 50");
    }
    if (config.notifications.max_pending < 1) return std::string("notifications.max_pending: must be at least 1");
    for (const auto& [name, rule] : {std::pair{"purchases", config.cooldowns.purchases},
                                     std::pair{"refund_requests", config.cooldowns.refund_requests}}) {
        if (rule && !core::is_valid(*rule)) {
            return "cooldowns." + std::string(name) + ": at most 1 to 1000 per 1 minute to 30 days";
        }
    }
    return std::nullopt;
}

}  // namespace apexcore::services
