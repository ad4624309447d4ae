// The persistent scheduler (issue 12 §10): due times in the store, each job at most once per due
// time across processes sharing the store, restarts that neither run a job early nor forget one,
// outcomes recorded; driven by a manual clock.
#include "../sqlite/temp_db.hpp"
#include "../support/manual_clock.hpp"

#include <apexcore/bot/scheduler.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;

class PersistentSchedulerTest : public ::testing::Test {
protected:
    std::vector<ports::scheduled_job_state> states() {
        std::vector<ports::scheduled_job_state> out;
        store_.read([&](ports::unit_of_work& uow) { out = uow.schedule().jobs(); });
        return out;
    }
    test_support::temp_db db_;
    test_support::manual_clock clock_;
    sqlite::sqlite_store store_{{.path = db_.path(), .clock = &clock_}};
    int sweeps_ = 0;
    std::vector<bot::scheduled_job> jobs() {
        return {{"tickets.sweep", 60s, [this] { ++sweeps_; }}};
    }
};

TEST_F(PersistentSchedulerTest, TwoProcessesRunAJobOncePerDueTime) {
    bot::scheduler a(jobs(), clock_, {}, &store_);
    bot::scheduler b(jobs(), clock_, {}, &store_);
    EXPECT_EQ(a.run_due() + b.run_due(), 1U) << "due at start: one of them runs it";
    EXPECT_EQ(sweeps_, 1);
    EXPECT_EQ(a.run_due() + b.run_due(), 0U);
    clock_.advance(60s);
    EXPECT_EQ(b.run_due() + a.run_due(), 1U);
    EXPECT_EQ(sweeps_, 2);
    const auto s = states();
    ASSERT_EQ(s.size(), 1U);
    EXPECT_EQ(s[0].runs, 2);
    EXPECT_EQ(s[0].next_due, clock_.now() + 60s);
    EXPECT_TRUE(s[0].last_error.empty());
}

TEST_F(PersistentSchedulerTest, ARestartKeepsTheDueTimeAndCatchesUpWhatFellDue) {
    {
        bot::scheduler first(jobs(), clock_, {}, &store_);
        EXPECT_EQ(first.run_due(), 1U);
    }
    clock_.advance(30s);
    {
        bot::scheduler restarted(jobs(), clock_, {}, &store_);
        EXPECT_EQ(restarted.run_due(), 0U) << "not due for another 30 s: a restart does not run it early";
    }
    clock_.advance(10min);  // the bot was down when it fell due
    bot::scheduler later(jobs(), clock_, {}, &store_);
    EXPECT_EQ(later.run_due(), 1U) << "runs at once";
    EXPECT_EQ(sweeps_, 2);
}

TEST_F(PersistentSchedulerTest, AFailureIsRecordedAndTheJobRunsAgainAtItsInterval) {
    int calls = 0;
    std::vector<std::string> logged;
    bot::scheduler s({{"flaky", 60s, [&] {
                          if (++calls == 1) throw std::runtime_error("database is locked");
                      }}},
                     clock_, [&](const ports::log_record& r) { logged.emplace_back(r.message); }, &store_);
    EXPECT_EQ(s.run_due(), 1U);
    EXPECT_EQ(states().at(0).last_error, "database is locked");
    EXPECT_EQ(logged.back(), "scheduled job flaky failed: database is locked; it runs again in 60 s");
    clock_.advance(60s);
    EXPECT_EQ(s.run_due(), 1U);
    EXPECT_TRUE(states().at(0).last_error.empty());
    EXPECT_THROW(bot::scheduler({{std::string(65, 'x'), 60s, [] {}}}, clock_, {}, &store_), std::invalid_argument);
}

}  // namespace
