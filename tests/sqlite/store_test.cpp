#include <apexcore/sqlite/sqlite_store.hpp>

#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include "temp_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using namespace apexcore;
using core::money;
using core::user_id;

constexpr user_id staff{900};
constexpr user_id alice{1001};
constexpr user_id bob{1002};

/// Counts rows of a table through a separate raw connection (what really is on disk).
std::int64_t count_rows(const std::string& path, const std::string& table) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT COUNT(*) FROM " + table;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    const std::int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

/// Runs raw SQL and returns SQLite's result code.
int exec_raw(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
}

class StoreTest : public ::testing::Test {
protected:
    test_support::temp_db db_;
    sqlite::sqlite_store store_{{.path = db_.path()}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    int added_ = 0;

    /// Each call adds a distinct variant (the catalog refuses a second product with the same four names).
    core::product add_product(std::int64_t price_cents, bool active = true) {
        const std::string variant = "Edition " + std::to_string(++added_);
        auto p = catalog_.add({{}, "Games", "Keys", "Indie Bundle", variant, money::usd_cents(price_cents), active});
        EXPECT_TRUE(p.ok());
        return *p;
    }

    void credit(user_id who, std::int64_t cents) {
        const auto entry = wallet_.staff_credit({{staff, true}, who, money::usd_cents(cents), "top-up"});
        ASSERT_TRUE(entry.ok());
    }
};

TEST_F(StoreTest, StaffCreditWritesALedgerRowWithTheStaffId) {
    credit(alice, 2500);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(2500));
    std::vector<core::ledger_entry> history;
    store_.read([&](ports::unit_of_work& uow) { history = uow.wallet().history(alice, 10, std::nullopt); });
    ASSERT_EQ(history.size(), 1U);
    EXPECT_EQ(history[0].type, core::ledger_entry_type::staff_credit);
    EXPECT_EQ(history[0].amount, money::usd_cents(2500));
    EXPECT_EQ(history[0].balance_after, money::usd_cents(2500));
    ASSERT_TRUE(history[0].staff.has_value());
    EXPECT_EQ(*history[0].staff, staff);
}

TEST_F(StoreTest, StaffCreditRejectsNonStaffAndBadAmounts) {
    EXPECT_EQ(wallet_.staff_credit({{alice, false}, alice, money::usd_cents(100), ""}).error(), core::rejection::not_staff);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(0), ""}).error(), core::rejection::invalid_amount);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(-5), ""}).error(), core::rejection::invalid_amount);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money{5, *core::find_currency("EUR")}, ""}).error(),
              core::rejection::currency_mismatch);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(5), std::string(201, 'x')}).error(),
              core::rejection::description_too_long);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 0);
}

TEST_F(StoreTest, CreditThatWouldOverflowTheBalanceIsRejected) {
    credit(alice, core::amount_minor_max - 10);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(11), ""}).error(),
              core::rejection::balance_overflow);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 1);
}

TEST_F(StoreTest, CreditAboveTheAmountLimitIsAmountTooLarge) {
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(core::amount_minor_max + 1), ""}).error(),
              core::rejection::amount_too_large);
    EXPECT_EQ(wallet_.staff_credit({{staff, true}, alice, money::usd_cents(std::numeric_limits<std::int64_t>::max()), ""})
                  .error(),
              core::rejection::amount_too_large);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 0);
}

TEST_F(StoreTest, PurchaseWritesOrderAndDebitAtomically) {
    const auto product = add_product(1200);
    credit(alice, 2500);
    const auto receipt = wallet_.purchase({alice, product.id, money::usd_cents(1200)});
    ASSERT_TRUE(receipt.ok());
    EXPECT_EQ(receipt->order.status, core::order_status::paid);
    EXPECT_EQ(receipt->order.price_paid, money::usd_cents(1200));
    EXPECT_EQ(receipt->debit.amount, money::usd_cents(-1200));
    EXPECT_EQ(receipt->debit.balance_after, money::usd_cents(1300));
    ASSERT_TRUE(receipt->debit.order.has_value());
    EXPECT_EQ(*receipt->debit.order, receipt->order.id);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(1300));

    std::optional<core::order> stored;
    store_.read([&](ports::unit_of_work& uow) { stored = uow.orders().find(receipt->order.id); });
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->customer, alice);
    EXPECT_EQ(stored->product, product.id);
    EXPECT_TRUE(store_.reconcile().ok());
}

