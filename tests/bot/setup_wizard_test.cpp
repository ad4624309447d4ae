// /setup run (issue 12 §1): a preview first, then the shop's categories, channels, log channels
// and panels made, every id recorded; a second run keeps what exists and repairs what was
// deleted; a refusal names the permission the bot lacks.
#include "fake_chat_actions.hpp"

#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;

class SetupWizardTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    services::setup_service setup_{store_, services::shop_config{}};
    std::shared_ptr<services::live_log_channels> live_ = std::make_shared<services::live_log_channels>();
    test_support::fake_chat_actions actions_;
    const core::role_id staff_role_{5};
    std::unique_ptr<bot::shop_bot> bot_;
    std::uint64_t next_id_ = 7000;

    void SetUp() override {
        actions_.roles = {{core::role_id{1}, "@everyone", 0}, {staff_role_, "Staff", 3}};
        ASSERT_TRUE(catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Standard", core::money::usd_cents(500), true}).ok());
        bot::shop_parts parts;
        parts.actions = &actions_;
        parts.setup = &setup_;
        parts.live_log_channels = live_;
        parts.notifications.channels = {{core::log_topic::orders, core::channel_id{900}}};  // named in the config file
        bot_ = std::make_unique<bot::shop_bot>(bot::bot_config{core::guild_id{1}, staff_role_, core::usd, {}}, wallet_, catalog_,
                                               std::move(parts));
    }
    ports::interaction as(bool staff, bool administrator = false) {
        ports::interaction i;
        i.id = core::interaction_id{next_id_++};
        i.guild = core::guild_id{1};
        i.from.user = core::user_id{20};
        if (staff) i.from.roles = {staff_role_};
        i.from.administrator = administrator;
        return i;
    }
    ports::interaction_response run(bool staff = true) {
        auto i = as(staff);
        i.action = ports::command_invocation{"setup run", {}};
        return bot_->handle(i);
    }
    ports::interaction_response go(bool staff = true, bool administrator = false) {
        auto i = as(staff, administrator);
        i.action = ports::component_action{"su:go", {}, ports::component_kind::button};
        return bot_->handle(i);
    }
    std::optional<ports::channel_info> channel_named(const std::string& name) {
        for (const auto& [id, c] : actions_.channels) {
            if (c.name == name) return c;
        }
        return std::nullopt;
    }
};

TEST_F(SetupWizardTest, APreviewFirstThenEverythingIsMadeAndRecorded) {
    const auto preview = run();
    ASSERT_EQ(preview.body.embeds.size(), 1U);
    EXPECT_EQ(preview.body.embeds[0].title, "Set up the shop?");
    EXPECT_NE(preview.body.embeds[0].description.find("#storefront: will be created"), std::string::npos);
    EXPECT_NE(preview.body.embeds[0].description.find("#orders-log: kept: the config file names <#900>"), std::string::npos);
    EXPECT_TRUE(actions_.channels.empty()) << "a preview makes nothing";

    const auto done = go();
    ASSERT_EQ(done.body.embeds.size(), 1U);
    EXPECT_EQ(done.body.embeds[0].title, "The shop is set up") << done.body.embeds[0].description;
    const std::string& report = done.body.embeds[0].description;
    for (const char* line : {"category Shop: created", "#storefront: created", "category Shop logs: created", "#payments-log: created",
                             "#audit-log: created", "#errors-log: created", "#transcripts: created",
                             "shop panel in #storefront: posted", "staff role <@&5>: exists"}) {
        EXPECT_NE(report.find(line), std::string::npos) << line << "\n" << report;
    }
    EXPECT_FALSE(channel_named("orders-log")) << "the config file's channel is used, not a second one";
    const auto storefront = channel_named("storefront");
    const auto audit = channel_named("audit-log");
    ASSERT_TRUE(storefront && audit);
    EXPECT_EQ(storefront->parent, channel_named("Shop")->id);
    EXPECT_EQ(audit->parent, channel_named("Shop logs")->id);
    // Staff-only: hidden from @everyone (the guild's id), open to the staff role.
    const auto logs = channel_named("Shop logs")->overwrites;
    ASSERT_GE(logs.size(), 2U);
    EXPECT_EQ(logs[0].target, 1U);
    EXPECT_TRUE(logs[0].deny.has(ports::ability::view));
    EXPECT_EQ(logs[1].target, staff_role_.value);
    EXPECT_TRUE(storefront->overwrites.empty()) << "the storefront is for everyone";
    ASSERT_EQ(actions_.messages.size(), 1U);
    EXPECT_EQ(actions_.messages[0].channel, storefront->id);

    // Recorded, and the new log channels are used at once.
    const auto records = setup_.records();
    EXPECT_EQ(records.at("channel.storefront").id, storefront->id.value);
    EXPECT_EQ(records.at("message.shop_panel").parent.value_or(0), storefront->id.value);
    EXPECT_EQ(live_->get(core::log_topic::audit), audit->id);
    EXPECT_FALSE(live_->get(core::log_topic::orders));
}

