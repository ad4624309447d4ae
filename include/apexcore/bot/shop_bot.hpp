#pragma once
/// @file shop_bot.hpp
/// The platform-neutral shop bot: its command table and the flows behind it, on the neutral
/// message model of ports/. A chat adapter (e.g. apexcore::discord) turns platform events into
/// ports::interaction, calls `handle`, and sends the returned response.
///
/// Commands:
///   /balance                       the caller's wallet balance (ephemeral)
///   /buy                           product select -> product card with "Buy with wallet" ->
///                                  ephemeral confirmation with the order id
///   /addbalance user amount [reason]  staff only: credit a wallet (ledger type staff_credit)
///   /setup check                   staff or administrator: what the bot lacks for the features
///                                  (only with an outbound port, ports::chat_actions)
///   /ticket ...                    support tickets (features/tickets.hpp; with an outbound port
///                                  and a ticket service)

#include <apexcore/bot/feature.hpp>
#include <apexcore/bot/features/backups.hpp>
#include <apexcore/bot/features/notifications.hpp>
#include <apexcore/bot/features/stats.hpp>
#include <apexcore/bot/features/tickets.hpp>
#include <apexcore/bot/router.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/license_service.hpp>
#include <apexcore/services/member_service.hpp>
#include <apexcore/services/order_service.hpp>
#include <apexcore/services/promo_service.hpp>
#include <apexcore/services/setup_service.hpp>
#include <apexcore/services/refund_service.hpp>
#include <apexcore/services/ticket_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <vector>

namespace apexcore::bot {

/// What the bot may use beyond the wallet and the catalog; each part adds features.
struct shop_parts {
    ports::chat_actions* actions = nullptr;       ///< the outbound port: /setup check, tickets
    services::ticket_service* tickets = nullptr;  ///< with `actions`: the tickets feature
    ticket_transcripts transcripts{};             ///< where ticket transcripts go (none: not made)
    /// With `orders`: the payments feature (Pay by <method> on the card, /proof, staff review,
    /// expiry); with tickets also in order tickets.
    services::payment_service* payments = nullptr;
    std::vector<core::payment_method> payment_methods{};  ///< the configured methods (shop_config)
    services::order_service* orders = nullptr;    ///< the orders feature: /orders and /order
    services::member_service* members = nullptr;  ///< the profile feature: /profile
    services::refund_service* refunds = nullptr;  ///< with `orders`: the refunds feature (/refund, staff review)
    services::promo_service* promos = nullptr;    ///< the promos feature: /promo for staff
    services::license_service* keys = nullptr;    ///< the keys feature: /keys for staff (import with `actions`)
    /// With `actions`: /setup run, the provisioning wizard, records what it makes here.
    services::setup_service* setup = nullptr;
    /// Log channels /setup makes while the bot runs; shared with the services' notification_policy
    /// and the notifications feature (may be null).
    std::shared_ptr<services::live_log_channels> live_log_channels{};
    /// Roles /setup makes while the bot runs (the staff role when bot_config::staff_role is 0, the
    /// customer role, tier roles left out of the config); shared with the services'
    /// shop_config::made_roles and, when it has none, bot_config::made_roles (may be null: the
    /// wizard then makes no roles).
    std::shared_ptr<services::live_roles> live_roles{};
    /// With `orders`: the stats feature's chart (/stats summary); empty: figures without a chart.
    sales_chart_fn sales_chart{};
    /// With `actions`: the notifications feature sends the outbox (log channels, DMs) through it.
    services::outbox_service* outbox = nullptr;
    notifications_options notifications{};        ///< its log channels and retry settings
    /// The backups feature: /backup and the scheduled backup (reported through `outbox` when given).
    ports::backups* backups = nullptr;
    backup_options backup_schedule{};             ///< how often, how many kept
    const ports::clock* clock = nullptr;          ///< names the backups; nullptr: the system clock
};

/// The reference shop bot: a router with the wallet, storefront, orders, tickets, notifications,
/// setup and help features (features/; orders, tickets, notifications and setup when
/// `shop_parts` gives what they need). Add,
/// remove or replace features through `features()` before the bot starts handling interactions
/// (docs/embedding.md). Thread-safe: handle() may run on several worker threads at once.
class shop_bot {
public:
    /// Services (and what `parts` points to) must outlive the bot. `config.log` receives one
    /// line per unexpected failure. Without `parts.actions` (the outbound port, e.g.
    /// discord::rest_chat_actions) the features that act beyond the answer (/setup check,
    /// tickets) are left out; tickets also need `parts.tickets`.
    shop_bot(bot_config config, services::wallet_service& wallet, services::catalog_service& catalog, shop_parts parts = {});
    shop_bot(const shop_bot&) = delete;  ///< features keep references into the bot
    shop_bot& operator=(const shop_bot&) = delete;

    /// The slash commands to register (Discord: bulk overwrite of guild commands).
    [[nodiscard]] std::vector<ports::command_spec> commands() const;

    /// Answers one interaction. Never throws: storage failures become an ephemeral apology
    /// (and a log line) after which nothing has been charged, because every money movement is
    /// one transaction.
    [[nodiscard]] ports::interaction_response handle(const ports::interaction& interaction);

    /// Gives a channel message to the features (ticket activity). Never throws.
    void on_message(const ports::channel_message& message) { router_.on_message(message); }
    /// The features' scheduled jobs, for a bot::scheduler.
    [[nodiscard]] std::vector<scheduled_job> jobs() const { return router_.jobs(); }
    /// The router, to add, remove or replace features.
    [[nodiscard]] router& features() { return router_; }

private:
    router router_;
};

}  // namespace apexcore::bot
