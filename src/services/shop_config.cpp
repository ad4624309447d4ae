// shop_config's rules: validate_config and the tiers in force (shop_config.hpp).
#include <apexcore/services/shop_config.hpp>

#include <algorithm>

namespace apexcore::services {

std::vector<core::vip_tier> shop_config::active_tiers() const {
    std::vector<core::vip_tier> out;
    if (tiers.empty() && !made_roles) return out;
    out.reserve(tiers.size() + 1);
    for (const auto& t : tiers) {
        if (t.role.value != 0) {
            out.push_back(t);
        } else if (const auto made = made_roles ? made_roles->get(live_roles::tier(t.name)) : std::nullopt) {
            out.push_back(t);
            out.back().role = *made;
        }
    }
    const bool first_purchase_tier = std::any_of(tiers.begin(), tiers.end(), [](const core::vip_tier& t) {
        return t.mode == core::tier_mode::automatic_first_purchase;
    });
    if (!first_purchase_tier && made_roles) {
        if (const auto customer = made_roles->get(live_roles::customer)) {
            out.push_back({"Customer", *customer, core::tier_mode::automatic_first_purchase, 0, 0});
        }
    }
    return out;
}

std::optional<std::string> validate_config(const shop_config& config) {
    for (std::size_t i = 0; i < config.tiers.size(); ++i) {
        const auto& t = config.tiers[i];
        const std::string where = "tiers[" + std::to_string(i) + "]";
        if (t.name.empty() || t.name.size() > 32) return where + ".name: must be 1 to 32 bytes";
        if (t.discount < 0 || t.discount > 10000) return where + ".discount_bp: must be 0 to 10000";
        if (t.spend_threshold_minor < 0) return where + ".spend_threshold: must not be negative";
        for (std::size_t j = 0; j < i; ++j) {
            if (config.tiers[j].name == t.name) return where + ".name: '" + t.name + "' is used by tiers[" + std::to_string(j) + "] too";
            if (t.role.value != 0 && config.tiers[j].role == t.role) {
                return where + ".role_id: used by tiers[" + std::to_string(j) + "] too";
            }
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
