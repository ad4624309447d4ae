// The PostgreSQL ledger, balances and idempotency keys (issue 13 §1): the SQLite store's
// contract, with PostgreSQL refusing a negative balance and a second use of a key itself, and
// concurrent read-then-write use cases kept exact by SERIALIZABLE transactions and retries.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/repositories.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

namespace {

using namespace apexcore;
using apexcore::test_support::postgres_server;

constexpr core::user_id alice{100000000000000001};
constexpr core::user_id staff{900000000000000009};

class PostgresMoneyTest : public ::testing::Test {
protected:
    postgresql::database db_{{.url = postgres_server::shared().fresh_database(), .connections = 8}};
    ports::system_clock clock_;

    void SetUp() override { db_.migrate(); }

    /// `work` with a repository, in one serializable transaction.
    template <class Work>
    void in_tx(Work work) {
        db_.serializable([&](postgresql::session& s) {
            postgresql::money_repository repo(s, clock_);
            work(repo);
        });
    }
    core::ledger_entry append(core::ledger_entry_type type, std::int64_t cents, std::string description = "test") {
        core::ledger_entry out;
        in_tx([&](postgresql::money_repository& repo) {
            out = repo.append({alice, type, core::money::usd_cents(cents), std::move(description), std::nullopt,
                               type == core::ledger_entry_type::staff_credit ? std::optional<core::user_id>(staff) : std::nullopt});
        });
        return out;
    }
    core::money balance() {
        core::money out;
        in_tx([&](postgresql::money_repository& repo) { out = repo.balance(alice, core::usd); });
        return out;
    }
    std::int64_t ledger_rows() {
        std::int64_t n = 0;
        db_.with([&](postgresql::session& s) { n = s.exec("SELECT COUNT(*) FROM wallet_ledger").int64(0, 0); });
        return n;
    }
};

TEST_F(PostgresMoneyTest, AppendsMoveTheBalanceAndReadBackNewestFirst) {
    EXPECT_EQ(balance(), core::money::usd_cents(0)) << "a user never seen has nothing";
    const auto first = append(core::ledger_entry_type::deposit, 2500, "first deposit");
    const auto second = append(core::ledger_entry_type::purchase, -999, "Purchase of Indie Bundle");
    const auto third = append(core::ledger_entry_type::staff_credit, 1);
    EXPECT_EQ(first.balance_after, core::money::usd_cents(2500));
    EXPECT_EQ(second.balance_after, core::money::usd_cents(1501));
    EXPECT_EQ(third.balance_after, core::money::usd_cents(1502));
    EXPECT_EQ(balance(), core::money::usd_cents(1502));
    in_tx([&](postgresql::money_repository& repo) {
        const auto all = repo.history(alice, 10, std::nullopt);
        ASSERT_EQ(all.size(), 3U);
        EXPECT_EQ(all[0].id, third.id);
        EXPECT_EQ(all[0].staff, staff);
        EXPECT_EQ(all[2].description, "first deposit");
        const auto older = repo.history(alice, 10, second.id);
        ASSERT_EQ(older.size(), 1U);
        EXPECT_EQ(older[0].id, first.id);
        const auto found = repo.find_entry(second.id);
        ASSERT_TRUE(found);
        EXPECT_EQ(found->type, core::ledger_entry_type::purchase);
        EXPECT_EQ(found->amount, core::money::usd_cents(-999));
        EXPECT_EQ(found->user, alice) << "a snowflake above 2^63 would come back the same too";
        EXPECT_FALSE(repo.find_entry(core::ledger_entry_id{first.id.value + 100}));
    });
}

TEST_F(PostgresMoneyTest, ANegativeOrOverflowingBalanceIsRefusedAndWritesNothing) {
    append(core::ledger_entry_type::deposit, 500);
    try {
        append(core::ledger_entry_type::purchase, -501);
        FAIL() << "an overdraft must be refused";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("balance would become negative"), std::string::npos) << e.what();
    }
    EXPECT_THROW(append(core::ledger_entry_type::deposit, std::numeric_limits<std::int64_t>::max()), ports::store_error);
    EXPECT_EQ(balance(), core::money::usd_cents(500));
    EXPECT_EQ(ledger_rows(), 1) << "nothing of a refused movement is kept";
}

TEST_F(PostgresMoneyTest, ConcurrentDebitsThatCheckTheBalanceFirstNeverOverdrawOrLoseOne) {
    append(core::ledger_entry_type::deposit, 1000);
    // Eight workers, like eight bot threads or processes, each buying 10-cent items 30 times,
    // checking the balance first as the wallet service does.
    std::atomic<int> bought{0}, refused{0}, failed{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
        workers.emplace_back([&] {
            for (int i = 0; i < 30; ++i) {
                bool ok = false;
                try {
                    in_tx([&](postgresql::money_repository& repo) {
                        ok = false;  // a retried attempt starts over
                        if (repo.balance(alice, core::usd).minor_units() < 10) return;
                        repo.append({alice, core::ledger_entry_type::purchase, core::money::usd_cents(-10), "item", std::nullopt,
                                     std::nullopt});
                        ok = true;
                    });
                } catch (const std::exception&) {
                    ++failed;  // a failure that escaped the retries
                    continue;
                }
                ++(ok ? bought : refused);
            }
        });
    }
    for (auto& t : workers) t.join();
    EXPECT_EQ(failed.load(), 0) << "serialization failures are retried, never seen by the use case";
    EXPECT_EQ(bought.load(), 100) << "exactly the balance's worth";
    EXPECT_EQ(refused.load(), 140);
    EXPECT_EQ(balance(), core::money::usd_cents(0));
    db_.with([](postgresql::session& s) {
        const auto r = s.exec("SELECT SUM(amount_minor), MIN(balance_after_minor), COUNT(*) FROM wallet_ledger");
        EXPECT_EQ(r.int64(0, 0), 0) << "the ledger sums to the balance";
        EXPECT_EQ(r.int64(0, 1), 0);
        EXPECT_EQ(r.int64(0, 2), 101);
    });
}

TEST_F(PostgresMoneyTest, AnIdempotencyKeyIsRecordedOnce) {
    const auto entry = append(core::ledger_entry_type::deposit, 500);
    in_tx([&](postgresql::money_repository& repo) {
        EXPECT_FALSE(repo.find_key("credit:1"));
        repo.record_key({"credit:1", "staff_credit", "alice|500|USD", entry.id.value, std::nullopt});
    });
    in_tx([&](postgresql::money_repository& repo) {
        const auto found = repo.find_key("credit:1");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->operation, "staff_credit");
        EXPECT_EQ(found->fingerprint, "alice|500|USD");
        EXPECT_EQ(found->ledger_entry, entry.id.value);
        EXPECT_FALSE(found->order);
    });
    try {
        in_tx([&](postgresql::money_repository& repo) {
            repo.record_key({"credit:1", "staff_credit", "other", std::nullopt, std::nullopt});
        });
        FAIL() << "a key is recorded once";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("recorded already"), std::string::npos) << e.what();
    }
}

}  // namespace
