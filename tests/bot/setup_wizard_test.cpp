// /setup run (issue 12 §1): a preview first, then the shop's categories, channels, log channels
// and panels made, every id recorded; a second run keeps what exists and repairs what was
// deleted; a refusal names the permission the bot lacks.
#include "fake_chat_actions.hpp"

#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/services/member_service.hpp>
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

// Roles the config file leaves out (no staff_role_id, a tier without role_id) are made, recorded,
// given to whoever ran the wizard (the staff role) and used at once.
class SetupWizardRolesTest : public ::testing::Test {
protected:
    std::shared_ptr<services::live_roles> roles_ = std::make_shared<services::live_roles>();
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::shop_config config_ = [this] {
        services::shop_config c;
        c.tiers = {{"Gold", core::role_id{}, core::tier_mode::manual, 0, 500}, {"Donor", core::role_id{44}, core::tier_mode::manual, 0, 0}};
        c.made_roles = roles_;
        return c;
    }();
    services::wallet_service wallet_{store_, config_};
    services::catalog_service catalog_{store_, config_};
    services::member_service members_{store_, config_};
    services::setup_service setup_{store_, config_};
    test_support::fake_chat_actions actions_;
    std::unique_ptr<bot::shop_bot> bot_;
    std::uint64_t next_id_ = 100;

    void SetUp() override {
        actions_.roles = {{core::role_id{1}, "@everyone", 0}, {core::role_id{44}, "Donor", 2}};
        bot::shop_parts parts;
        parts.actions = &actions_;
        parts.setup = &setup_;
        parts.members = &members_;
        parts.live_log_channels = std::make_shared<services::live_log_channels>();
        parts.live_roles = roles_;
        // No staff role in the config: only the server's administrator may run /setup.
        bot_ = std::make_unique<bot::shop_bot>(bot::bot_config{core::guild_id{1}, core::role_id{}, core::usd, {}}, wallet_, catalog_,
                                               std::move(parts));
    }
    ports::interaction_response send(decltype(ports::interaction::action) action, std::vector<core::role_id> roles, bool administrator) {
        ports::interaction i;
        i.id = core::interaction_id{next_id_++};
        i.guild = core::guild_id{1};
        i.from.user = core::user_id{20};
        i.from.roles = std::move(roles);
        i.from.administrator = administrator;
        i.action = std::move(action);
        return bot_->handle(i);
    }
    std::string run(std::vector<core::role_id> roles = {}, bool administrator = true) {
        const auto r = send(ports::command_invocation{"setup run", {}}, std::move(roles), administrator);
        return r.body.embeds.empty() ? r.body.content : r.body.embeds[0].description;
    }
    std::string go(std::vector<core::role_id> roles = {}, bool administrator = true) {
        const auto r = send(ports::component_action{"su:go", {}, ports::component_kind::button}, std::move(roles), administrator);
        return r.body.embeds.empty() ? r.body.content : r.body.embeds[0].description;
    }
    std::optional<core::role_id> role_named(const std::string& name) {
        for (const auto& r : actions_.roles) {
            if (r.name == name) return r.id;
        }
        return std::nullopt;
    }
};

