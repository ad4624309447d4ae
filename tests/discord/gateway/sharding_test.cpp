#include <apexcore/discord/gateway/sharding.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using namespace apexcore::discord::gateway;
using namespace std::chrono_literals;
using apexcore::core::guild_id;

TEST(ShardRoutingTest, FollowsDiscordsFormula) {
    // (guild_id >> 22) % num_shards, REFERENCE.md §1.12.
    const guild_id guild{197038439483310086ULL};
    EXPECT_EQ(shard_for_guild(guild, 1), 0);
    // 197038439483310086 >> 22 = 46977624770
    EXPECT_EQ(shard_for_guild(guild, 2), 0);
    EXPECT_EQ(shard_for_guild(guild, 16), 2);
    EXPECT_EQ(shard_for_guild(guild, 7), 46977624770 % 7);
    EXPECT_EQ(shard_for_guild(std::nullopt, 16), 0) << "DMs go to shard 0";
}

TEST(ShardPlanTest, UsesTheRecommendationOrTheConfiguration) {
    gateway_bot_info info{"wss://g", 4, {1000, 1000, 0ms, 2}};
    const auto all = std::get<shard_plan>(plan_shards(info, 0, {}));
    EXPECT_EQ(all.total, 4);
    EXPECT_EQ(all.ids, (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(all.max_concurrency, 2);
    const auto mine = std::get<shard_plan>(plan_shards(info, 8, {5, 2}));
    EXPECT_EQ(mine.total, 8);
    EXPECT_EQ(mine.ids, (std::vector<int>{2, 5}));
}

TEST(ShardPlanTest, RejectsBadIds) {
    gateway_bot_info info{"wss://g", 2, {}};
    EXPECT_NE(std::get<std::string>(plan_shards(info, 2, {2})).find("outside 0..1"), std::string::npos);
    EXPECT_NE(std::get<std::string>(plan_shards(info, 2, {1, 1})).find("twice"), std::string::npos);
}

TEST(ShardPlanTest, RefusesToStartWithoutSessionStarts) {
    gateway_bot_info info{"wss://g", 4, {1000, 3, std::chrono::milliseconds(3 * 3600000 + 12 * 60000), 1}};
    const auto refused = plan_shards(info, 0, {});
    ASSERT_TRUE(std::holds_alternative<std::string>(refused));
    const std::string why = std::get<std::string>(refused);
    EXPECT_NE(why.find("3 of 1000"), std::string::npos) << why;
    EXPECT_NE(why.find("resets in 3 h 12 min"), std::string::npos) << why;
    EXPECT_TRUE(std::holds_alternative<shard_plan>(plan_shards(info, 0, {0, 1, 2})));
}

TEST(IdentifyLimiterTest, OnePerBucketPerFiveSecondsInOrder) {
    const std::chrono::steady_clock::time_point t0{std::chrono::seconds(100)};
    identify_limiter limiter(2);
    // Shards 0..5 with max_concurrency 2: keys 0,1,0,1,0,1.
    EXPECT_EQ(limiter.reserve(0, t0), t0);
    EXPECT_EQ(limiter.reserve(1, t0), t0) << "different keys identify together";
    EXPECT_EQ(limiter.reserve(2, t0), t0 + 5s);
    EXPECT_EQ(limiter.reserve(3, t0), t0 + 5s);
    EXPECT_EQ(limiter.reserve(4, t0), t0 + 10s);
    EXPECT_EQ(limiter.reserve(5, t0 + 30s), t0 + 30s) << "an idle bucket is free at once";
}

TEST(GatewayBotTest, ParsesTheDocumentedResponse) {
    std::ifstream in(std::string(APEXCORE_DISCORD_FIXTURES_DIR) + "/get_gateway_bot.response.json");
    ASSERT_TRUE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    const auto info = parse_gateway_bot(text.str());
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->url, "wss://gateway.discord.gg/");
    EXPECT_EQ(info->shards, 9);
    EXPECT_EQ(info->limit.total, 1000);
    EXPECT_EQ(info->limit.remaining, 999);
    EXPECT_EQ(info->limit.reset_after, 14400000ms);
    EXPECT_EQ(info->limit.max_concurrency, 1);
    EXPECT_FALSE(parse_gateway_bot("{}").has_value());
    EXPECT_FALSE(parse_gateway_bot("nope").has_value());
}

}  // namespace
