// Conformance with real client libraries (issue 9 §8): discord.py (Debian's python3-discord) and
// discord.js 14 (npm, on Debian's Node.js) log in to the sandbox with their own HTTP and gateway
// code and walk through a shop bot's day (tests/conformance/). Where a library and the sandbox
// disagreed, the sandbox was wrong and was fixed: ids and permission sets accepted as JSON numbers,
// a `Via` header on API answers (discord.py retries a 429 only with it), GET of @original, the
// `interaction` field on response messages (discord.py routes a click to its View by it), and an
// UPDATE_MESSAGE that keeps the components it does not mention (discord.js's update({content})).
// The C++ side then checks in the sandbox's own state that each step really happened.
#include "bot_fixture.hpp"

#include <filesystem>

namespace apexcore::test_support {
namespace {

class ConformanceTest : public BotFixture {
protected:
    ConformanceTest() { start_bot_ = false; }

    /// Runs a library client to completion and returns its findings (the last JSON line).
    json run_client(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& env,
                    const std::string& log_name) {
        child_process client(program, args, (dir_ / log_name).string(), env);
        const auto code = client.wait(120s);
        const std::string out = client.output();
        EXPECT_TRUE(code.has_value()) << program << " did not finish in 120 s\n" << out;
        EXPECT_EQ(code.value_or(-1), 0) << out << "\nsandbox:\n" << sandbox_->output();
        const auto start = out.rfind("\n{");
        const std::string line = out.substr(start == std::string::npos ? 0 : start + 1);
        const json findings = json::parse(line.substr(0, line.find('\n')), nullptr, false);
        EXPECT_TRUE(findings.is_object()) << out;
        return findings.is_object() ? findings : json::object();
    }

    /// What every library's day must leave in the sandbox.
    void expect_the_day_happened(const json& findings, const std::string& ticket_name, const std::string& role_name,
                                 const std::string& shop_message, const std::string& after_429) {
        EXPECT_EQ(findings.value("synced_commands", json()), json::array({"shop"}));
        EXPECT_EQ(findings.value("guild_name", ""), "apexcore sandbox shop");
        EXPECT_EQ(findings.value("select_values", json()), json::array({"4"}));
        EXPECT_TRUE(findings.value("button_routed", false));
        EXPECT_EQ(findings.value("followup_id", "a"), findings.value("original_id", "b"))
            << "the first follow-up after the defer edited the loading message";
        EXPECT_EQ(findings.value("rest_429_injected", 0), 1);

        const json guild = control_->get("/_sandbox/guild").body;
        json ticket;
        std::string role_id;
        int dm_channels = 0;
        for (const auto& c : guild["channels"]) {
            if (c.value("name", "") == ticket_name) ticket = c;
            if (c.value("type", 0) == 1) ++dm_channels;
        }
        ASSERT_TRUE(ticket.is_object()) << ticket_name << " exists";
        EXPECT_EQ(ticket["permission_overwrites"].size(), 2U);
        EXPECT_EQ(dm_channels, 1) << "one DM channel, opened through POST /users/@me/channels";
        for (const auto& r : guild["roles"]) {
            if (r["name"] == role_name) role_id = r["id"];
        }
        ASSERT_FALSE(role_id.empty()) << role_name << " exists";
        bool granted = false;
        for (const auto& m : guild["members"]) {
            if (m["user_id"] == customer()) granted = std::find(m["roles"].begin(), m["roles"].end(), role_id) != m["roles"].end();
        }
        EXPECT_TRUE(granted) << "the role reached the member";
        // Each message the library sent is in #shop exactly once: the 429'd attempt was not
        // applied, and the library's retry was not doubled.
        EXPECT_EQ(count_messages(shop_channel(), shop_message), 1);
        EXPECT_EQ(count_messages(shop_channel(), after_429), 1);
    }
};

TEST_F(ConformanceTest, DiscordPyRunsAShopDayAgainstTheSandbox) {
    ASSERT_EQ(std::system("/usr/bin/python3 -c 'import discord' 2>/dev/null"), 0)
        << "discord.py is missing: install python3-discord (scripts/install-deps.sh does)";
    const json findings = run_client("/usr/bin/python3",
                                     {APEXCORE_CONFORMANCE_DIR "/discord_py_client.py", (dir_ / "sandbox" / "sandbox.json").string()},
                                     {}, "discord_py.log");
    expect_the_day_happened(findings, "ticket-7", "VIP Gold", "Restocked: Indie key", "After a 429");
}

TEST_F(ConformanceTest, DiscordJsRunsAShopDayAgainstTheSandbox) {
    const std::filesystem::path dir = APEXCORE_CONFORMANCE_DIR "/discordjs";
    ASSERT_TRUE(std::filesystem::exists(dir / "node_modules" / "discord.js"))
        << "discord.js is missing: scripts/install-deps.sh runs npm ci in " << dir;
    const json findings = run_client("/usr/bin/env", {"node", (dir / "client.js").string(), (dir_ / "sandbox" / "sandbox.json").string()},
                                     {"NODE_EXTRA_CA_CERTS=" + info_["ca_file"].get<std::string>()}, "discord_js.log");
    expect_the_day_happened(findings, "ticket-8", "VIP Silver", "Restocked: VPN", "After a 429 (discord.js)");
}

}  // namespace
}  // namespace apexcore::test_support