TEST_F(SetupWizardRolesTest, TheStaffCustomerAndTierRolesAreMadeGivenAndUsedAtOnce) {
    const std::string preview = run();
    for (const char* line : {"staff role: will be created", "customer role: will be created", "VIP tier Gold role: will be created",
                             "VIP tier Donor role <@&44>: exists (named by the config file)"}) {
        EXPECT_NE(preview.find(line), std::string::npos) << line << "\n" << preview;
    }
    EXPECT_EQ(actions_.roles.size(), 2U) << "a preview makes nothing";
    EXPECT_EQ(send(ports::command_invocation{"vip assign", {{"user", core::user_id{30}}, {"tier", std::string("Gold")}}}, {}, true)
                  .body.content,
              "Only staff members can do that.") << "no staff role yet";

    const std::string report = go();
    const auto staff = role_named("Shop Staff");
    const auto customer = role_named("Customer");
    const auto gold = role_named("Gold");
    ASSERT_TRUE(staff && customer && gold) << report;
    EXPECT_NE(report.find("staff role <@&" + staff->str() + ">: created and given to you"), std::string::npos) << report;
    EXPECT_NE(report.find("VIP tier Gold role <@&" + gold->str() + ">: created"), std::string::npos) << report;
    ASSERT_EQ(actions_.role_changes.size(), 1U);
    EXPECT_EQ(actions_.role_changes[0].user, core::user_id{20});
    EXPECT_EQ(actions_.role_changes[0].role, *staff);
    EXPECT_EQ(setup_.records().at("role.staff").kind, "role");
    EXPECT_EQ(setup_.records().at("role.tier.Gold").id, gold->value);

    // Used at once: the runner is staff with the new role, the staff-only log category opens to
    // it, and the Gold tier can be given by hand with its new role.
    EXPECT_EQ(roles_->get(services::live_roles::staff), staff);
    const auto given = send(ports::command_invocation{"vip assign", {{"user", core::user_id{30}}, {"tier", std::string("Gold")}}},
                            {*staff}, false);
    EXPECT_NE(given.body.content.find("now holds **Gold**"), std::string::npos) << given.body.content;
    EXPECT_EQ(members_.profile(core::user_id{30}).held_roles, std::set<core::role_id>{*gold});
    bool logs_open_to_staff = false;
    for (const auto& [id, c] : actions_.channels) {
        if (c.name != "Shop logs") continue;
        for (const auto& o : c.overwrites) logs_open_to_staff = logs_open_to_staff || o.target == staff->value;
    }
    EXPECT_TRUE(logs_open_to_staff);
    EXPECT_EQ(config_.active_tiers().back().role, *customer) << "a first purchase now gives the customer role";

    // A second run keeps them; a deleted staff role is made again and given again.
    EXPECT_NE(go({*staff}, false).find("staff role <@&" + staff->str() + ">: kept"), std::string::npos);
    std::erase_if(actions_.roles, [&](const ports::role_info& r) { return r.id == *staff; });
    EXPECT_NE(run().find("staff role: will be re-created (it was deleted)"), std::string::npos);
    const std::string repaired = go();
    const auto remade = role_named("Shop Staff");
    ASSERT_TRUE(remade);
    EXPECT_NE(*remade, *staff);
    EXPECT_NE(repaired.find("staff role <@&" + remade->str() + ">: re-created (it was deleted) and given to you"), std::string::npos)
        << repaired;
    EXPECT_EQ(roles_->get(services::live_roles::staff), remade);
    EXPECT_EQ(actions_.roles.size(), 5U) << "nothing else made twice";
}

TEST_F(SetupWizardRolesTest, AFirstRunUsesARoleOfTheSameNameTheServerHas) {
    actions_.roles.push_back({core::role_id{60}, "Shop Staff", 1});
    EXPECT_NE(run().find("staff role: will use the server's role <@&60>"), std::string::npos);
    const std::string report = go();
    EXPECT_NE(report.find("staff role <@&60>: the server's role of that name is used and given to you"), std::string::npos) << report;
    EXPECT_EQ(roles_->get(services::live_roles::staff), core::role_id{60});
    EXPECT_EQ(setup_.records().at("role.staff").id, 60U);
    EXPECT_EQ(std::count_if(actions_.roles.begin(), actions_.roles.end(), [](const ports::role_info& r) { return r.name == "Shop Staff"; }), 1);
}

TEST_F(SetupWizardRolesTest, WithoutManageRolesEachRoleSaysSoAndTheChannelsAreStillMade) {
    actions_.refuse = {"create_role"};
    const std::string report = go();
    for (const char* line : {"staff role: not created: the bot lacks **Manage Roles**", "customer role: not created: the bot lacks **Manage Roles**",
                             "VIP tier Gold role: not created: the bot lacks **Manage Roles**", "#storefront: created"}) {
        EXPECT_NE(report.find(line), std::string::npos) << line << "\n" << report;
    }
    EXPECT_FALSE(roles_->get(services::live_roles::staff));
    EXPECT_EQ(config_.active_tiers().size(), 1U) << "Gold stays out of force";
    actions_.refuse.clear();
    EXPECT_NE(go().find("staff role <@&"), std::string::npos) << "a re-run after the fix makes them";
    EXPECT_TRUE(roles_->get(services::live_roles::staff));
}

}  // namespace
