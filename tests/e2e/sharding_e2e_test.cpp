// End to end, sharding: the sandbox recommends several shards; the real apexbot runs them all,
// spacing IDENTIFYs per rate-limit key, and refuses to start when the session budget is spent.
#include "bot_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using apexcore::test_support::BotFixture;

class ShardedTest : public BotFixture {
protected:
    ShardedTest() { sandbox_args_ = {"--shards", "2", "--max-concurrency", "1"}; }
};

TEST_F(ShardedTest, RunsEveryShardAndRoutesTheGuildToItsShard) {
    ASSERT_TRUE(wait_for([&] { return control_->get("/_sandbox/state").body["shards_connected"] == 2; }, 20s))
        << bot_->output();
    EXPECT_EQ(stats()["identifies"], 2U);
    EXPECT_NE(bot_->output().find("running 2 of 2 shards"), std::string::npos) << bot_->output();
    EXPECT_NE(bot_->output().find("waiting for an identify slot"), std::string::npos)
        << "max_concurrency 1: the second shard waits 5 s";
    expect_balance("$0.00");  // the interaction travels on the guild's shard
}

class SessionBudgetTest : public BotFixture {
protected:
    SessionBudgetTest() {
        sandbox_args_ = {"--session-starts", "0"};
        wait_for_bot_ = false;
    }
};

TEST_F(SessionBudgetTest, RefusesToStartAndSaysWhenTheBudgetResets) {
    const auto code = bot_->wait(15s);
    ASSERT_TRUE(code.has_value()) << bot_->output();
    EXPECT_EQ(*code, 1);
    EXPECT_NE(bot_->output().find("session start limit is exhausted"), std::string::npos) << bot_->output();
    EXPECT_NE(bot_->output().find("resets in 24 h 0 min"), std::string::npos) << bot_->output();
    EXPECT_EQ(stats()["gateway_connections"], 0U);
}

}  // namespace
