// The outbox on PostgreSQL (issue 13 §1, §3): entries read back with their facts, once-only by
// dedup key, bounded; dispatchers in two processes claim disjoint entries (FOR UPDATE SKIP
// LOCKED) and an entry whose lease ends unsent is claimed again.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/repositories.hpp>

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using apexcore::test_support::postgres_server;

struct fixed_clock final : ports::clock {
    std::chrono::system_clock::time_point at{std::chrono::milliseconds(1'780'000'000'000)};
    std::chrono::system_clock::time_point now() const override { return at; }
};

class PostgresOutboxTest : public ::testing::Test {
protected:
    std::string url_ = postgres_server::shared().fresh_database();
    postgresql::database db_{{.url = url_, .connections = 4}};
    fixed_clock clock_;

    void SetUp() override { db_.migrate(); }

    template <class Work>
    void in_tx(postgresql::database& db, Work work) {
        db.serializable([&](postgresql::session& s) {
            postgresql::outbox_repository repo(s, clock_);
            work(repo);
        });
    }
    static core::outbox_draft post(std::string event, core::outbox_facts facts = {}, std::string dedup = {}) {
        return {core::outbox_kind::log_post, core::log_topic::orders, std::nullopt, std::move(event), std::move(facts), std::move(dedup)};
    }
};

TEST_F(PostgresOutboxTest, EntriesReadBackWithTheirFactsOnceByDedupKeyAndBounded) {
    std::optional<ports::outbox_enqueued> first, again, dm, over;
    in_tx(db_, [&](postgresql::outbox_repository& repo) {
        first = repo.enqueue(post("order.paid", {{"price", "$9.99"}, {"product", "Caf\xC3\xA9 \"Deluxe\" \\ 1"}}, "order:1"), 10);
        again = repo.enqueue(post("order.paid", {{"price", "$1"}}, "order:1"), 10);
        dm = repo.enqueue({core::outbox_kind::direct_message, core::log_topic::orders, core::user_id{18446744073709551000ULL},
                           "wallet.credited", {}, {}},
                          10);
        over = repo.enqueue(post("stock.low"), 2);  // two pending already: not written
        EXPECT_THROW(repo.enqueue(post("Bad Event"), 10), ports::store_error);
    });
    ASSERT_TRUE(first && again && dm);
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->id, first->id);
    EXPECT_FALSE(over) << "past max_pending nothing is written";
    in_tx(db_, [&](postgresql::outbox_repository& repo) {
        const auto e = repo.find_outbox(first->id);
        ASSERT_TRUE(e);
        EXPECT_EQ(e->draft.facts.at("product"), "Caf\xC3\xA9 \"Deluxe\" \\ 1");
        EXPECT_EQ(e->draft.dedup_key, "order:1");
        EXPECT_EQ(e->status, core::outbox_status::pending);
        EXPECT_EQ(repo.find_outbox(dm->id)->draft.recipient, core::user_id{18446744073709551000ULL});
        const auto stats = repo.outbox_stats();
        EXPECT_EQ(stats.pending, 2);
        EXPECT_EQ(stats.oldest_pending, clock_.at);
    });
}

TEST_F(PostgresOutboxTest, TwoProcessesClaimDisjointEntriesAndAnUnsentLeaseComesBack) {
    in_tx(db_, [&](postgresql::outbox_repository& repo) {
        for (int i = 0; i < 20; ++i) repo.enqueue(post("order.paid", {{"n", std::to_string(i)}}), 100);
    });
    postgresql::database other({.url = url_, .connections = 4});
    std::mutex mutex;
    std::multiset<std::int64_t> claimed;
    const auto dispatcher = [&](postgresql::database& db) {
        for (;;) {
            std::vector<core::outbox_entry> got;
            in_tx(db, [&](postgresql::outbox_repository& repo) { got = repo.claim_due(clock_.at, clock_.at + 1min, 3); });
            if (got.empty()) return;
            const std::lock_guard lock(mutex);
            for (const auto& e : got) claimed.insert(e.id.value);
        }
    };
    std::thread a([&] { dispatcher(db_); });
    std::thread b([&] { dispatcher(other); });
    a.join();
    b.join();
    EXPECT_EQ(claimed.size(), 20U);
    EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), 20U) << "no entry went to both";

    const core::outbox_id sent{*claimed.begin()}, failing{*std::next(claimed.begin())}, given_up{*std::next(claimed.begin(), 2)};
    in_tx(db_, [&](postgresql::outbox_repository& repo) {
        EXPECT_TRUE(repo.mark_sent(sent, clock_.at, core::channel_id{77}, core::message_id{88}, ""));
        EXPECT_FALSE(repo.mark_sent(sent, clock_.at, std::nullopt, std::nullopt, "")) << "sent once";
        EXPECT_TRUE(repo.reschedule(failing, clock_.at + 10min, "429", true));
        EXPECT_TRUE(repo.mark_failed(given_up, std::string(400, 'e')));
        EXPECT_TRUE(repo.claim_due(clock_.at + 30s, clock_.at + 2min, 50).empty()) << "all leased";
    });
    clock_.at += 2min;
    in_tx(db_, [&](postgresql::outbox_repository& repo) {
        const auto back = repo.claim_due(clock_.at, clock_.at + 1min, 50);
        EXPECT_EQ(back.size(), 17U) << "the 17 leased but never sent (the rescheduled one is due later)";
        EXPECT_EQ(back.front().next_attempt_at, clock_.at + 1min);
        const auto f = repo.find_outbox(given_up);
        EXPECT_EQ(f->status, core::outbox_status::failed);
        EXPECT_EQ(f->last_error.size(), 300U);
        EXPECT_EQ(repo.find_outbox(failing)->attempts, 1);
        EXPECT_EQ(repo.outbox_stats().failed, 1);
        EXPECT_EQ(repo.purge_sent(clock_.at, 10), 1U);
        EXPECT_FALSE(repo.find_outbox(sent));
    });
}

}  // namespace
