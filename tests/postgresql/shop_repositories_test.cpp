// Customers' standing, scheduled jobs and /setup records on PostgreSQL (issue 13 §1, §3): the
// SQLite store's contracts, and a scheduled job claimed exactly once per due time by several
// processes sharing the database — including after the process that ran it died.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/repositories.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using apexcore::test_support::postgres_server;

constexpr core::user_id alice{100000000000000001};
const std::chrono::system_clock::time_point t0{std::chrono::milliseconds(1'800'000'000'000)};

class PostgresShopTest : public ::testing::Test {
protected:
    std::string url_ = postgres_server::shared().fresh_database();
    postgresql::database db_{{.url = url_, .connections = 4}};
    ports::system_clock clock_;

    void SetUp() override { db_.migrate(); }
};

TEST_F(PostgresShopTest, LifetimeSpendSaturatesAndRolesAreRecordedOnce) {
    db_.serializable([&](postgresql::session& s) {
        postgresql::customer_repository customers(s, clock_);
        EXPECT_EQ(customers.profile(alice).lifetime_spend_minor, 0) << "a customer never seen";
        customers.add_spend(alice, 6000, 1);
        customers.add_spend(alice, -10000, 0);  // a refund larger than the spend: floored at 0
        customers.add_spend(alice, core::amount_minor_max, 1);
        customers.add_spend(alice, core::amount_minor_max, 1);  // capped, never overflowing
        customers.apply_roles(alice, {{core::role_id{5}, core::role_id{6}}, {}});
        customers.apply_roles(alice, {{core::role_id{5}}, {core::role_id{6}}});  // granted twice, then one revoked
    });
    db_.serializable([&](postgresql::session& s) {
        const auto p = postgresql::customer_repository(s, clock_).profile(alice);
        EXPECT_EQ(p.lifetime_spend_minor, core::amount_minor_max);
        EXPECT_EQ(p.completed_purchases, 3);
        EXPECT_EQ(p.held_roles, std::set<core::role_id>{core::role_id{5}});
    });
}

TEST_F(PostgresShopTest, EachDueTimeIsClaimedByExactlyOneProcessEvenAfterTheOneThatRanItDied) {
    postgresql::database other({.url = url_, .connections = 4});  // a second process
    db_.serializable([&](postgresql::session& s) { postgresql::schedule_repository(s).ensure_job("backups.daily", t0); });
    other.serializable([&](postgresql::session& s) {
        postgresql::schedule_repository(s).ensure_job("backups.daily", t0 + 1h);  // known already: unchanged
    });

    std::atomic<int> claims{0};
    std::vector<std::thread> askers;
    for (int i = 0; i < 8; ++i) {
        askers.emplace_back([&, i] {
            auto& db = i % 2 == 0 ? db_ : other;
            db.serializable([&](postgresql::session& s) {
                if (postgresql::schedule_repository(s).claim_job("backups.daily", t0 + 1s, t0 + 24h)) ++claims;
            });
        });
    }
    for (auto& t : askers) t.join();
    EXPECT_EQ(claims.load(), 1) << "one run per due time, whoever asks";

    // The process that claimed it died before finish_job: the next due time is claimed anyway.
    bool again = false;
    other.serializable([&](postgresql::session& s) {
        postgresql::schedule_repository jobs(s);
        EXPECT_FALSE(jobs.claim_job("backups.daily", t0 + 23h, t0 + 48h)) << "not due yet";
        again = jobs.claim_job("backups.daily", t0 + 24h, t0 + 48h);
        jobs.finish_job("backups.daily", t0 + 24h + 2s, std::string(400, 'x'));
    });
    EXPECT_TRUE(again);
    db_.serializable([&](postgresql::session& s) {
        const auto all = postgresql::schedule_repository(s).jobs();
        ASSERT_EQ(all.size(), 1U);
        EXPECT_EQ(all[0].runs, 2);
        EXPECT_EQ(all[0].next_due, t0 + 48h);
        EXPECT_EQ(all[0].last_started, t0 + 24h);
        EXPECT_EQ(all[0].last_error.size(), 300U) << "clipped";
    });
}

TEST_F(PostgresShopTest, SetupRecordsAreReplacedByName) {
    db_.serializable([&](postgresql::session& s) {
        postgresql::setup_repository setup(s, clock_);
        setup.record_setup({"channel.storefront", "channel", 1300000000000000300ULL, 1300000000000000299ULL, {}});
        setup.record_setup({"role.staff", "role", 18446744073709551000ULL, std::nullopt, {}});
        setup.record_setup({"channel.storefront", "channel", 1300000000000000400ULL, std::nullopt, {}});
    });
    db_.serializable([&](postgresql::session& s) {
        const auto all = postgresql::setup_repository(s, clock_).setup_records();
        ASSERT_EQ(all.size(), 2U);
        EXPECT_EQ(all[0].name, "channel.storefront");
        EXPECT_EQ(all[0].id, 1300000000000000400ULL);
        EXPECT_FALSE(all[0].parent);
        EXPECT_EQ(all[1].id, 18446744073709551000ULL) << "a snowflake past 2^63 reads back whole";
    });
    EXPECT_THROW(db_.serializable([&](postgresql::session& s) {
        postgresql::setup_repository(s, clock_).record_setup({"x", "webhook", 1, std::nullopt, {}});
    }),
                 postgresql::database_error);
}

}  // namespace

namespace {

TEST_F(PostgresShopTest, AProposalIsStoredOnceConfirmedOrCancelledAndPurgedWhenExpired) {
    core::staff_proposal p;
    p.token = "1577028761012928512";
    p.action = core::staff_action::wallet_debit;
    p.staff = core::user_id{900000000000000009};
    p.member = alice;
    p.amount = core::money::usd_cents(2500);
    p.reason = "chargeback";
    p.created_at = t0;
    p.expires_at = t0 + 15min;
    db_.serializable([&](postgresql::session& s) {
        postgresql::proposal_repository proposals(s);
        EXPECT_TRUE(proposals.insert_proposal(p));
        EXPECT_FALSE(proposals.insert_proposal(p)) << "a retried preview stores nothing new";
        EXPECT_TRUE(proposals.cancel_proposal(p.token));
        EXPECT_FALSE(proposals.cancel_proposal("unknown"));
    });
    db_.serializable([&](postgresql::session& s) {
        postgresql::proposal_repository proposals(s);
        const auto found = proposals.find_proposal(p.token);
        ASSERT_TRUE(found);
        EXPECT_EQ(found->action, core::staff_action::wallet_debit);
        EXPECT_EQ(found->amount, core::money::usd_cents(2500));
        EXPECT_EQ(found->expires_at, t0 + 15min);
        EXPECT_TRUE(found->cancelled);
        EXPECT_EQ(proposals.purge_proposals(t0 + 10min, 10), 0U) << "not expired yet";
        EXPECT_EQ(proposals.purge_proposals(t0 + 16min, 10), 1U);
        EXPECT_FALSE(proposals.find_proposal(p.token));
    });
}

}  // namespace