TEST_F(SetupWizardTest, ASecondRunKeepsWhatExistsAndRepairsWhatWasDeleted) {
    go();
    const auto channels = actions_.channels.size();
    const auto again = go();
    EXPECT_NE(again.body.embeds[0].description.find("#storefront: kept"), std::string::npos);
    EXPECT_NE(again.body.embeds[0].description.find("shop panel in #storefront: refreshed"), std::string::npos);
    EXPECT_EQ(actions_.channels.size(), channels) << "nothing made twice";
    EXPECT_EQ(actions_.messages.size(), 1U);

    // Someone deletes #audit-log and the panel.
    const auto audit = channel_named("audit-log");
    actions_.channels.erase(audit->id);
    actions_.deleted_messages.insert(core::message_id{setup_.records().at("message.shop_panel").id});
    const auto preview = run();
    EXPECT_NE(preview.body.embeds[0].description.find("#audit-log: will be re-created (it was deleted)"), std::string::npos);
    const auto repaired = go();
    EXPECT_NE(repaired.body.embeds[0].description.find("#audit-log: re-created (it was deleted)"), std::string::npos)
        << repaired.body.embeds[0].description;
    EXPECT_NE(repaired.body.embeds[0].description.find("shop panel in #storefront: posted again (it was deleted)"), std::string::npos);
    EXPECT_EQ(actions_.channels.size(), channels);
    EXPECT_EQ(live_->get(core::log_topic::audit), channel_named("audit-log")->id);
}

TEST_F(SetupWizardTest, ARefusalNamesThePermissionAndTheRestStillHappens) {
    actions_.refuse = {"create_channel"};
    const auto done = go();
    EXPECT_NE(done.body.embeds[0].title.find("step(s) failed"), std::string::npos);
    EXPECT_NE(done.body.embeds[0].description.find("#storefront: not created: the bot lacks **Manage Channels**"), std::string::npos)
        << done.body.embeds[0].description;
    EXPECT_NE(done.body.embeds[0].description.find("staff role <@&5>: exists"), std::string::npos);
    EXPECT_TRUE(setup_.records().empty());
    actions_.refuse.clear();
    EXPECT_EQ(go().body.embeds[0].title, "The shop is set up") << "a re-run after the fix completes it";
}

TEST_F(SetupWizardTest, OnlyStaffOrTheAdministratorRunIt) {
    EXPECT_EQ(run(false).body.content, "Only staff members can do that.");
    EXPECT_EQ(go(false).body.content, "Only staff members can do that.");
    EXPECT_TRUE(actions_.channels.empty());
    EXPECT_EQ(go(false, true).body.embeds.at(0).title, "The shop is set up");
    actions_.roles = {{core::role_id{1}, "@everyone", 0}};
    EXPECT_NE(go().body.embeds[0].description.find("staff role <@&5>: missing"), std::string::npos);
}

}  // namespace
