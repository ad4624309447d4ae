// Links every installed apexcore target and runs a purchase on an in-memory store.
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/discord/model.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <iostream>

int main() {
    using namespace apexcore;
    sqlite::sqlite_store store({.path = ":memory:"});
    services::catalog_service catalog(store, services::shop_config{});
    services::wallet_service wallet(store, services::shop_config{});
    auto product = catalog.add({{}, "Games", "Keys", "Demo", "Standard", core::money::usd_cents(500), true});
    if (!product) return 1;
    auto credit = wallet.staff_credit({{core::user_id{1}, true}, core::user_id{2}, core::money::usd_cents(800), "seed"});
    auto receipt = wallet.purchase({core::user_id{2}, product->id, std::nullopt});
    if (!credit || !receipt) return 1;
    const auto body = discord::to_interaction_callback(bot::ephemeral_reply("ok"));
    std::cout << "balance " << core::format_money(wallet.balance(core::user_id{2})) << ", callback type "
              << body["type"] << ", reconcile " << (store.reconcile().ok() ? "ok" : "FAILED") << "\n";
    return store.reconcile().ok() && wallet.balance(core::user_id{2}) == core::money::usd_cents(300) ? 0 : 1;
}