TEST_F(StoreTest, InsufficientFundsWritesNothing) {
    const auto product = add_product(3000);
    credit(alice, 2999);
    EXPECT_EQ(wallet_.purchase({alice, product.id, std::nullopt}).error(), core::rejection::insufficient_funds);
    EXPECT_EQ(count_rows(db_.path(), "orders"), 0);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 1);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(2999));
}

TEST_F(StoreTest, PurchaseRejectsUnknownInactiveAndRepricedProducts) {
    const auto inactive = add_product(100, false);
    const auto active = add_product(100);
    credit(alice, 1000);
    EXPECT_EQ(wallet_.purchase({alice, core::product_id{9999}, std::nullopt}).error(), core::rejection::unknown_product);
    EXPECT_EQ(wallet_.purchase({alice, inactive.id, std::nullopt}).error(), core::rejection::product_inactive);
    EXPECT_EQ(wallet_.purchase({alice, active.id, money::usd_cents(99)}).error(), core::rejection::price_changed);
    EXPECT_EQ(count_rows(db_.path(), "orders"), 0);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(1000));
}

TEST_F(StoreTest, LedgerRowsAreInsertOnly) {
    credit(alice, 100);
    EXPECT_NE(exec_raw(db_.path(), "UPDATE wallet_ledger SET amount_minor = 5"), SQLITE_OK);
    EXPECT_NE(exec_raw(db_.path(), "DELETE FROM wallet_ledger"), SQLITE_OK);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 1);
}

TEST_F(StoreTest, ReconcileDetectsABalanceThatDisagreesWithTheLedger) {
    credit(alice, 500);
    credit(bob, 700);
    EXPECT_TRUE(store_.reconcile().ok());
    ASSERT_EQ(exec_raw(db_.path(), "UPDATE wallets SET balance_minor = 1 WHERE user_id = 1002"), SQLITE_OK);
    const auto report = store_.reconcile();
    EXPECT_EQ(report.users_checked, 2U);
    ASSERT_EQ(report.mismatches.size(), 1U);
    EXPECT_EQ(report.mismatches[0].user, bob);
    EXPECT_EQ(report.mismatches[0].balance_minor, 1);
    EXPECT_EQ(report.mismatches[0].ledger_sum_minor, 700);
}

TEST_F(StoreTest, AWorkThatThrowsRollsBackEverything) {
    const auto product = add_product(100);
    EXPECT_THROW(store_.transact([&](ports::unit_of_work& uow) {
        uow.wallet().append({alice, core::ledger_entry_type::deposit, money::usd_cents(100), "", std::nullopt, std::nullopt});
        uow.orders().insert({alice, product.id, core::order_status::paid, money::usd_cents(100), money::usd_cents(100), 0});
        throw std::runtime_error("crash between writes");
        return ports::tx_outcome::commit;
    }),
                 std::runtime_error);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 0);
    EXPECT_EQ(count_rows(db_.path(), "orders"), 0);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(0));
}

