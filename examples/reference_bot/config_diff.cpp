#include "config.hpp"

#include <algorithm>

namespace apexbot {

std::vector<std::string> settings_needing_restart(const config& fresh, const config& running) {
    std::vector<std::string> restart;
    if (fresh.guild != running.guild) restart.emplace_back("guild_id");
    if (fresh.staff_role != running.staff_role) restart.emplace_back("staff_role_id");
    if (fresh.currency.code_string() != running.currency.code_string()) restart.emplace_back("currency");
    if (fresh.database != running.database) restart.emplace_back("database");
    if (fresh.api_base != running.api_base || fresh.gateway_url != running.gateway_url || fresh.ca_file != running.ca_file ||
        fresh.intents != running.intents || fresh.shard_count != running.shard_count || fresh.shard_ids != running.shard_ids ||
        fresh.defer_after_ms != running.defer_after_ms) {
        restart.emplace_back("discord");
    }
    if (fresh.mode != running.mode || fresh.http_address != running.http_address || fresh.http_port != running.http_port ||
        fresh.http_path != running.http_path || fresh.http_public_key != running.http_public_key) {
        restart.emplace_back("mode/http");
    }
    if (fresh.monitoring_listen != running.monitoring_listen) restart.emplace_back("monitoring");
    if (fresh.log_channels != running.log_channels) restart.emplace_back("log_channels");
    if (fresh.refunds.max_days != running.refunds.max_days || fresh.refunds.fee_percent != running.refunds.fee_percent) {
        restart.emplace_back("refunds");
    }
    const auto same_rule = [](const auto& a, const auto& b) {
        return a.has_value() == b.has_value() && (!a || (a->max_count == b->max_count && a->period == b->period));
    };
    if (fresh.payment_session_ttl_minutes != running.payment_session_ttl_minutes ||
        fresh.payment_methods.size() != running.payment_methods.size() ||
        !std::equal(fresh.payment_methods.begin(), fresh.payment_methods.end(), running.payment_methods.begin(),
                    [](const auto& a, const auto& b) { return a.name == b.name && a.instructions == b.instructions && a.emoji == b.emoji; })) {
        restart.emplace_back("payments");
    }
    if (fresh.messages != running.messages) restart.emplace_back("messages");
    if (fresh.key_pattern != running.key_pattern) restart.emplace_back("keys");
    if (fresh.backups.enabled != running.backups.enabled || fresh.backups.directory != running.backups.directory ||
        fresh.backups.every_hours != running.backups.every_hours || fresh.backups.keep != running.backups.keep) {
        restart.emplace_back("backups");
    }
    if (!same_rule(fresh.cooldowns.purchases, running.cooldowns.purchases) ||
        !same_rule(fresh.cooldowns.refund_requests, running.cooldowns.refund_requests) ||
        !same_rule(fresh.cooldowns.deposits, running.cooldowns.deposits)) {
        restart.emplace_back("cooldowns");
    }
    if (fresh.tiers.size() != running.tiers.size() ||
        !std::equal(fresh.tiers.begin(), fresh.tiers.end(), running.tiers.begin(), [](const auto& a, const auto& b) {
            return a.name == b.name && a.role == b.role && a.mode == b.mode &&
                   a.spend_threshold_minor == b.spend_threshold_minor && a.discount == b.discount;
        })) {
        restart.emplace_back("tiers");
    }
    if (fresh.direct_messages != running.direct_messages || fresh.outbox_max_pending != running.outbox_max_pending) {
        restart.emplace_back("notifications");
    }
    if (fresh.tickets_enabled != running.tickets_enabled || fresh.transcript_directory != running.transcript_directory ||
        fresh.transcript_channel != running.transcript_channel || fresh.ticket_types.size() != running.ticket_types.size()) {
        restart.emplace_back("tickets");
    }
    return restart;
}

}  // namespace apexbot
