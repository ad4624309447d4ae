// The setup check (discord::missing_requirements, issue 9 §3): the features' neutral requirements
// (ports::requirement) checked against the guild cache, in words an owner can act on.
#include <apexcore/discord/rest_chat_actions.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using nlohmann::json;
using apexcore::ports::requirement;

const core::guild_id guild{100};
const core::user_id bot_user{1};
const core::role_id staff{200};
const core::role_id bot_role{201};
const core::role_id gold{202};
const core::role_id admin{203};
const core::channel_id logs{300};

json shop() {
    return json::parse(R"({"id":"100","owner_id":"9",
      "roles":[{"id":"100","name":"@everyone","position":0,"permissions":"3072"},
               {"id":"200","name":"Staff","position":1,"permissions":"0"},
               {"id":"202","name":"Gold","position":2,"permissions":"0"},
               {"id":"201","name":"apexbot","position":3,"permissions":"268435456"},
               {"id":"203","name":"Admin","position":4,"permissions":"8"}],
      "channels":[{"id":"300","type":0,"name":"sales-log","permission_overwrites":[
                   {"id":"100","type":0,"allow":"0","deny":"2048"}]}],
      "members":[{"user":{"id":"1"},"roles":["201"]}]})");
}

TEST(SetupCheckTest, EachFeaturesNeedIsNamedWithWhatIsMissing) {
    discord::cache::guild_cache cache;
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop()));
    std::vector<requirement> needs(4);
    needs[0].why = "tickets";
    needs[0].server_wide = requirement::capability::manage_channels;
    needs[1].why = "logs";
    needs[1].channel = logs;
    needs[1].in_channel = ports::ability::send | ports::ability::attach_files;
    needs[2].why = "VIP tiers";
    needs[2].grantable = gold;
    needs[3].why = "VIP tiers";
    needs[3].grantable = admin;
    const auto problems = discord::missing_requirements(cache, guild, bot_user, needs);
    ASSERT_EQ(problems.size(), 3U) << ::testing::PrintToString(problems);
    EXPECT_EQ(problems[0], "tickets: Manage Channels (server-wide)");
    EXPECT_EQ(problems[1], "logs: Send Messages, Attach Files in #sales-log");
    EXPECT_NE(problems[2].find("VIP tiers: the role Admin (position 4) is not below the bot's highest role (position 3)"),
              std::string::npos);
}

TEST(SetupCheckTest, AnUnknownGuildIsSaidSoRatherThanReportedAsFine) {
    discord::cache::guild_cache cache;
    std::vector<requirement> needs(1);
    needs[0].why = "staff commands";
    needs[0].existing = staff;
    const auto problems = discord::missing_requirements(cache, guild, bot_user, needs);
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_NE(problems[0].find("is not known yet"), std::string::npos);
}

TEST(SetupCheckTest, AllThereSaysNothingAndAMissingRoleIsNamed) {
    discord::cache::guild_cache cache;
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop()));
    std::vector<requirement> needs(1);
    needs[0].why = "staff commands";
    needs[0].existing = staff;
    EXPECT_TRUE(discord::missing_requirements(cache, guild, bot_user, needs).empty());
    needs[0].existing = core::role_id{777};
    const auto problems = discord::missing_requirements(cache, guild, bot_user, needs);
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_EQ(problems[0], "staff commands: the role 777 does not exist in the server");
}

}  // namespace
