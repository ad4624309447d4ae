// The smallest embedding of apexcore: core + services + the SQLite store, no Discord at all.
// Creates a product, tops up a wallet, buys, shows the ledger and proves it reconciles.
//
//   apexcore-embedded-shop [database-path]     (default: an in-memory database)
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <iostream>

int main(int argc, char** argv) {
    using namespace apexcore;
    const std::string path = argc > 1 ? argv[1] : ":memory:";
    try {
        sqlite::sqlite_store store({.path = path});
        services::catalog_service catalog(store, services::shop_config{});
        services::wallet_service wallet(store, services::shop_config{});

        const auto product = catalog.add({{}, "Software", "Licences", "Editor Pro", "1 year", core::money::usd_cents(1999), true});
        if (!product) {
            std::cerr << "could not add the product\n";
            return 1;
        }
        const core::user_id staff{100};
        const core::user_id customer{200};
        const auto credit = wallet.staff_credit({{staff, true}, customer, core::money::usd_cents(5000), "welcome credit"});
        if (!credit) {
            std::cerr << "top-up refused: " << core::describe(credit.error()) << "\n";
            return 1;
        }
        const auto receipt = wallet.purchase({customer, product->id, product->price});
        if (!receipt) {
            std::cerr << "purchase refused: " << core::describe(receipt.error()) << "\n";
            return 1;
        }
        std::cout << "order #" << receipt->order.id.value << ": " << receipt->product_name << " for "
                  << core::format_money(receipt->order.price_paid) << "\n";

        std::vector<core::ledger_entry> ledger;
        store.read([&](ports::unit_of_work& uow) { ledger = uow.wallet().history(customer, 10, std::nullopt); });
        for (const auto& e : ledger) {
            std::cout << "  ledger #" << e.id.value << " " << core::to_string(e.type) << " " << core::format_money(e.amount)
                      << " -> balance " << core::format_money(e.balance_after) << "\n";
        }
        const auto report = store.reconcile();
        std::cout << "reconcile: " << (report.ok() ? "ok" : "MISMATCH") << " (" << report.users_checked << " wallets)\n";
        return report.ok() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "apexcore-embedded-shop: " << e.what() << "\n";
        return 1;
    }
}
