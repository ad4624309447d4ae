// Conformance with a real client library (issue 9 §8): discord.py (Debian's python3-discord)
// logs in to the sandbox with its own HTTP and gateway code and walks through a shop bot's day
// (tests/conformance/discord_py_client.py). Where the library and the sandbox disagreed, the
// sandbox was wrong and was fixed: ids and permission sets accepted as JSON numbers, a `Via`
// header on API answers (discord.py retries a 429 only with it), GET of @original, and the
// `interaction` field on response messages (discord.py routes a click to its View by it).
// The C++ side then checks in the sandbox's own state that each step really happened.
#include "bot_fixture.hpp"

namespace apexcore::test_support {
namespace {

class DiscordPyConformanceTest : public BotFixture {
protected:
    DiscordPyConformanceTest() { start_bot_ = false; }
};

TEST_F(DiscordPyConformanceTest, ALibraryBotRunsAShopDayAgainstTheSandbox) {
    const int has_library = std::system("/usr/bin/python3 -c 'import discord' 2>/dev/null");
    ASSERT_EQ(has_library, 0) << "discord.py is missing: install python3-discord (scripts/install-deps.sh does)";
    child_process client("/usr/bin/python3", {APEXCORE_CONFORMANCE_DIR "/discord_py_client.py", (dir_ / "sandbox" / "sandbox.json").string()},
                         (dir_ / "discord_py.log").string());
    const auto code = client.wait(120s);
    const std::string out = client.output();
    ASSERT_TRUE(code.has_value()) << "discord.py did not finish in 120 s\n" << out;
    ASSERT_EQ(*code, 0) << out << "\nsandbox:\n" << sandbox_->output();
    const auto line_start = out.rfind("{\"synced_commands\"");
    ASSERT_NE(line_start, std::string::npos) << out;
    const json findings = json::parse(out.substr(line_start, out.find('\n', line_start) - line_start));
    EXPECT_EQ(findings["synced_commands"], json::array({"shop"}));
    EXPECT_EQ(findings["guild_name"], "apexcore sandbox shop");
    EXPECT_EQ(findings["select_values"], json::array({"4"}));
    EXPECT_EQ(findings["followup_id"], findings["original_id"]) << "the first follow-up edited the loading message";
    EXPECT_EQ(findings["rest_429_injected"], 1);

    // What the library did, as the sandbox holds it.
    const json guild = control_->get("/_sandbox/guild").body;
    json ticket;
    for (const auto& c : guild["channels"]) {
        if (c.value("name", "") == "ticket-7") ticket = c;
    }
    ASSERT_TRUE(ticket.is_object()) << "the ticket channel exists";
    ASSERT_EQ(ticket["permission_overwrites"].size(), 2U);
    std::string vip_id;
    for (const auto& r : guild["roles"]) {
        if (r["name"] == "VIP Gold") vip_id = r["id"];
    }
    ASSERT_FALSE(vip_id.empty());
    bool granted = false;
    for (const auto& m : guild["members"]) {
        if (m["user_id"] == customer()) granted = std::find(m["roles"].begin(), m["roles"].end(), vip_id) != m["roles"].end();
    }
    EXPECT_TRUE(granted) << "the role reached the member";
    int dm_channels = 0;
    for (const auto& c : guild["channels"]) {
        if (c["type"] == 1) ++dm_channels;
    }
    EXPECT_EQ(dm_channels, 1) << "one DM channel, opened through POST /users/@me/channels";
    // Each message the library sent is in #shop exactly once: the 429'd attempt was not applied,
    // and the library's retry was not doubled.
    const json history = control_->get("/_sandbox/channels/" + info_["channel_ids"][0].get<std::string>() + "/messages").body;
    int restocked = 0;
    int after_429 = 0;
    for (const auto& m : history) {
        if (m["content"] == "Restocked: Indie key") ++restocked;
        if (m["content"] == "After a 429") ++after_429;
    }
    EXPECT_EQ(restocked, 1);
    EXPECT_EQ(after_429, 1);
}

}  // namespace
}  // namespace apexcore::test_support
