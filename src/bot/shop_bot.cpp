#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/bot/features/catalog.hpp>
#include <apexcore/bot/features/help.hpp>
#include <apexcore/bot/features/keys.hpp>
#include <apexcore/bot/features/members.hpp>
#include <apexcore/bot/features/orders.hpp>
#include <apexcore/bot/features/payments.hpp>
#include <apexcore/bot/features/profile.hpp>
#include <apexcore/bot/features/promos.hpp>
#include <apexcore/bot/features/stock.hpp>
#include <apexcore/bot/features/refunds.hpp>
#include <apexcore/bot/features/setup.hpp>
#include <apexcore/bot/features/storefront.hpp>
#include <apexcore/bot/features/tickets.hpp>
#include <apexcore/bot/features/wallet.hpp>

#include <algorithm>

namespace apexcore::bot {

namespace {

bot_config with_made_roles(bot_config config, const std::shared_ptr<services::live_roles>& roles) {
    if (!config.made_roles) config.made_roles = roles;
    return config;
}

}  // namespace

shop_bot::shop_bot(bot_config config, services::wallet_service& wallet, services::catalog_service& catalog, shop_parts parts)
    : router_(with_made_roles(std::move(config), parts.live_roles)) {
    router_.add(std::make_shared<wallet_feature>(router_.config(), wallet));
    std::vector<std::string> method_names;
    if (parts.payments != nullptr && parts.orders != nullptr) {
        for (const auto& m : parts.payment_methods) method_names.push_back(m.name);
    }
    router_.add(std::make_shared<storefront_feature>(router_.config(), wallet, catalog, std::move(method_names)));
    if (parts.payments != nullptr && parts.orders != nullptr) {
        router_.add(std::make_shared<payments_feature>(router_.config(), *parts.payments, *parts.orders, parts.payment_methods));
    }
    if (parts.orders != nullptr) {
        router_.add(std::make_shared<orders_feature>(router_.config(), *parts.orders, catalog, parts.refunds != nullptr));
        router_.add(std::make_shared<stats_feature>(router_.config(), *parts.orders, catalog, std::move(parts.sales_chart)));
    }
    if (parts.members != nullptr) {
        router_.add(std::make_shared<profile_feature>(router_.config(), *parts.members));
        router_.add(std::make_shared<members_feature>(router_.config(), *parts.members));
    }
    if (parts.promos != nullptr) router_.add(std::make_shared<promos_feature>(router_.config(), *parts.promos));
    router_.add(std::make_shared<stock_feature>(router_.config(), catalog));
    router_.add(std::make_shared<catalog_feature>(router_.config(), catalog, parts.actions));
    if (parts.keys != nullptr) router_.add(std::make_shared<keys_feature>(router_.config(), *parts.keys, catalog, parts.actions));
    if (parts.refunds != nullptr && parts.orders != nullptr) {
        router_.add(std::make_shared<refunds_feature>(router_.config(), *parts.refunds, *parts.orders));
    }
    if (parts.actions != nullptr && parts.tickets != nullptr) {
        ticket_shop shop{&wallet, &catalog, parts.payments, std::move(parts.payment_methods)};
        router_.add(std::make_shared<tickets_feature>(router_.config(), *parts.tickets, *parts.actions, std::move(parts.transcripts),
                                                      std::move(shop)));
    }
    if (parts.actions != nullptr && parts.outbox != nullptr) {
        auto notifications = parts.notifications;  // the setup wizard below still reads the configured channels
        if (!notifications.live_channels) notifications.live_channels = parts.live_log_channels;
        router_.add(std::make_shared<notifications_feature>(router_.config(), *parts.outbox, *parts.actions, std::move(notifications)));
    }
    if (parts.backups != nullptr) {
        static const ports::system_clock system_clock;
        router_.add(std::make_shared<backups_feature>(router_.config(), *parts.backups,
                                                      parts.clock != nullptr ? *parts.clock : system_clock, parts.outbox,
                                                      parts.backup_schedule));
    }
    if (parts.actions != nullptr) {
        setup_options setup;
        if (parts.setup != nullptr) {
            setup.records = parts.setup;
            setup.live_channels = parts.live_log_channels;
            setup.configured_channels = parts.notifications.channels;
            setup.shop_panel = [&catalog, this] { return storefront_panel(catalog, router_.config()); };
            if (parts.tickets != nullptr) {
                setup.ticket_panel = [tickets = parts.tickets, this]() -> std::optional<ports::message> {
                    return ticket_views::panel(tickets->types(), router_.config().unaddressed());
                };
            }
            setup.roles = parts.notifications.granted_roles;
            if (parts.live_roles) {
                setup.live_roles = parts.live_roles;
                if (parts.members != nullptr) setup.tiers = parts.members->tiers();
                setup.customer_role = std::none_of(setup.tiers.begin(), setup.tiers.end(), [](const core::vip_tier& t) {
                    return t.mode == core::tier_mode::automatic_first_purchase;
                });
            }
        }
        router_.add(std::make_shared<setup_feature>(router_.config(), *parts.actions, [this] { return router_.requirements(); },
                                                    std::move(setup)));
    }
    router_.add(std::make_shared<help_feature>(router_.config(), [this] { return router_.commands(); }));
}

std::vector<ports::command_spec> shop_bot::commands() const { return router_.commands(); }

ports::interaction_response shop_bot::handle(const ports::interaction& interaction) { return router_.handle(interaction); }

}  // namespace apexcore::bot
