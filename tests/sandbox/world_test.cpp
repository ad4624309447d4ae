// The sandbox's Discord model without networking (examples/sandbox/world.hpp): every object it
// sends has the fields Discord's OpenAPI description marks as required, permissions follow
// REFERENCE.md §7.3 in order, history pages like GET /channels/{id}/messages, and a follow-up
// right after a type-5 defer edits the loading message (REFERENCE.md §3.5).
#include "../../examples/sandbox/world.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using apexcore::sandbox::api_failure;
using apexcore::sandbox::json;
using apexcore::sandbox::world;
using apexcore::sandbox::world_ids;
namespace perm = apexcore::sandbox::perm;

json required_fields() {
    std::ifstream in(std::filesystem::path(APEXCORE_DISCORD_FIXTURES_DIR) / "openapi.required_fields.json");
    return json::parse(in);
}

/// The required fields of `schema` that `object` lacks.
std::vector<std::string> missing(const json& object, const std::string& schema) {
    static const json required = required_fields();
    std::vector<std::string> out;
    for (const auto& field : required.at(schema)) {
        if (!object.contains(field.get<std::string>())) out.push_back(field);
    }
    return out;
}

json ok(std::variant<json, api_failure> r) {
    if (auto* f = std::get_if<api_failure>(&r)) {
        ADD_FAILURE() << "refused: " << f->body.dump();
        return nullptr;
    }
    return std::get<json>(r);
}

int refused_code(std::variant<json, api_failure> r) {
    if (auto* f = std::get_if<api_failure>(&r)) return f->body.value("code", 0);
    return 0;
}

class WorldTest : public ::testing::Test {
protected:
    world w{"token", world_ids{}, 3};
    world_ids ids;

    void register_balance_command() {
        ok(w.overwrite_guild_commands(ids.application_id, ids.guild_id,
                                      json::parse(R"([{"name":"balance","description":"Show your balance","type":1}])")));
    }
    std::pair<std::string, std::string> invoke_balance() {
        const json interaction = ok(w.command_interaction({{"user_id", ids.customer_user_id}, {"name", "balance"}}));
        return {interaction["id"], interaction["token"]};
    }
};

TEST_F(WorldTest, EveryObjectHasTheFieldsDiscordAlwaysSends) {
    const json channel = ok(w.create_channel(ids.guild_id, {{"name", "tickets"}, {"type", 0}}));
    EXPECT_EQ(missing(channel, "GuildChannelResponse"), std::vector<std::string>{});
    const json role = ok(w.create_role(ids.guild_id, {{"name", "VIP"}}));
    EXPECT_EQ(missing(role, "GuildRoleResponse"), std::vector<std::string>{});
    const json member = ok(w.get_member(ids.guild_id, ids.customer_user_id));
    EXPECT_EQ(missing(member, "GuildMemberResponse"), std::vector<std::string>{});
    EXPECT_EQ(missing(member["user"], "UserResponse"), std::vector<std::string>{});
    const json dm = ok(w.open_dm({{"recipient_id", ids.customer_user_id}}));
    EXPECT_EQ(missing(dm, "PrivateChannelResponse"), std::vector<std::string>{});
    const json attachment{{"id", w.next_snowflake()}, {"filename", "a.txt"}, {"size", 1}, {"url", "u"}, {"proxy_url", "p"}};
    const json message = ok(w.create_message(channel["id"], {{"content", "hello"}}, json::array({attachment})));
    EXPECT_EQ(missing(message, "MessageResponse"), std::vector<std::string>{});
    EXPECT_EQ(missing(message["author"], "UserResponse"), std::vector<std::string>{});
    EXPECT_EQ(missing(message["attachments"][0], "MessageAttachmentResponse"), std::vector<std::string>{});
    EXPECT_TRUE(message["edited_timestamp"].is_null());
    EXPECT_EQ(message["timestamp"].get<std::string>().size(), std::string("2026-11-29T22:00:00.000000+00:00").size());

    register_balance_command();
    const auto [id, token] = invoke_balance();
    ASSERT_FALSE(w.interaction_callback(id, token, {{"type", 4}, {"data", {{"content", "Your balance"}}}}));
    const json reply = *w.find_message(*w.find_interaction(id)->message_id);
    EXPECT_EQ(missing(reply, "MessageResponse"), std::vector<std::string>{});
}

TEST_F(WorldTest, AFollowUpRightAfterADeferEditsTheLoadingMessage) {
    register_balance_command();
    const auto [id, token] = invoke_balance();
    ASSERT_FALSE(w.interaction_callback(id, token, {{"type", 5}, {"data", {{"flags", 64}}}}));
    const std::string loading_id = *w.find_interaction(id)->message_id;
    EXPECT_EQ(w.find_message(loading_id)->value("flags", 0), 64 + 128) << "ephemeral and loading";

    const json first = ok(w.followup(ids.application_id, token, {{"content", "Your balance is $0.00"}}));
    EXPECT_EQ(first["id"], loading_id) << "the first follow-up edits the loading message";
    EXPECT_EQ(first["flags"], 64) << "still ephemeral, no longer loading";
    const json second = ok(w.followup(ids.application_id, token, {{"content", "Anything else?"}}));
    EXPECT_NE(second["id"], loading_id) << "later follow-ups are new messages";
}

