// Crash safety: a child process performs purchases and reports each acknowledged one on a pipe;
// the test kills it with SIGKILL at random moments (24 times), reopens the database each time
// and asserts that every acknowledged purchase is there, nothing is half-written, no idempotency
// key was applied twice, and reconcile() passes. Each round re-sends a few keys already used.
#include "temp_db.hpp"

#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <iostream>
#include <csignal>
#include <map>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace apexcore::test_support {
namespace {

/// Runs the child for `run_for`, kills it with SIGKILL and returns the acknowledged lines.
std::map<long, std::int64_t> run_and_kill(const std::string& db, long start, std::chrono::milliseconds run_for) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    const std::string start_text = std::to_string(start);
    char* argv[] = {const_cast<char*>(APEXCORE_CRASH_CHILD_PATH), const_cast<char*>(db.c_str()),
                    const_cast<char*>(start_text.c_str()), nullptr};
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, APEXCORE_CRASH_CHILD_PATH, &actions, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);

    std::string data;
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + run_for;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (::poll(&p, 1, 5) > 0) {
            const auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
            if (n <= 0) break;
            data.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child ended on its own: status " << status;
    while (true) {  // lines written before the kill are still in the pipe
        const auto n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    std::map<long, std::int64_t> acked;
    std::istringstream lines(data);
    long i = 0;
    std::int64_t order = 0;
    while (lines >> i >> order) acked[i] = order;
    return acked;
}

std::int64_t scalar(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    std::int64_t v = -1;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

TEST(CrashSafetyTest, EveryAcknowledgedPurchaseSurvivesSigkill) {
    temp_db db;
    {
        sqlite::sqlite_store store({.path = db.path()});
        services::catalog_service catalog(store, services::shop_config{});
        ASSERT_TRUE(catalog.add({{}, "Crash", "Test", "Unit", "One cent", core::money::usd_cents(1)}).ok());
        services::wallet_service wallet(store, services::shop_config{});
        for (std::uint64_t u = 1; u <= 8; ++u) {
            ASSERT_TRUE(wallet.deposit({{core::user_id{99}, true}, core::user_id{u}, core::money::usd_cents(1000000000), "seed"}).ok());
        }
    }
    const auto seed = static_cast<unsigned>(std::random_device{}());
    std::mt19937 rng(seed);
    SCOPED_TRACE("random seed " + std::to_string(seed));
    std::map<long, std::int64_t> acknowledged;  // key index -> order id, over all rounds
    long next = 0;
    constexpr int rounds = 24;
    for (int round = 0; round < rounds; ++round) {
        const auto run_for = std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng));
        const long start = std::max(0L, next - 3);  // re-send up to 3 keys that may have been applied
        const auto acked = run_and_kill(db.path(), start, run_for);
        for (const auto& [i, order] : acked) {
            const auto [it, fresh] = acknowledged.emplace(i, order);
            EXPECT_EQ(it->second, order) << "key crash:" << i << " was acknowledged with two different orders";
            (void)fresh;
            next = std::max(next, i + 1);
        }

        // Reopen (recovers the WAL) and check the whole database.
        sqlite::sqlite_store reopened({.path = db.path()});
        const auto report = reopened.reconcile();
        EXPECT_TRUE(report.ok()) << "round " << round << ": " << report.mismatches.size() << " wallets disagree with the ledger";
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open_v2(db.path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        for (const auto& [i, order] : acknowledged) {
            const std::string key = "'crash:" + std::to_string(i) + "'";
            EXPECT_EQ(scalar(raw, "SELECT order_id FROM idempotency_keys WHERE key = " + key), order)
                << "round " << round << ": acknowledged purchase crash:" << i << " is missing";
        }
        const auto keys = scalar(raw, "SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'crash:%'");
        EXPECT_EQ(scalar(raw, "SELECT COUNT(*) FROM orders"), keys) << "an order without its key, or a key applied twice";
        EXPECT_EQ(scalar(raw, "SELECT COUNT(*) FROM wallet_ledger WHERE type = 'purchase'"), keys);
        EXPECT_EQ(scalar(raw, "SELECT COUNT(*) FROM idempotency_keys k JOIN orders o ON o.id = k.order_id "
                              "JOIN wallet_ledger l ON l.id = k.ledger_entry_id AND l.order_id = o.id "
                              "WHERE k.key LIKE 'crash:%'"),
                  keys)
            << "a key whose order and ledger row do not belong together";
        EXPECT_EQ(scalar(raw, "SELECT COALESCE(SUM(lifetime_spend_minor), 0) FROM customers"), keys);
        EXPECT_EQ(scalar(raw, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
        EXPECT_EQ(scalar(raw, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
        sqlite3_close(raw);
        if (HasFailure()) break;
    }
    std::cout << "[ crash ] " << rounds << " SIGKILLs, " << acknowledged.size()
              << " acknowledged purchases verified after each restart (seed " << seed << ")\n";
    EXPECT_GT(acknowledged.size(), 50U) << "the child acknowledged too few purchases to prove anything";
}

}  // namespace
}  // namespace apexcore::test_support
