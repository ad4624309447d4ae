// Group commit: units of work from many threads share one transaction, each isolated by its own
// savepoint; a unit that throws or rolls back loses only itself. Plus the v3 -> v4 upgrade.
#include <apexcore/sqlite/migrations.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include "temp_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

namespace {

using namespace apexcore;

core::ledger_draft credit(std::uint64_t user, std::int64_t cents) {
    return {core::user_id{user}, core::ledger_entry_type::deposit, core::money::usd_cents(cents), "t", std::nullopt,
            std::nullopt};
}

TEST(GroupCommitTest, AFailingUnitLosesOnlyItself) {
    test_support::temp_db db;
    sqlite::sqlite_store store({.path = db.path()});
    constexpr int threads = 16, per_thread = 50;
    std::atomic<int> thrown{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const int kind = (t + i) % 3;  // 0 commit, 1 roll back, 2 throw after writing
                try {
                    store.transact([&](ports::unit_of_work& uow) {
                        uow.wallet().append(credit(static_cast<std::uint64_t>(t + 1), 1));
                        if (kind == 2) throw std::runtime_error("boom");
                        return kind == 0 ? ports::tx_outcome::commit : ports::tx_outcome::rollback;
                    });
                } catch (const std::runtime_error&) {
                    ++thrown;
                }
            }
        });
    }
    for (auto& t : pool) t.join();
    std::int64_t expected_total = 0;
    std::int64_t total = 0;
    for (int t = 0; t < threads; ++t) {
        for (int i = 0; i < per_thread; ++i) expected_total += (t + i) % 3 == 0 ? 1 : 0;
        store.read([&](ports::unit_of_work& uow) {
            total += uow.wallet().balance(core::user_id{static_cast<std::uint64_t>(t + 1)}, core::usd).minor_units();
        });
    }
    EXPECT_EQ(total, expected_total);
    int expected_thrown = 0;
    for (int t = 0; t < threads; ++t) {
        for (int i = 0; i < per_thread; ++i) expected_thrown += (t + i) % 3 == 2 ? 1 : 0;
    }
    EXPECT_EQ(thrown.load(), expected_thrown);
    EXPECT_TRUE(store.reconcile().ok());
}

TEST(GroupCommitTest, ConstraintViolationInOneUnitDoesNotAbortTheBatch) {
    test_support::temp_db db;
    sqlite::sqlite_store store({.path = db.path()});
    EXPECT_THROW(store.transact([](ports::unit_of_work& uow) {
        uow.wallet().append(credit(1, 5));
        uow.idempotency().record_key({"k", "op", "f", std::nullopt, std::nullopt});
        uow.idempotency().record_key({"k", "op", "f", std::nullopt, std::nullopt});  // duplicate key: store_error
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
    store.transact([](ports::unit_of_work& uow) {
        uow.wallet().append(credit(2, 7));
        return ports::tx_outcome::commit;
    });
    store.read([](ports::unit_of_work& uow) {
        EXPECT_EQ(uow.wallet().balance(core::user_id{1}, core::usd).minor_units(), 0);
        EXPECT_EQ(uow.wallet().balance(core::user_id{2}, core::usd).minor_units(), 7);
        EXPECT_FALSE(uow.idempotency().find_key("k").has_value());
    });
}

TEST(GroupCommitTest, NestedTransactIsRefusedInsteadOfDeadlocking) {
    test_support::temp_db db;
    sqlite::sqlite_store store({.path = db.path()});
    EXPECT_THROW(store.transact([&](ports::unit_of_work&) {
        store.transact([](ports::unit_of_work&) { return ports::tx_outcome::commit; });
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
}

TEST(GroupCommitTest, WithoutGroupCommitTheSameRulesHold) {
    test_support::temp_db db;
    sqlite::sqlite_store store({.path = db.path(), .group_commit = false});
    EXPECT_THROW(store.transact([](ports::unit_of_work& uow) {
        uow.wallet().append(credit(1, 5));
        throw std::runtime_error("boom");
        return ports::tx_outcome::commit;
    }),
                 std::runtime_error);
    store.read([](ports::unit_of_work& uow) { EXPECT_EQ(uow.wallet().balance(core::user_id{1}, core::usd).minor_units(), 0); });
}

TEST(MigrationsV4Test, OrdersGetLegacyReferencesAndCustomersAreBackfilled) {
    test_support::temp_db db;
    ASSERT_EQ(sqlite::migrate(db.path(), 3), 3);
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    const char* seed =
        "INSERT INTO products (id, main_category, sub_category, service_name, variant_name, price_minor, currency, "
        "is_active, created_at_ms) VALUES (1, 'A', 'B', 'C', 'D', 500, 'USD', 1, 0);"
        "INSERT INTO wallets VALUES (7, 'USD', 500);"
        "INSERT INTO orders (id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor, "
        "discount_bp, created_at_ms) VALUES (1, 7, 1, 'paid', 'USD', 500, 500, 0, 0);"
        "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, order_id, "
        "created_at_ms) VALUES (7, 'USD', 'deposit', 1000, 1000, 'd', NULL, 0), "
        "(7, 'USD', 'purchase', -500, 500, 'p', 1, 0);";
    ASSERT_EQ(sqlite3_exec(raw, seed, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);

    sqlite::sqlite_store store({.path = db.path()});
    EXPECT_EQ(sqlite::schema_version(db.path()), sqlite::latest_schema_version());
    store.read([](ports::unit_of_work& uow) {
        const auto order = uow.orders().find(core::order_id{1});
        ASSERT_TRUE(order.has_value());
        EXPECT_EQ(order->reference, "AC-LEGACY-1");
        EXPECT_EQ(order->source, core::order_source::wallet);
        EXPECT_EQ(order->refunded.minor_units(), 0);
        const auto profile = uow.customers().profile(core::user_id{7});
        EXPECT_EQ(profile.lifetime_spend_minor, 500);
        EXPECT_EQ(profile.completed_purchases, 1);
        EXPECT_EQ(uow.wallet().find_entry(core::ledger_entry_id{2})->order, std::optional(core::order_id{1}));
    });
    EXPECT_TRUE(store.reconcile().ok());
    // partially_refunded is accepted by the rebuilt table.
    store.transact([](ports::unit_of_work& uow) {
        EXPECT_TRUE(uow.orders().set_status(core::order_id{1}, core::order_status::paid,
                                            core::order_status::partially_refunded));
        return ports::tx_outcome::commit;
    });
}

}  // namespace