TEST_F(WorldTest, AFollowUpAfterTheOriginalWasEditedIsANewMessage) {
    register_balance_command();
    const auto [id, token] = invoke_balance();
    ASSERT_FALSE(w.interaction_callback(id, token, {{"type", 5}}));
    const std::string loading_id = *w.find_interaction(id)->message_id;
    ok(w.edit_original(ids.application_id, token, {{"content", "done"}}));
    const json follow = ok(w.followup(ids.application_id, token, {{"content", "more"}}));
    EXPECT_NE(follow["id"], loading_id);
    EXPECT_EQ(w.find_message(loading_id)->value("content", ""), "done");
}

TEST_F(WorldTest, OverwritesApplyInDiscordsOrder) {
    // §7.3: @everyone overwrite, then role overwrites combined, then the member overwrite.
    const std::string bot_role = ids.bot_role_id;
    const auto bits = [](std::uint64_t b) { return std::to_string(b); };
    const json everyone_denies{{"id", ids.guild_id}, {"type", 0}, {"allow", "0"}, {"deny", bits(perm::view_channel | perm::send_messages)}};
    const json role_allows{{"id", bot_role}, {"type", 0}, {"allow", bits(perm::view_channel | perm::send_messages)}, {"deny", "0"}};
    const json member_denies{{"id", ids.bot_user_id}, {"type", 1}, {"allow", "0"}, {"deny", bits(perm::send_messages)}};

    const json a = ok(w.create_channel(ids.guild_id, {{"name", "a"}, {"permission_overwrites", json::array({everyone_denies})}}));
    EXPECT_EQ(refused_code(w.create_message(a["id"], {{"content", "x"}})), 50001) << "cannot see it: Missing Access";
    const json b = ok(w.create_channel(ids.guild_id, {{"name", "b"}, {"permission_overwrites", json::array({everyone_denies, role_allows})}}));
    EXPECT_EQ(refused_code(w.create_message(b["id"], {{"content", "x"}})), 0) << "the role overwrite wins over @everyone's";
    const json c = ok(w.create_channel(
        ids.guild_id, {{"name", "c"}, {"permission_overwrites", json::array({everyone_denies, role_allows, member_denies})}}));
    EXPECT_EQ(refused_code(w.create_message(c["id"], {{"content", "x"}})), 50013) << "the member overwrite comes last";

    // ADMINISTRATOR ignores overwrites.
    ASSERT_FALSE(w.set_bot_permissions({{"permissions", bits(perm::administrator)}}));
    EXPECT_EQ(refused_code(w.create_message(a["id"], {{"content", "x"}})), 0);
}

TEST_F(WorldTest, RoleGrantsFollowTheHierarchy) {
    const json vip = ok(w.create_role(ids.guild_id, {{"name", "VIP"}}));
    EXPECT_EQ(vip["position"], 1);
    EXPECT_FALSE(w.member_role(ids.guild_id, ids.customer_user_id, vip["id"], true));
    const auto above = w.member_role(ids.guild_id, ids.customer_user_id, ids.owner_role_id, true);
    ASSERT_TRUE(above);
    EXPECT_EQ(above->body["code"], 50013) << "Owner is above the bot's role";
    const auto own = w.member_role(ids.guild_id, ids.customer_user_id, ids.bot_role_id, true);
    ASSERT_TRUE(own);
    EXPECT_EQ(own->body["code"], 50013) << "a role equal to the bot's highest";
    const auto unknown = w.member_role(ids.guild_id, ids.customer_user_id, "1300000000000000999", true);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->body["code"], 10011);
    // A role with permissions the bot does not hold cannot be created.
    EXPECT_EQ(refused_code(w.create_role(ids.guild_id, {{"name", "admin"}, {"permissions", std::to_string(perm::administrator)}})), 50013);
}

TEST_F(WorldTest, HistoryPagesLikeDiscord) {
    const std::string channel = ok(w.create_channel(ids.guild_id, {{"name", "log"}}))["id"];
    std::vector<std::string> sent;
    for (int i = 0; i < 5; ++i) sent.push_back(ok(w.create_message(channel, {{"content", std::to_string(i)}}))["id"]);
    const json newest = ok(w.channel_messages(channel, {{"limit", "2"}}));
    ASSERT_EQ(newest.size(), 2U);
    EXPECT_EQ(newest[0]["id"], sent[4]) << "newest first";
    EXPECT_EQ(newest[1]["id"], sent[3]);
    const json older = ok(w.channel_messages(channel, {{"limit", "2"}, {"before", sent[3]}}));
    EXPECT_EQ(older[0]["id"], sent[2]);
    EXPECT_EQ(older[1]["id"], sent[1]);
    const json after = ok(w.channel_messages(channel, {{"after", sent[2]}}));
    ASSERT_EQ(after.size(), 2U);
    EXPECT_EQ(refused_code(w.channel_messages(channel, {{"limit", "101"}})), 50035);
    EXPECT_EQ(refused_code(w.channel_messages(channel, {{"before", sent[1]}, {"after", sent[0]}})), 50035);
    // Without Read Message History the answer is an empty list, not an error (REFERENCE.md §2.5).
    // (@everyone grants it here, so a member overwrite takes it away from the bot.)
    const json no_history{{"id", ids.bot_user_id}, {"type", 1}, {"allow", "0"}, {"deny", std::to_string(perm::read_message_history)}};
    ok(w.modify_channel(channel, {{"permission_overwrites", json::array({no_history})}}));
    EXPECT_EQ(ok(w.channel_messages(channel, {})), json::array());
}

}  // namespace
