// The keys feature (issue 12 §4): staff import keys with a per-line report, see stats, export,
// and set a key aside for a member, which another staff member approves (the member gets it by
// DM) or declines (it is available again) — once.
#include <apexcore/bot/features/notifications.hpp>
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/services/outbox_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include "fake_chat_actions.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id other_staff{11};
constexpr core::user_id customer{20};

services::shop_config logged() {
    services::shop_config c;
    c.notifications.log_topics = {core::log_topic::orders};
    c.notifications.direct_messages = true;
    return c;
}

class KeysFeatureTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, logged()};
    services::catalog_service catalog_{store_, logged()};
    services::license_service keys_{store_, logged()};
    services::outbox_service outbox_{store_, logged()};
    test_support::fake_chat_actions actions_;
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.actions = &actions_, .keys = &keys_}};
    core::product product_ = *catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Standard", core::money::usd_cents(500), true});
    std::uint64_t next_id_ = 5000;

    ports::interaction from(core::user_id who, bool staff) {
        ports::interaction i;
        i.id = core::interaction_id{next_id_++};
        i.guild = core::guild_id{1};
        i.channel = core::channel_id{2};
        i.from = {who, "member", staff ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}};
        return i;
    }
    ports::interaction_response run(std::string name, std::vector<ports::command_option> options, bool staff = true) {
        auto i = from(staff_user, staff);
        i.action = ports::command_invocation{std::move(name), std::move(options)};
        return bot_.handle(i);
    }
    ports::interaction_response press(core::user_id who, bool staff, std::string custom_id) {
        auto i = from(who, staff);
        i.action = ports::component_action{std::move(custom_id), {}, ports::component_kind::button};
        return bot_.handle(i);
    }
    std::string product_id() const { return std::to_string(product_.id.value); }
    void import(const std::string& text) {
        actions_.downloads["https://cdn.example/keys.txt"] = text;
        const auto r = run("keys import", {{"product", product_id()},
                                           {"file", ports::attachment_info{1, "keys.txt", "text/plain", text.size(), "https://cdn.example/keys.txt"}}});
        last_ = r;
    }
    ports::interaction_response last_;
};

TEST_F(KeysFeatureTest, AnImportReportsEveryRefusedLineInAFile) {
    const std::string good1(32, 'A'), good2(32, 'B');
    import(good1 + "\nnot-a-key\n" + good2 + "\n" + good1 + "\n");
    EXPECT_NE(last_.body.content.find("**2 keys added** to **Indie Bundle - Standard**, 2 lines refused."), std::string::npos)
        << last_.body.content;
    EXPECT_NE(last_.body.content.find("line 2: does not match the shop's key pattern"), std::string::npos);
    ASSERT_EQ(last_.body.files.size(), 1U);
    EXPECT_EQ(last_.body.files[0].bytes, "line,reason,key\n2,does not match the shop's key pattern,not-a-key\n"
                                         "4,repeats an earlier line," + good1 + "\n");

    const auto stats = run("keys stats", {});
    ASSERT_EQ(stats.body.embeds.size(), 1U);
    EXPECT_EQ(stats.body.embeds[0].description, "**Indie Bundle - Standard**: 2 available · 0 reserved · 0 used · 0 requested\n");
    const auto exported = run("keys export", {});
    ASSERT_EQ(exported.body.files.size(), 1U);
    EXPECT_NE(exported.body.files[0].bytes.find(good2), std::string::npos);
    EXPECT_EQ(run("keys stats", {}, false).body.content, "Only staff members can do that.");
}

TEST_F(KeysFeatureTest, ARequestedKeyReachesTheMemberOnceAnotherStaffMemberApproves) {
    import(std::string(32, 'K') + "\n");
    const auto asked = run("keys request", {{"product", product_id()}, {"user", customer}, {"reason", "replacement for a broken key"}});
    EXPECT_NE(asked.body.content.find("is set aside for <@20>"), std::string::npos) << asked.body.content;
    auto entries = outbox_.claim(10, 60s);
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "key.requested");
    EXPECT_EQ(entries[0].draft.facts.count("secret"), 0U) << "the log never shows the key";
    const auto post = bot::log_post_view(entries[0]);
    ASSERT_EQ(post.rows.size(), 1U);
    const std::string approve = std::get<ports::button>(post.rows[0].components[0]).custom_id;
    EXPECT_EQ(approve.rfind("kq:a:", 0), 0U);

    EXPECT_EQ(press(customer, false, approve).body.content, "Only staff members can do that.");
    EXPECT_EQ(press(other_staff, true, "kq:a:zzz").body.content,
              "This menu is out of date or not from this shop. Please run the command again.");
    const auto done = press(other_staff, true, approve);
    EXPECT_EQ(done.kind, ports::response_kind::update_message);
    EXPECT_NE(done.body.embeds[0].description.find("the key goes to <@20> by DM"), std::string::npos);
    EXPECT_EQ(press(other_staff, true, approve).body.content, "This request was already decided; nothing changed.");

    entries = outbox_.claim(10, 60s);
    const auto dm = std::find_if(entries.begin(), entries.end(), [](const auto& e) { return e.draft.event == "key.granted"; });
    ASSERT_NE(dm, entries.end());
    EXPECT_EQ(dm->draft.recipient, customer);
    const auto view = bot::direct_message_view(*dm);
    EXPECT_NE(view.embeds[0].fields[0].value.find(std::string(32, 'K')), std::string::npos);
    EXPECT_EQ(run("keys stats", {}).body.embeds[0].description,
              "**Indie Bundle - Standard**: 0 available · 0 reserved · 1 used · 0 requested\n");
}

TEST_F(KeysFeatureTest, ADeclinedRequestPutsTheKeyBack) {
    import(std::string(32, 'D') + "\n");
    run("keys request", {{"product", product_id()}, {"user", customer}, {"reason", "goodwill"}});
    const auto id = outbox_.claim(10, 60s).at(0).draft.facts.at("key_id");
    EXPECT_NE(press(other_staff, true, "kq:d:" + id).body.embeds[0].description.find("the key is available again"), std::string::npos);
    EXPECT_EQ(run("keys stats", {}).body.embeds[0].description,
              "**Indie Bundle - Standard**: 1 available · 0 reserved · 0 used · 0 requested\n");
    EXPECT_EQ(run("keys request", {{"product", product_id()}, {"user", customer}, {"reason", "bad\nreason"}}).body.content,
              "Some of the text is not valid.");
}

}  // namespace
