// The PostgreSQL adapter's foundation (issue 13 §1) against a private PostgreSQL server: migrations
// applied once even by processes starting together, the ledger insert-only and balances and stock
// never negative in the database itself, parameters never spliced into SQL, transactions that
// leave nothing when they fail, and a pool that lends at most its size.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/database.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace {

using namespace apexcore;
using apexcore::test_support::postgres_server;

class PostgresDatabaseTest : public ::testing::Test {
protected:
    std::string url_ = postgres_server::shared().fresh_database();
    postgresql::database db_{{.url = url_, .connections = 4}};

    /// The SQLSTATE `sql` fails with ("" if it succeeds).
    std::string failure_of(const std::string& sql) {
        std::string state;
        try {
            db_.with([&](postgresql::session& s) { s.exec_script(sql); });
        } catch (const postgresql::database_error& e) {
            state = e.sqlstate();
        }
        return state;
    }
    void seed_wallet() {
        db_.with([](postgresql::session& s) {
            s.exec_script(
                "INSERT INTO wallets VALUES (7, 'USD', 500);"
                "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, created_at_ms)"
                " VALUES (7, 'USD', 'deposit', 500, 500, 'first', 1)");
        });
    }
};

TEST_F(PostgresDatabaseTest, MigrationsApplyOnceAndRecordTheirVersion) {
    EXPECT_EQ(db_.schema_version(), 0);
    const auto applied = db_.migrate();
    ASSERT_EQ(applied.size(), postgresql::all_migrations().size());
    EXPECT_EQ(applied.front(), 1);
    EXPECT_EQ(db_.schema_version(), postgresql::all_migrations().back().version);
    EXPECT_TRUE(db_.migrate().empty()) << "a second run has nothing to do";
}

TEST_F(PostgresDatabaseTest, ProcessesStartingTogetherApplyEachStepExactlyOnce) {
    // Two pools are two processes: separate connections racing for the same migrations.
    postgresql::database other({.url = url_, .connections = 2});
    std::vector<int> mine, theirs;
    std::thread a([&] { mine = db_.migrate(); });
    std::thread b([&] { theirs = other.migrate(); });
    a.join();
    b.join();
    std::vector<int> all = mine;
    all.insert(all.end(), theirs.begin(), theirs.end());
    std::sort(all.begin(), all.end());
    std::vector<int> expected;
    for (const auto& m : postgresql::all_migrations()) expected.push_back(m.version);
    EXPECT_EQ(all, expected) << "every version applied by exactly one of them";
    db_.with([](postgresql::session& s) {
        EXPECT_EQ(s.exec("SELECT COUNT(*) FROM schema_migrations").int64(0, 0), static_cast<std::int64_t>(postgresql::all_migrations().size()));
    });
}

TEST_F(PostgresDatabaseTest, TheLedgerIsInsertOnlyInTheDatabase) {
    db_.migrate();
    seed_wallet();
    EXPECT_EQ(failure_of("UPDATE wallet_ledger SET amount_minor = 900"), "23001");  // restrict_violation
    EXPECT_EQ(failure_of("DELETE FROM wallet_ledger"), "23001");
    EXPECT_EQ(failure_of("TRUNCATE wallet_ledger CASCADE"), "23001");
    db_.with([](postgresql::session& s) {
        EXPECT_EQ(s.exec("SELECT amount_minor FROM wallet_ledger").int64(0, 0), 500);
    });
}

