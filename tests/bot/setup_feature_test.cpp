// /setup check (issue 9 §3, on demand): who may ask, what is asked of the platform (every
// feature's requirements, the staff role), and how the answer reads within Discord's limits.
#include "fake_chat_actions.hpp"

#include <apexcore/bot/features/setup.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;

/// A feature that needs a log channel it can post files in.
class logging_feature : public bot::feature {
public:
    std::string name() const override { return "logs"; }
    std::vector<ports::command_spec> commands() const override { return {}; }
    std::vector<bot::requirement> requirements() const override {
        bot::requirement r;
        r.why = "logs";
        r.channel = core::channel_id{300};
        r.in_channel = ports::ability::send | ports::ability::attach_files;
        return {r};
    }
    ports::interaction_response on_command(const ports::interaction&, const ports::command_invocation&) override {
        return bot::ephemeral_reply("");
    }
};

class SetupFeatureTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    test_support::fake_chat_actions actions_;
    const core::role_id staff_role_{5};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role_, core::usd, {}}, wallet_, catalog_, {&actions_}};

    ports::interaction check(bool staff, bool administrator = false) {
        ports::interaction i;
        i.id = core::interaction_id{42};
        i.from.user = core::user_id{20};
        if (staff) i.from.roles = {staff_role_};
        i.from.administrator = administrator;
        i.action = ports::command_invocation{"setup check", {}};
        return i;
    }
};

TEST_F(SetupFeatureTest, OnlyWithAnOutboundPortAndAsAStaffOnlyCommand) {
    const auto commands = bot_.commands();
    const auto setup = std::find_if(commands.begin(), commands.end(), [](const auto& c) { return c.name == "setup"; });
    ASSERT_NE(setup, commands.end());
    EXPECT_TRUE(setup->staff_only);
    ASSERT_EQ(setup->subcommands.size(), 1U);
    EXPECT_EQ(setup->subcommands[0].name, "check");
    bot::shop_bot without({core::guild_id{1}, staff_role_, core::usd, {}}, wallet_, catalog_);
    for (const auto& c : without.commands()) EXPECT_NE(c.name, "setup") << "no port, nothing to check with";
}

TEST_F(SetupFeatureTest, MembersAreRefusedAndThePlatformIsNotAsked) {
    const auto r = bot_.handle(check(false));
    EXPECT_EQ(r.body.content, std::string(core::describe(core::rejection::not_staff)));
    EXPECT_TRUE(r.body.ephemeral);
    EXPECT_TRUE(actions_.calls.empty());
}

TEST_F(SetupFeatureTest, AnAdministratorWithoutTheStaffRoleMayAsk) {
    const auto r = bot_.handle(check(false, true));
    EXPECT_EQ(r.body.content, "\xE2\x9C\x85 The bot holds everything the shop's features need.");
    EXPECT_EQ(actions_.calls, std::vector<std::string>{"missing"});
}

TEST_F(SetupFeatureTest, EveryFeaturesRequirementsAreAskedIncludingOnesAddedLater) {
    bot_.features().add(std::make_shared<logging_feature>());
    actions_.missing_answer = std::vector<std::string>{"logs: Send Messages, Attach Files in #sales-log"};
    const auto r = bot_.handle(check(true));
    EXPECT_EQ(r.body.content, "The bot is missing 1 thing the shop needs:\n\xE2\x80\xA2 logs: Send Messages, Attach Files in #sales-log");
    EXPECT_TRUE(r.body.ephemeral);
    ASSERT_EQ(actions_.last_needs.size(), 2U);
    EXPECT_EQ(actions_.last_needs[0].existing, std::optional<core::role_id>(staff_role_)) << "the staff role must exist";
    EXPECT_EQ(actions_.last_needs[1].why, "logs");
    EXPECT_EQ(actions_.last_needs[1].channel, std::optional<core::channel_id>(core::channel_id{300}));
}

TEST_F(SetupFeatureTest, APlatformFailureIsSaidAsSuchNotAsAllClear) {
    actions_.missing_answer = ports::chat_error{ports::chat_errc::unavailable, "503"};
    const auto r = bot_.handle(check(true));
    EXPECT_EQ(r.body.content, "The check could not run right now (unavailable). Try again in a minute.");
}

TEST(DescribeSetupProblemsTest, StaysWithinDiscordsContentLimitAndCountsTheRest) {
    std::vector<std::string> problems(60, std::string(100, 'x'));
    problems[0] = std::string(1000, 'y');  // one over-long problem is cut, valid UTF-8
    const std::string text = bot::describe_setup_problems(problems);
    EXPECT_LE(text.size(), ports::content_length_max);
    EXPECT_EQ(text.rfind("The bot is missing 60 things the shop needs:", 0), 0U);
    EXPECT_NE(text.find(std::string(399, 'y') + "\xE2\x80\xA6"), std::string::npos);
    EXPECT_EQ(text.find(std::string(400, 'y')), std::string::npos);
    const auto more = text.rfind("\xE2\x80\xA6 and ");
    ASSERT_NE(more, std::string::npos);
    const int shown = static_cast<int>(std::count(text.begin(), text.end(), '\n')) - 1;  // bullets
    EXPECT_EQ(text.substr(more), "\xE2\x80\xA6 and " + std::to_string(60 - shown) + " more");
    EXPECT_GT(shown, 10);
}

}  // namespace
