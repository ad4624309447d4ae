#include <apexcore/core/money.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <iostream>

int main() {
    apexcore::sqlite::sqlite_store store({.path = ":memory:"});
    std::cout << "apexcore: " << apexcore::core::format_money(apexcore::core::money::usd_cents(1234))
              << ", reconcile " << (store.reconcile().ok() ? "ok" : "FAILED") << "\n";
    return store.reconcile().ok() ? 0 : 1;
}
