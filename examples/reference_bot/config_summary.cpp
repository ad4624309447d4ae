// apexbot --check-config: what a valid config file resolves to, for the person who wrote it.
#include "config.hpp"

#include <apexcore/core/outbox.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace apexbot {

void print_summary(const config& c, bool token_set) {
    std::cout << "config " << c.path << " is valid\n"
              << "  guild_id:       " << c.guild.str() << "\n"
              << "  staff_role_id:  " << (c.staff_role.empty() ? std::string("(none: /setup run makes it)") : c.staff_role.str()) << "\n"
              << "  currency:       " << c.currency.code_string() << "\n"
              << "  database:       " << c.database_for_display() << "\n"
              << "  products_file:  " << (c.products_file.empty() ? "(none)" : c.products_file) << " ("
              << c.seed_products.size() << " products)\n"
              << "  discord.api_base: " << c.api_base << "\n"
              << "  discord.gateway_url: " << (c.gateway_url.empty() ? "(from GET /gateway/bot)" : c.gateway_url) << "\n"
              << "  discord.ca_file:  " << (c.ca_file.empty() ? "(system trust store)" : c.ca_file) << "\n"
              << "  discord.intents:  " << c.intents << "\n"
              << "  discord.defer_after_ms: " << c.defer_after_ms << "\n"
              << "  mode:           " << c.mode << "\n"
              << "  http:           "
              << (c.mode == "gateway" ? std::string("(off)")
                                      : "http://" + c.http_address + ":" + std::to_string(c.http_port) + c.http_path)
              << "\n"
              << "  token:          " << (token_set ? "set" : "NOT SET (DISCORD_TOKEN or the discord_token credential)")
              << "\n";
    std::cout << "  tickets:        " << (c.tickets_enabled ? "on" : "off") << ", at most " << c.ticket_policy.max_open_per_member
              << " open per member; transcripts in "
              << (c.transcript_s3 ? "S3 " + c.transcript_s3->endpoint + "/" + c.transcript_s3->bucket + "/" + c.transcript_s3->prefix
                                  : c.transcript_directory)
              << ", posted to "
              << (c.transcript_channel ? c.transcript_channel->str() : std::string("(no channel)")) << "\n";
    std::cout << "  log:            " << c.log_level << ", " << c.log_format << " lines on stderr\n"
              << "  monitoring:     "
              << (c.monitoring_listen ? "/healthz and /metrics on http://" + c.monitoring_listen->first + ":" +
                                            std::to_string(c.monitoring_listen->second)
                                      : std::string("(off)"))
              << "\n";
    std::string channels;
    for (const auto& [topic, channel] : c.log_channels) {
        channels += (channels.empty() ? "" : ", ") + std::string(apexcore::core::to_string(topic)) + " -> " + channel.str();
    }
    std::string tiers;
    for (const auto& t : c.tiers) {
        tiers += (tiers.empty() ? "" : ", ") + t.name + " (role " + (t.role.empty() ? std::string("made by /setup run") : t.role.str()) + ", " + std::to_string(t.discount) + " bp)";
    }
    std::cout << "  tiers:          " << (tiers.empty() ? std::string("(none)") : tiers) << "\n"
              << "  refunds:        " << (c.refunds.max_days > 0 ? "within " + std::to_string(c.refunds.max_days) + " days"
                                                                  : std::string("members cannot ask"))
              << ", fee " << c.refunds.fee_percent << " %\n";
    const auto rule_text = [](const std::optional<apexcore::core::cooldown_rule>& r) {
        return r ? std::to_string(r->max_count) + " per " + std::to_string(r->period.count()) + " min" : std::string("none");
    };
    std::string methods;
    for (const auto& m : c.payment_methods) methods += (methods.empty() ? "" : ", ") + m.name;
    std::cout << "  payments:       " << (methods.empty() ? std::string("wallet only") : methods + " (Pay by on the product card, /proof, order tickets)")
              << ", sessions expire after " << c.payment_session_ttl_minutes << " min\n";
    std::cout << "  cooldowns:      purchases " << rule_text(c.cooldowns.purchases) << ", refund requests "
              << rule_text(c.cooldowns.refund_requests) << ", deposits " << rule_text(c.cooldowns.deposits) << "\n";
    std::string texts;
    for (const auto& [locale, overrides] : c.messages) {
        texts += (texts.empty() ? "" : ", ") + locale + " (" + std::to_string(overrides.size()) + ")";
    }
    std::cout << "  keys:           pattern " << c.key_pattern << "\n";
    std::cout << "  backups:        "
              << (c.backups.enabled ? "every " + std::to_string(c.backups.every_hours) + " h into " + c.backups.directory +
                                          ", the newest " + std::to_string(c.backups.keep) + " kept"
                                    : std::string("off"))
              << "\n";
    std::cout << "  messages:       " << (texts.empty() ? std::string("shipped English") : "English with overrides: " + texts) << "\n";
    std::cout << "  log_channels:   " << (channels.empty() ? std::string("(none)") : channels) << "\n"
              << "  notifications:  DMs " << (c.direct_messages ? "on" : "off") << ", at most " << c.outbox_max_pending
              << " waiting\n";
    for (const auto& t : c.ticket_types) {
        std::cout << "    " << t.key << " (" << t.label << "): " << t.questions.size() << " question(s), category "
                  << (t.category ? t.category->str() : std::string("(none)")) << ", warn after "
                  << std::chrono::duration_cast<std::chrono::hours>(t.warn_after).count() << " h, close after "
                  << std::chrono::duration_cast<std::chrono::hours>(t.close_after).count() << " h\n";
    }
}

}  // namespace apexbot
