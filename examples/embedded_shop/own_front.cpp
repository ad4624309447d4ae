// Embedding apexcore behind a front of your own (a website, another chat library), and adding a
// feature of your own to the shop bot. docs/embedding.md walks through it; this file is built and
// run by the test suite (example.own_front), so the documentation cannot drift from the API.
//
//   apexcore-own-front [database-path]     (default: an in-memory database)
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/outbox_service.hpp>
#include <apexcore/services/promo_service.hpp>
#include <apexcore/services/refund_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <iostream>

namespace {

using namespace apexcore;

// [feature] A feature of your own: /hours answers the shop's opening hours; its button uses the
// custom_id namespace "hours" ("hours:<anything>"), which the router sends back to it.
class hours_feature final : public bot::feature {
public:
    std::string name() const override { return "hours"; }
    std::vector<ports::command_spec> commands() const override { return {{"hours", "When is the shop staffed?", {}, false}}; }
    std::vector<std::string> namespaces() const override { return {"hours"}; }
    ports::interaction_response on_command(const ports::interaction&, const ports::command_invocation&) override {
        auto r = bot::ephemeral_reply("Staff answer tickets 09:00-21:00 UTC.");
        ports::button remind;
        remind.label = "Remind me";
        remind.custom_id = "hours:remind";
        r.body.rows = {{{remind}}};
        return r;
    }
    ports::interaction_response on_component(const ports::interaction&, const ports::component_action&) override {
        return bot::ephemeral_reply("We will remind you at 09:00 UTC.");
    }
};
// [/feature]

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : ":memory:";
    try {
        // [config] One shop_config for every service: currency, VIP tiers, refund policy.
        services::shop_config config;
        config.currency = core::usd;
        const core::role_id gold{900};
        config.tiers = {{"Gold", gold, core::tier_mode::automatic_spend, 5000, 500}};  // $50 spent -> 5 % off
        config.refunds.max_days = 14;  // customers may ask for a refund within 14 days
        // [/config]

        sqlite::sqlite_store store({.path = path});
        services::catalog_service catalog(store, config);
        services::wallet_service wallet(store, config);
        services::promo_service promos(store, config);
        services::refund_service refunds(store, config);
        const services::actor staff{core::user_id{100}, true};
        const core::user_id customer{200};

        const auto product = catalog.add({{}, "Software", "Licences", "Editor Pro", "1 year", core::money::usd_cents(4000), true});
        if (!product) return 1;
        if (!wallet.staff_credit({staff, customer, core::money::usd_cents(20000), "welcome credit", "seed:200"})) return 1;

        // [promo] A promo code: 10 % off, once per customer.
        core::promo_code spring;
        spring.code = "SPRING10";
        spring.kind = core::promo_kind::percent;
        spring.percent = 1000;
        spring.max_uses_per_user = 1;
        spring.min_spend = core::money::usd_cents(0);
        if (!promos.upsert(staff, spring)) return 1;
        // [/promo]

        // [purchase] Your front's own order id makes the idempotency key: a retry after a timeout,
        // or after your process restarted, returns the first receipt and charges nothing more.
        const std::string web_order = "web-order:8f3a2c";
        services::purchase_request request{customer, product->id, product->price, web_order, "SPRING10"};
        const auto first = wallet.purchase(request);
        const auto retry = wallet.purchase(request);
        if (!first || !retry) {
            std::cerr << "purchase refused: " << core::describe((first ? retry : first).error()) << "\n";
            return 1;
        }
        std::cout << "order #" << first->order.id.value << " paid " << core::format_money(first->order.price_paid)
                  << " (list " << core::format_money(product->price) << ", SPRING10)"
                  << "; retry replayed: " << (retry->replayed ? "yes" : "no")
                  << "; balance " << core::format_money(wallet.balance(customer)) << "\n";
        // [/purchase]

        // A second purchase crosses $50 of lifetime spend: the Gold tier is earned.
        const auto second = wallet.purchase({customer, product->id, product->price, "web-order:8f3a2d"});
        if (!second) return 1;
        for (const auto& role : second->role_changes.grant) std::cout << "grant role " << role.value << " (Gold)\n";

        // [refund] The customer asks for a refund; staff approve it: money back, spend lowered,
        // tiers re-evaluated, all in one transaction.
        const auto asked = refunds.request({{customer, false}, second->order.id, std::nullopt, "wrong edition"});
        if (!asked) return 1;
        const auto approved = refunds.approve(staff, asked->id);
        if (!approved) return 1;
        std::cout << "refunded " << core::format_money(approved->credit->amount) << "; balance "
                  << core::format_money(wallet.balance(customer)) << "\n";
        for (const auto& role : approved->role_changes.revoke) std::cout << "revoke role " << role.value << " (Gold)\n";
        // [/refund]

        // [router] The shop bot with your feature beside its own.
        bot::shop_bot shop({core::guild_id{1}, core::role_id{5}, core::usd, {}}, wallet, catalog);
        shop.features().add(std::make_shared<hours_feature>());
        ports::interaction asked_hours;
        asked_hours.id = core::interaction_id{1};
        asked_hours.from.user = customer;
        asked_hours.action = ports::command_invocation{"hours", {}};
        std::cout << "/hours -> " << shop.handle(asked_hours).body.content << "\n";
        ports::interaction clicked = asked_hours;
        clicked.id = core::interaction_id{2};
        clicked.action = ports::component_action{"hours:remind", {}, ports::component_kind::button};
        std::cout << "[Remind me] -> " << shop.handle(clicked).body.content << "\n";
        // [/router]

        // [outbox] Log posts and DMs without Discord: the services write them with each decision;
        // your front reads them from the outbox, sends them its own way (e-mail, a webhook) and
        // says so — what it never confirms is offered again after the lease.
        services::shop_config notifying = config;
        notifying.notifications.log_topics = {core::log_topic::orders};
        notifying.notifications.direct_messages = true;
        services::wallet_service notifying_wallet(store, notifying);
        services::outbox_service outbox(store, notifying);
        if (!notifying_wallet.purchase({customer, product->id, product->price, "web-order:8f3a2e"})) return 1;
        for (const auto& entry : outbox.claim(50, std::chrono::seconds(60))) {
            std::cout << "outbox: " << entry.draft.event << " for "
                      << (entry.draft.kind == core::outbox_kind::log_post ? "the orders log" : "the buyer") << ", order "
                      << entry.draft.facts.at("order") << "\n";
            outbox.sent(entry.id, std::nullopt, std::nullopt, "sent by e-mail");
        }
        // [/outbox]

        const auto report = store.reconcile();
        std::cout << "reconcile: " << (report.ok() ? "ok" : "MISMATCH") << "\n";
        return report.ok() && retry->replayed ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "apexcore-own-front: " << e.what() << "\n";
        return 1;
    }
}