TEST_F(PostgresDatabaseTest, NoBalanceOrStockGoesBelowZero) {
    db_.migrate();
    seed_wallet();
    EXPECT_EQ(failure_of("UPDATE wallets SET balance_minor = balance_minor - 501"), "23514");  // check_violation
    db_.with([](postgresql::session& s) {
        s.exec("INSERT INTO products (main_category, sub_category, service_name, variant_name, price_minor, currency, stock,"
               " created_at_ms) VALUES ('Games', 'Keys', 'Indie', 'Standard', 500, 'USD', 1, 1)");
    });
    EXPECT_EQ(failure_of("UPDATE products SET stock = stock - 2"), "23514");
    EXPECT_EQ(failure_of("UPDATE products SET stock = stock - 1"), "");
    EXPECT_EQ(failure_of("INSERT INTO idempotency_keys VALUES ('k', 'purchase', 'f', NULL, NULL, 1);"
                         "INSERT INTO idempotency_keys VALUES ('k', 'purchase', 'f', NULL, NULL, 2)"),
              "23505") << "one movement per idempotency key";
}

TEST_F(PostgresDatabaseTest, ParametersAreNeverSplicedIntoTheSql) {
    db_.migrate();
    seed_wallet();
    const std::string hostile = "x'); DROP TABLE wallets; --";
    db_.with([&](postgresql::session& s) {
        s.exec("INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, created_at_ms)"
               " VALUES ($1, $2, 'bonus', $3, $4, $5, $6)",
               {"7", "USD", "1", "501", hostile, "2"});
        const auto r = s.exec("SELECT description, staff_id FROM wallet_ledger WHERE amount_minor = $1", {"1"});
        ASSERT_EQ(r.rows(), 1);
        EXPECT_EQ(r.text(0, 0), hostile);
        EXPECT_TRUE(r.is_null(0, 1));
        EXPECT_EQ(s.exec("SELECT COUNT(*) FROM wallets").int64(0, 0), 1) << "the table is still there";
    });
}

TEST_F(PostgresDatabaseTest, ATransactionThatThrowsLeavesNothing) {
    db_.migrate();
    db_.with([](postgresql::session& s) {
        EXPECT_THROW(s.transaction([](postgresql::session& tx) {
            tx.exec_script("INSERT INTO wallets VALUES (8, 'USD', 100)");
            throw std::runtime_error("the use case refused");
        }),
                     std::runtime_error);
        EXPECT_EQ(s.exec("SELECT COUNT(*) FROM wallets").int64(0, 0), 0);
        EXPECT_THROW(s.transaction([](postgresql::session&) {}, "READ UNCOMMITTED; DROP TABLE wallets"), std::invalid_argument);
    });
    // A connection handed back inside a transaction is rolled back before it is lent again.
    db_.with([](postgresql::session& s) { s.exec_script("BEGIN; INSERT INTO wallets VALUES (9, 'USD', 1)"); });
    db_.with([](postgresql::session& s) { EXPECT_EQ(s.exec("SELECT COUNT(*) FROM wallets").int64(0, 0), 0); });
}

TEST_F(PostgresDatabaseTest, ADatabaseNewerThanThisBuildIsRefused) {
    db_.migrate();
    db_.with([](postgresql::session& s) { s.exec_script("INSERT INTO schema_migrations VALUES (99, 'from the future', 1)"); });
    try {
        db_.migrate();
        FAIL() << "a newer schema must be refused";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99, newer than this build knows"), std::string::npos) << e.what();
    }
}

TEST_F(PostgresDatabaseTest, TheUrlIsCheckedAtOnceAndThePoolLendsAtMostItsSize) {
    try {
        postgresql::database wrong({.url = postgres_server::shared().url("no_such_database")});
        FAIL() << "a wrong URL must fail at construction";
    } catch (const postgresql::database_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no_such_database"), std::string::npos) << e.what();
    }
    EXPECT_THROW(postgresql::database({.url = url_, .connections = 0}), std::invalid_argument);

    std::atomic<int> lent{0}, most{0}, done{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            db_.with([&](postgresql::session& s) {
                const int now = ++lent;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                s.exec_script("SELECT pg_sleep(0.05)");
                --lent;
                ++done;
            });
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(done.load(), 8);
    EXPECT_LE(most.load(), 4) << "connections = 4";
    EXPECT_GE(most.load(), 2) << "and they are used at once";
}

}  // namespace
