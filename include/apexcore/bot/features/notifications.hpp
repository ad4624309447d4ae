#pragma once
/// @file notifications.hpp
/// Log channels and DMs: sends what the services wrote to the outbox (core/outbox.hpp) — a
/// purchase to the orders log and, with its delivery, to the buyer by DM; a staff credit to the
/// payments log and to the member; refund and manual-payment decisions to their log and to the
/// member (a payment approved with its delivery); stock alerts to the orders log; every ticket
/// event (opened, claimed, closed ...) to the tickets log; VIP tier and product roles granted to
/// and taken from members (refusals reported to the errors log with what to do).
///
/// The dispatcher is a scheduled job ("outbox.dispatch", every second): it leases up to
/// `batch` due entries, renders each with the views below and sends it through the outbound
/// port. How a refusal is handled:
///   - Discord down, slow or rate limited (unavailable, rate_limited_timeout): tried again after
///     1, 2, 4 ... s, at most `retry_cap` apart, for as long as it takes — an entry is never
///     dropped because Discord was away; the round stops at the first such failure and puts the
///     rest back untried, so an outage costs one request per round.
///   - the owner must act (missing_permissions, not_found: the bot may not post there, or the
///     channel was deleted): logged as a warning and tried again every `retry_cap`, given up
///     (failed, logged as an error) `give_up_after` after the entry was written.
///   - the member does not accept DMs (dm_closed): a notice without anything secret goes to the
///     entry's log channel instead, so staff can reach the member; the entry counts as sent.
///   - malformed (invalid_input) or no channel configured for its topic: failed at once, logged.
///   - a role change refused (role_hierarchy, missing_permissions): reported once in the errors
///     log channel ("role.refused": who, which role, why, what to do) and logged as an error, then
///     tried like any refusal the owner must fix — so fixing the role order is enough; not_found
///     (the member left, the role is gone) is reported and given up at once.
/// Sent entries are deleted after `keep_sent`.
///
/// Facts named "secret" (a license key, a delivery) are shown only in the member's DM.

#include <apexcore/bot/feature.hpp>
#include <apexcore/core/outbox.hpp>
#include <apexcore/ports/metrics.hpp>
#include <apexcore/services/outbox_service.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>

namespace apexcore::bot {

/// How the notifications feature sends.
struct notifications_options {
    std::map<core::log_topic, core::channel_id> channels{};  ///< the log channel of each topic
    /// Channels /setup made while the bot runs, for topics `channels` lacks (may be null).
    std::shared_ptr<const services::live_log_channels> live_channels{};
    std::size_t batch = 25;                       ///< entries per round, 1..500
    std::chrono::seconds retry_cap{60};           ///< the longest wait between two attempts, >= 1 s
    std::chrono::hours give_up_after{24};         ///< for refusals only the owner can fix
    std::chrono::hours keep_sent{24 * 7};         ///< sent entries are deleted after this
    ports::metrics* metrics = nullptr;            ///< apexcore_outbox_pending / _sends_total; may be null
    /// Roles the bot grants (VIP tiers, products' roles), with what they are for: each must be
    /// below the bot's highest role, which requirements() asks /setup check to verify.
    std::vector<std::pair<std::string, core::role_id>> granted_roles{};
};

/// What one dispatch round did (tests, logs).
struct dispatch_report {
    std::size_t sent = 0;       ///< posted or DMed
    std::size_t fallbacks = 0;  ///< DMs closed: the log channel was told instead
    std::size_t retried = 0;    ///< will be tried again
    std::size_t failed = 0;     ///< given up
};

/// The log-channel post for an entry (log_post), or for any entry when rendered for staff: an
/// embed per event ("order.paid", "wallet.credited", "refund.approved", "refund.rejected",
/// "payment.approved", "payment.rejected", "stock.low", "stock.critical", "stock.out_of_stock",
/// "stock.restocked", "ticket.<event kind>"; any other event shows its facts as fields), within
/// Discord's embed limits (REFERENCE.md §5), never showing the fact "secret".
[[nodiscard]] ports::message log_post_view(const core::outbox_entry& entry);
/// The member's DM for an entry (direct_message): what happened to them, with the delivery
/// (fact "secret") for "order.paid", in the texts of `t` ("dm.*" keys; a DM has no interaction, so
/// the owner's "default" overrides apply, else English).
[[nodiscard]] ports::message direct_message_view(const core::outbox_entry& entry, const localized& t = {});
/// What the log channel is told when the member does not accept DMs: who, about what, and how
/// they can see it themselves — nothing secret.
[[nodiscard]] ports::message dm_fallback_view(const core::outbox_entry& entry);

/// See the file comment. Commands: none. Thread-safe (rounds run one at a time).
class notifications_feature final : public feature {
public:
    /// `outbox` and `actions` must outlive the feature. std::invalid_argument for options out of range.
    notifications_feature(const bot_config& config, services::outbox_service& outbox, ports::chat_actions& actions,
                          notifications_options options);

    [[nodiscard]] std::string name() const override { return "notifications"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override { return {}; }
    /// View, send and embed links in every configured log channel; Manage Roles and each granted
    /// role below the bot's own.
    [[nodiscard]] std::vector<requirement> requirements() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    /// "outbox.dispatch" every second (one round), "outbox.purge" every hour.
    [[nodiscard]] std::vector<scheduled_job> jobs() const override;

    /// One round: sends what is due now (see the file comment). Never throws for a refusal of
    /// the platform; a store failure propagates (the scheduler logs it and runs the round again).
    dispatch_report dispatch();

private:
    /// Sends one entry; true when the round should go on (false: the platform is away).
    bool send(const core::outbox_entry& entry, dispatch_report& report);
    void count(std::string_view outcome);
    /// Logs a refused role change and, when the entry's topic has a channel, writes a
    /// "role.refused" post for it (with what the owner can do).
    void report_role_refusal(const core::outbox_entry& entry, const std::string& why, bool retrying);

    const bot_config& config_;
    services::outbox_service& outbox_;
    ports::chat_actions& actions_;
    notifications_options options_;
    std::mutex round_;
};

}  // namespace apexcore::bot
