// The members feature (issue 12 §9): /member export and /member forget for staff; a forged or
// non-staff button press erases nothing.
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};

class MembersFeatureTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    services::member_service members_{store_, services::shop_config{}};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.members = &members_}};
    std::uint64_t next_id_ = 5000;

    ports::interaction from(core::user_id who, bool staff) {
        ports::interaction i;
        i.id = core::interaction_id{next_id_++};
        i.guild = core::guild_id{1};
        i.channel = core::channel_id{2};
        i.from = {who, "member", staff ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}};
        return i;
    }
    ports::interaction_response run(core::user_id who, bool staff, std::string name) {
        auto i = from(who, staff);
        i.action = ports::command_invocation{std::move(name), {{"user", customer}}};
        return bot_.handle(i);
    }
    ports::interaction_response press(core::user_id who, bool staff, std::string custom_id) {
        auto i = from(who, staff);
        i.action = ports::component_action{std::move(custom_id), {}, ports::component_kind::button};
        return bot_.handle(i);
    }
};

TEST_F(MembersFeatureTest, StaffGetTheExportAsAJsonFile) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, core::money::usd_cents(700), "birthday"}).ok());
    const auto r = run(staff_user, true, "member export");
    EXPECT_TRUE(r.body.ephemeral);
    ASSERT_EQ(r.body.files.size(), 1U);
    EXPECT_EQ(r.body.files[0].filename, "member-20.json");
    EXPECT_EQ(r.body.files[0].content_type, "application/json");
    EXPECT_NE(r.body.files[0].bytes.find("\"description\":\"birthday\""), std::string::npos) << r.body.files[0].bytes;
    EXPECT_TRUE(run(customer, false, "member export").body.files.empty());
}

TEST_F(MembersFeatureTest, ForgettingNeedsThePreviewsButtonPressedByStaff) {
    const auto preview = run(staff_user, true, "member forget");
    ASSERT_EQ(preview.body.rows.size(), 1U);
    const auto& forget = std::get<ports::button>(preview.body.rows[0].components[0]);
    EXPECT_EQ(forget.custom_id, "mb:f:20");
    EXPECT_EQ(forget.style, ports::button_style::danger);
    EXPECT_FALSE(members_.forgotten_at(customer)) << "a preview erases nothing";

    EXPECT_EQ(press(customer, false, "mb:f:20").body.content, "Only staff members can do that.");
    EXPECT_EQ(press(staff_user, true, "mb:f:not-an-id").body.content,
              "This menu is out of date or not from this shop. Please run the command again.");
    EXPECT_FALSE(members_.forgotten_at(customer));

    const auto done = press(staff_user, true, "mb:f:20");
    EXPECT_EQ(done.kind, ports::response_kind::update_message);
    ASSERT_EQ(done.body.embeds.size(), 1U);
    EXPECT_NE(done.body.embeds[0].description.find("<@20> is forgotten"), std::string::npos);
    EXPECT_TRUE(members_.forgotten_at(customer));
    const auto again = run(staff_user, true, "member forget");
    EXPECT_NE(again.body.embeds[0].description.find("already forgotten"), std::string::npos);
}

}  // namespace