TEST_F(StoreTest, AppendThatWouldOverdrawThrowsAndRollsBack) {
    EXPECT_THROW(store_.transact([&](ports::unit_of_work& uow) {
        uow.wallet().append({alice, core::ledger_entry_type::purchase, money::usd_cents(-1), "", std::nullopt, std::nullopt});
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 0);
}

TEST_F(StoreTest, WritesInsideReadAreRefused) {
    EXPECT_THROW(store_.read([&](ports::unit_of_work& uow) {
        (void)uow.wallet().append({alice, core::ledger_entry_type::deposit, money::usd_cents(1), "", std::nullopt, std::nullopt});
    }),
                 ports::store_error);
}

TEST_F(StoreTest, HistoryPagesNewestFirst) {
    for (int i = 1; i <= 5; ++i) credit(alice, i * 100);
    std::vector<core::ledger_entry> first;
    std::vector<core::ledger_entry> second;
    store_.read([&](ports::unit_of_work& uow) {
        first = uow.wallet().history(alice, 3, std::nullopt);
        second = uow.wallet().history(alice, 3, first.back().id);
    });
    ASSERT_EQ(first.size(), 3U);
    ASSERT_EQ(second.size(), 2U);
    EXPECT_EQ(first[0].amount, money::usd_cents(500));
    EXPECT_EQ(second[1].amount, money::usd_cents(100));
    EXPECT_EQ(first[0].balance_after, money::usd_cents(1500));
}

// Several threads buy for the same user at once: with 10 affordable purchases' worth of balance
// and 40 attempts, exactly 10 succeed, the balance never goes negative and everything reconciles.
TEST_F(StoreTest, ConcurrentPurchasesByOneUserNeverOverdraw) {
    const auto product = add_product(700);
    credit(alice, 7000);
    constexpr int threads = 4;
    constexpr int attempts_per_thread = 10;
    std::atomic<int> ok{0};
    std::atomic<int> insufficient{0};
    std::atomic<int> other{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int i = 0; i < attempts_per_thread; ++i) {
                const auto r = wallet_.purchase({alice, product.id, std::nullopt});
                if (r.ok()) ++ok;
                else if (r.error() == core::rejection::insufficient_funds) ++insufficient;
                else ++other;
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(ok.load(), 10);
    EXPECT_EQ(insufficient.load(), threads * attempts_per_thread - 10);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(wallet_.balance(alice), money::usd_cents(0));
    EXPECT_EQ(count_rows(db_.path(), "orders"), 10);
    EXPECT_EQ(count_rows(db_.path(), "wallet_ledger"), 11);
    const auto report = store_.reconcile();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.users_checked, 1U);
}

TEST(StoreOpenTest, UnopenablePathIsAClearError) {
    try {
        sqlite::sqlite_store store({.path = "/nonexistent-dir/apexcore.db"});
        FAIL() << "expected store_error";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/apexcore.db"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("unable to open database file"), std::string::npos)
            << "SQLite's own message is kept: " << e.what();
    }
}

}  // namespace

namespace {

// Stored values that fail to parse are store_errors, never exceptions of another kind, never 0.
TEST_F(StoreTest, CorruptStoredValuesAreStoreErrors) {
    ASSERT_EQ(exec_raw(db_.path(), "INSERT INTO promo_codes (code, kind, percent_bp, currency, active, scope_products, "
                                   "updated_at_ms) VALUES ('BAD', 'percent', 500, 'USD', 1, '[\"x\"]', 0)"),
              SQLITE_OK);
    EXPECT_THROW(store_.read([](ports::unit_of_work& uow) { (void)uow.promos().find_promo("BAD"); }), ports::store_error)
        << "std::stoll once threw std::invalid_argument here";
    // A REAL where an integer belongs (what SQLite makes of an int64 overflow) is refused, not truncated.
    ASSERT_EQ(exec_raw(db_.path(), "INSERT INTO customers (user_id, lifetime_spend_minor, completed_purchases, "
                                   "updated_at_ms) VALUES (1001, 1e19, 1, 0)"),
              SQLITE_OK);
    try {
        store_.read([](ports::unit_of_work& uow) { (void)uow.customers().profile(alice); });
        ADD_FAILURE() << "a REAL spend was read as an integer";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("expected an integer, found a real"), std::string::npos) << e.what();
    }
}

TEST_F(StoreTest, LifetimeSpendSaturatesAtTheAmountLimitInSql) {
    store_.transact([](ports::unit_of_work& uow) {
        uow.customers().add_spend(alice, core::amount_minor_max, 1);
        uow.customers().add_spend(alice, core::amount_minor_max, 1);
        return ports::tx_outcome::commit;
    });
    store_.read([](ports::unit_of_work& uow) {
        EXPECT_EQ(uow.customers().profile(alice).lifetime_spend_minor, core::amount_minor_max);
    });
}

}  // namespace
