// The "log", "monitoring", "log_channels", "notifications", "tiers" and "refunds" sections of apexbot's config (docs/configuration.md).
#include "config_detail.hpp"

namespace apexbot::detail {

std::pair<std::string, std::uint16_t> listen_key(const std::string& value, const std::string& path, const std::string& key,
                                                 const std::string& example) {
    const std::string expected = "expected \"address:port\", e.g. \"" + example + "\"";
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) bad(path, key, expected);
    const std::string_view port_text = std::string_view(value).substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) bad(path, key, expected);
    return {value.substr(0, colon), static_cast<std::uint16_t>(port)};
}

void load_operations(const json& doc, const std::string& path, config& c) {
    if (const auto l = doc.find("log"); l != doc.end()) {
        if (!l->is_object()) bad(path, "log", "expected an object, e.g. {\"level\": \"info\", \"format\": \"text\"}");
        for (const auto& [key, _] : l->items()) {
            if (key != "level" && key != "format") bad(path, "log." + key, "unknown key (known: level, format)");
        }
        if (const std::string level = string_key(*l, path, "level", false, "log."); !level.empty()) {
            if (level != "debug" && level != "info" && level != "warning" && level != "error") {
                bad(path, "log.level", "expected \"debug\", \"info\", \"warning\" or \"error\"");
            }
            c.log_level = level;
        }
        if (const std::string format = string_key(*l, path, "format", false, "log."); !format.empty()) {
            if (format != "text" && format != "json") bad(path, "log.format", "expected \"text\" or \"json\"");
            c.log_format = format;
        }
    }
    if (const auto m = doc.find("monitoring"); m != doc.end()) {
        if (!m->is_object()) bad(path, "monitoring", "expected an object, e.g. {\"listen\": \"127.0.0.1:9464\"}");
        for (const auto& [key, _] : m->items()) {
            if (key != "listen") bad(path, "monitoring." + key, "unknown key (known: listen)");
        }
        const std::string listen = string_key(*m, path, "listen", true, "monitoring.");
        c.monitoring_listen = listen_key(listen, path, "monitoring.listen", "127.0.0.1:9464");
    }
    if (const auto l = doc.find("log_channels"); l != doc.end()) {
        if (!l->is_object()) bad(path, "log_channels", "expected an object, e.g. {\"orders\": \"123456789012345678\"}");
        for (const auto& [key, _] : l->items()) {
            const auto topic = apexcore::core::parse_log_topic(key);
            if (!topic) bad(path, "log_channels." + key, "unknown log channel (known: orders, payments, audit, tickets, errors)");
            const auto id = apexcore::core::channel_id::parse(string_key(*l, path, key, true, "log_channels."));
            if (!id) bad(path, "log_channels." + key, "expected a Discord channel id as a string of digits, e.g. \"123456789012345678\"");
            c.log_channels[*topic] = *id;
        }
    }
    if (const auto n = doc.find("notifications"); n != doc.end()) {
        if (!n->is_object()) bad(path, "notifications", "expected an object, e.g. {\"direct_messages\": true}");
        for (const auto& [key, value] : n->items()) {
            if (key == "direct_messages") {
                if (!value.is_boolean()) bad(path, "notifications.direct_messages", "expected true or false");
                c.direct_messages = value.get<bool>();
            } else if (key == "max_pending") {
                c.outbox_max_pending = integer_value(value, path, "notifications.max_pending", 1, 10'000'000,
                                                     "expected an integer from 1 to 10000000");
            } else {
                bad(path, "notifications." + key, "unknown key (known: direct_messages, max_pending)");
            }
        }
    }
    if (const auto k = doc.find("keys"); k != doc.end()) {
        if (!k->is_object()) bad(path, "keys", "expected an object, e.g. {\"pattern\": \"[A-Z0-9]{5}(-[A-Z0-9]{5}){4}\"}");
        for (const auto& [key, _] : k->items()) {
            if (key != "pattern") bad(path, "keys." + key, "unknown key (known: pattern)");
        }
        const std::string pattern = string_key(*k, path, "pattern", true, "keys.");
        if (const auto error = apexcore::core::license_key_pattern::describe_error(pattern)) {
            bad(path, "keys.pattern", "not a key pattern: " + error->reason + " at byte " + std::to_string(error->offset));
        }
        c.key_pattern = pattern;
    }
    if (const auto b = doc.find("backups"); b != doc.end()) {
        if (!b->is_object()) bad(path, "backups", "expected an object, e.g. {\"directory\": \"backups\", \"every_hours\": 24, \"keep\": 7}");
        for (const auto& [key, value] : b->items()) {
            if (key == "enabled") {
                if (!value.is_boolean()) bad(path, "backups.enabled", "expected true or false");
                c.backups.enabled = value.get<bool>();
            } else if (key == "directory") {
                c.backups.directory = string_key(*b, path, "directory", true, "backups.");
            } else if (key == "every_hours") {
                c.backups.every_hours =
                    static_cast<int>(integer_value(value, path, "backups.every_hours", 1, 720, "expected hours from 1 to 720"));
            } else if (key == "keep") {
                c.backups.keep = static_cast<int>(integer_value(value, path, "backups.keep", 1, 365, "expected a count from 1 to 365"));
            } else {
                bad(path, "backups." + key, "unknown key (known: enabled, directory, every_hours, keep)");
            }
        }
    }
    if (const auto t = doc.find("tiers"); t != doc.end()) {
        if (!t->is_array()) bad(path, "tiers", "expected an array of tiers, e.g. [{\"name\": \"Gold\", \"role_id\": \"…\", \"mode\": \"spend\", \"spend_threshold\": \"50.00\", \"discount_bp\": 500}]");
        for (std::size_t i = 0; i < t->size(); ++i) {
            const json& item = (*t)[i];
            const std::string where = "tiers[" + std::to_string(i) + "].";
            if (!item.is_object()) bad(path, where.substr(0, where.size() - 1), "expected an object");
            for (const auto& [key, _] : item.items()) {
                if (key != "name" && key != "role_id" && key != "mode" && key != "spend_threshold" && key != "discount_bp") {
                    bad(path, where + key, "unknown key (known: name, role_id, mode, spend_threshold, discount_bp)");
                }
            }
            apexcore::core::vip_tier tier;
            tier.name = string_key(item, path, "name", true, where);
            // Optional: without it /setup run makes the tier's role (named after the tier).
            if (item.contains("role_id")) {
                const auto role = apexcore::core::role_id::parse(string_key(item, path, "role_id", true, where));
                if (!role || role->empty()) bad(path, where + "role_id", "expected a Discord role id as a string of digits");
                tier.role = *role;
            }
            const std::string mode = string_key(item, path, "mode", true, where);
            if (mode == "spend") {
                tier.mode = apexcore::core::tier_mode::automatic_spend;
            } else if (mode == "first_purchase") {
                tier.mode = apexcore::core::tier_mode::automatic_first_purchase;
            } else if (mode == "manual") {
                tier.mode = apexcore::core::tier_mode::manual;
            } else if (mode == "all_ranks") {
                tier.mode = apexcore::core::tier_mode::automatic_all_ranks;
            } else {
                bad(path, where + "mode", "expected \"spend\", \"first_purchase\", \"manual\" or \"all_ranks\"");
            }
            if (const std::string threshold = string_key(item, path, "spend_threshold", false, where); !threshold.empty()) {
                const auto parsed = apexcore::core::parse_money(threshold, c.currency);
                if (!parsed) bad(path, where + "spend_threshold", std::string(apexcore::core::describe(parsed.error())));
                tier.spend_threshold_minor = parsed->minor_units();
            } else if (tier.mode == apexcore::core::tier_mode::automatic_spend) {
                bad(path, where + "spend_threshold", "a \"spend\" tier needs the lifetime spend that earns it, e.g. \"50.00\"");
            }
            if (const auto d = item.find("discount_bp"); d != item.end()) {
                tier.discount = static_cast<apexcore::core::basis_points>(
                    integer_value(*d, path, where + "discount_bp", 0, 10000, "expected basis points from 0 to 10000 (500 = 5 %)"));
            }
            c.tiers.push_back(std::move(tier));
        }
    }
    if (const auto r = doc.find("refunds"); r != doc.end()) {
        if (!r->is_object()) bad(path, "refunds", "expected an object, e.g. {\"max_days\": 14, \"fee_percent\": 10}");
        for (const auto& [key, value] : r->items()) {
            if (key == "max_days") {
                c.refunds.max_days = static_cast<int>(integer_value(value, path, "refunds.max_days", 0, 365,
                                                                    "expected days from 0 to 365 (0: members cannot ask)"));
            } else if (key == "fee_percent") {
                c.refunds.fee_percent = static_cast<int>(integer_value(value, path, "refunds.fee_percent", 0, 100,
                                                                       "expected a percentage from 0 to 100"));
            } else {
                bad(path, "refunds." + key, "unknown key (known: max_days, fee_percent)");
            }
        }
    }
    if (const auto pay = doc.find("payments"); pay != doc.end()) {
        if (!pay->is_object()) bad(path, "payments", "expected an object, e.g. {\"methods\": [{\"name\": \"PayPal\", \"instructions\": \"…\"}]}");
        for (const auto& [key, value] : pay->items()) {
            if (key == "session_ttl_minutes") {
                c.payment_session_ttl_minutes = static_cast<int>(integer_value(value, path, "payments.session_ttl_minutes", 1, 10080,
                                                                               "expected minutes from 1 to 10080 (7 days)"));
            } else if (key == "methods") {
                if (!value.is_array()) {
                    bad(path, "payments.methods", "expected an array of {\"name\", \"instructions\", \"emoji\"?, \"proof_required\"?}");
                }
                for (std::size_t i = 0; i < value.size(); ++i) {
                    const std::string where = "payments.methods[" + std::to_string(i) + "].";
                    const json& m = value[i];
                    if (!m.is_object()) bad(path, where.substr(0, where.size() - 1), "expected an object");
                    for (const auto& [field, _] : m.items()) {
                        if (field != "name" && field != "instructions" && field != "emoji" && field != "proof_required") {
                            bad(path, where + field, "unknown key (known: name, instructions, emoji, proof_required)");
                        }
                    }
                    c.payment_methods.push_back({string_key(m, path, "name", true, where), string_key(m, path, "instructions", true, where),
                                                 string_key(m, path, "emoji", false, where), {}});
                    if (const auto required = m.find("proof_required"); required != m.end()) {
                        if (!required->is_boolean()) bad(path, where + "proof_required", "expected true or false");
                        c.payment_methods.back().proof_required = required->get<bool>();
                    }
                }
            } else {
                bad(path, "payments." + key, "unknown key (known: methods, session_ttl_minutes)");
            }
        }
    }
    if (const auto cd = doc.find("cooldowns"); cd != doc.end()) {
        const std::string example = "e.g. {\"purchases\": {\"max\": 5, \"per_minutes\": 60}}";
        if (!cd->is_object()) bad(path, "cooldowns", "expected an object, " + example);
        for (const auto& [key, value] : cd->items()) {
            if (key != "purchases" && key != "refund_requests" && key != "deposits") {
                bad(path, "cooldowns." + key, "unknown key (known: purchases, refund_requests, deposits)");
            }
            const std::string where = "cooldowns." + key;
            if (!value.is_object()) bad(path, where, "expected {\"max\": N, \"per_minutes\": M}");
            apexcore::core::cooldown_rule rule;
            for (const auto& [field, v] : value.items()) {
                if (field == "max") {
                    rule.max_count = static_cast<int>(integer_value(v, path, where + ".max", 1, 1000, "expected 1 to 1000"));
                } else if (field == "per_minutes") {
                    rule.period = std::chrono::minutes(
                        integer_value(v, path, where + ".per_minutes", 1, 60 * 24 * 30, "expected minutes from 1 to 43200 (30 days)"));
                } else {
                    bad(path, where + "." + field, "unknown key (known: max, per_minutes)");
                }
            }
            if (value.find("max") == value.end()) bad(path, where + ".max", "is required");
            if (value.find("per_minutes") == value.end()) bad(path, where + ".per_minutes", "is required");
            (key == "purchases" ? c.cooldowns.purchases : key == "deposits" ? c.cooldowns.deposits : c.cooldowns.refund_requests) = rule;
        }
    }
    // The owner's texts: {"default": {...}, "de": {...}}, each {"<key>": "<text>"}.
    if (const auto m = doc.find("messages"); m != doc.end()) {
        const std::string example = "e.g. {\"default\": {\"storefront.thank_you\": \"Thanks! Order **{reference}** is paid.\"}}";
        if (!m->is_object()) bad(path, "messages", "expected an object of languages, " + example);
        for (const auto& [locale, texts] : m->items()) {
            if (!texts.is_object()) bad(path, "messages." + locale, "expected an object of texts by key, " + example);
            for (const auto& [key, text] : texts.items()) {
                if (!text.is_string()) bad(path, "messages." + locale + "." + key, "expected a string");
                c.messages[locale][key] = text.get<std::string>();
            }
        }
        if (auto catalog = apexcore::bot::message_catalog::make(c.messages); !catalog) {
            const auto& problem = catalog.error();
            bad(path, "messages." + problem.locale + (problem.key.empty() ? "" : "." + problem.key), problem.detail);
        }
    }
}

}  // namespace apexbot::detail
