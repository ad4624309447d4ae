// A purchase on an in-memory SQLite store through the services alone (no Discord, no Boost).
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>
#include <apexcore/version.hpp>

#include <iostream>

int main() {
    using namespace apexcore;
    sqlite::sqlite_store store({.path = ":memory:"});
    services::catalog_service catalog(store, services::shop_config{});
    services::wallet_service wallet(store, services::shop_config{});
    auto product = catalog.add({{}, "Games", "Keys", "Demo", "Standard", core::money::usd_cents(500), true});
    auto credit = wallet.staff_credit({{core::user_id{1}, true}, core::user_id{2}, core::money::usd_cents(800), "seed"});
    if (!product || !credit) return 1;
    auto receipt = wallet.purchase({core::user_id{2}, product->id, std::nullopt});
    if (!receipt) return 1;
    std::cout << "apexcore " << apexcore::version << ": balance " << core::format_money(wallet.balance(core::user_id{2}))
              << ", reconcile " << (store.reconcile().ok() ? "ok" : "FAILED") << "\n";
    return store.reconcile().ok() && wallet.balance(core::user_id{2}) == core::money::usd_cents(300) ? 0 : 1;
}
