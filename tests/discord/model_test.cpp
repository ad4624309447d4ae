#include <apexcore/discord/model.hpp>

#include <apexcore/core/text.hpp>

#include "fixtures.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using discord::json;

json example(const std::string& name) { return test_support::discord_example(name); }

TEST(GatewayPayloadTest, ParsesHelloAndDispatchEnvelope) {
    const auto hello = discord::parse_gateway_payload(example("gateway.hello.json").dump());
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hello->op, 10);
    EXPECT_EQ(hello->d["heartbeat_interval"], 45000);
    EXPECT_FALSE(hello->s.has_value());

    const auto dispatch = discord::parse_gateway_payload(example("gateway.dispatch_envelope.json").dump());
    ASSERT_TRUE(dispatch.ok());
    EXPECT_EQ(dispatch->op, 0);
    EXPECT_EQ(dispatch->s, 42);
    EXPECT_EQ(dispatch->t, "GATEWAY_EVENT_NAME");
}

TEST(GatewayPayloadTest, RejectsMalformedFrames) {
    for (const char* bad : {"", "{", "[]", "42", R"({"d":{}})", R"({"op":"10"})", R"({"op":1.5})"}) {
        EXPECT_FALSE(discord::parse_gateway_payload(bad).ok()) << bad;
    }
}

TEST(GatewayPayloadTest, OutboundFramesHaveDiscordsShapes) {
    const json identify = json::parse(discord::make_identify("my_token", 513, "my_library"));
    EXPECT_EQ(identify, example("gateway.identify.minimal.json"));

    const json resume = json::parse(discord::make_resume("randomstring", "evenmorerandomstring", 1337));
    EXPECT_EQ(resume, example("gateway.resume.json"));

    EXPECT_EQ(json::parse(discord::make_heartbeat(251)), example("gateway.heartbeat.json"));
    EXPECT_EQ(json::parse(discord::make_heartbeat(std::nullopt)), json::parse(R"({"op":1,"d":null})"));
}

TEST(InteractionModelTest, MapsTheDocumentedSlashCommand) {
    const auto env = discord::parse_interaction(example("interaction_create.slash_command.json"));
    ASSERT_TRUE(env.ok()) << env.error().what;
    EXPECT_EQ(env->type, 2);
    EXPECT_EQ(env->token, "A_UNIQUE_TOKEN");
    EXPECT_EQ(env->neutral.id.value, 786008729715212338ULL);
    EXPECT_TRUE(env->application.empty());  // the documented sample has none
    EXPECT_EQ(env->neutral.guild->value, 290926798626357999ULL);
    EXPECT_EQ(env->neutral.channel->value, 645027906669510667ULL);
    EXPECT_EQ(env->neutral.from.user.value, 53908232506183680ULL);
    ASSERT_EQ(env->neutral.from.roles.size(), 1U);
    EXPECT_EQ(env->neutral.from.roles[0].value, 539082325061836999ULL);
    const auto& command = std::get<ports::command_invocation>(env->neutral.action);
    EXPECT_EQ(command.name, "cardsearch");
    ASSERT_EQ(command.options.size(), 1U);
    EXPECT_EQ(command.options[0].name, "cardname");
    EXPECT_EQ(std::get<std::string>(command.options[0].value), "The Gitrog Monster");
}

TEST(InteractionModelTest, MapsTheDocumentedButtonAndSelect) {
    const auto button = discord::parse_interaction(example("interaction_create.button.json"));
    ASSERT_TRUE(button.ok()) << button.error().what;
    EXPECT_EQ(button->application.value, 290926444748734465ULL);
    EXPECT_EQ(std::get<ports::component_action>(button->neutral.action).custom_id, "click_one");

    const auto select = discord::parse_interaction(example("interaction_create.string_select.json"));
    ASSERT_TRUE(select.ok()) << select.error().what;
    const auto& action = std::get<ports::component_action>(select->neutral.action);
    EXPECT_EQ(action.custom_id, "class_select_1");
    EXPECT_EQ(action.values, (std::vector<std::string>{"mage", "rogue"}));
    EXPECT_EQ(select->neutral.from.display_name, "Bot Man");
}

TEST(InteractionModelTest, UserOptionsArriveAsTypedIds) {
    json d = example("interaction_create.slash_command.json");
    d["data"]["options"] = json::parse(R"([{"type":6,"name":"user","value":"80351110224678912"},
                                           {"type":3,"name":"amount","value":"12.50"},
                                           {"type":4,"name":"count","value":3}])");
    const auto env = discord::parse_interaction(d);
    ASSERT_TRUE(env.ok());
    const auto& options = std::get<ports::command_invocation>(env->neutral.action).options;
    ASSERT_EQ(options.size(), 3U);
    EXPECT_EQ(std::get<core::user_id>(options[0].value).value, 80351110224678912ULL);
    EXPECT_EQ(std::get<std::int64_t>(options[2].value), 3);
}

TEST(InteractionModelTest, MalformedPayloadsAreRefusedWithAReason) {
    const json good = example("interaction_create.slash_command.json");
    auto without = [&](const char* key) {
        json d = good;
        d.erase(key);
        return d;
    };
    EXPECT_NE(discord::parse_interaction(without("token")).error().what.find("token"), std::string::npos);
    EXPECT_NE(discord::parse_interaction(without("id")).error().what.find("id"), std::string::npos);
    EXPECT_FALSE(discord::parse_interaction(without("member")).ok());
    EXPECT_FALSE(discord::parse_interaction(without("data")).ok());
    json numeric_id = good;
    numeric_id["id"] = 786008729715212338ULL;  // snowflakes are strings on the wire
    EXPECT_FALSE(discord::parse_interaction(numeric_id).ok());
    EXPECT_FALSE(discord::parse_interaction(json::array()).ok());
    json modal = good;
    modal["type"] = 5;
    EXPECT_FALSE(discord::parse_interaction(modal).ok());
}

TEST(InteractionModelTest, DmInvokerComesFromUser) {
    json d = example("interaction_create.slash_command.json");
    const json user = d["member"]["user"];
    d.erase("member");
    d.erase("guild_id");
    d["user"] = user;
    const auto env = discord::parse_interaction(d);
    ASSERT_TRUE(env.ok());
    EXPECT_FALSE(env->neutral.guild.has_value());
    EXPECT_EQ(env->neutral.from.user.value, 53908232506183680ULL);
    EXPECT_TRUE(env->neutral.from.roles.empty());
}

TEST(ResponseMappingTest, ComponentsHaveTheDocumentedShape) {
    ports::message m;
    m.content = "This is a message with legacy components";
    m.rows.push_back({{ports::button{"Click Me", "click_me_1", ports::button_style::primary, false}}});
    json data = discord::to_message_data(m);
    // Our extra keys are allowed; the documented ones must be identical.
    EXPECT_EQ(data["content"], example("message_create.components_legacy.json")["content"]);
    EXPECT_EQ(data["components"], example("message_create.components_legacy.json")["components"]);
    EXPECT_EQ(data["allowed_mentions"], json::parse(R"({"parse":[]})"));
    EXPECT_FALSE(data.contains("flags"));
}

TEST(ResponseMappingTest, EphemeralReplyAndUpdate) {
    ports::interaction_response r;
    r.body.content = "hi";
    r.body.ephemeral = true;
    const json reply = discord::to_interaction_callback(r);
    EXPECT_EQ(reply["type"], 4);
    EXPECT_EQ(reply["data"]["flags"], 64);
    r.kind = ports::response_kind::update_message;
    const json update = discord::to_interaction_callback(r);
    EXPECT_EQ(update["type"], 7);
    EXPECT_FALSE(update["data"].contains("flags"));
}

TEST(ResponseMappingTest, TextIsClippedToDiscordsLimitsInCharacters) {
    ports::message m;
    std::string long_text;
    for (int i = 0; i < 2100; ++i) long_text += "\xC3\xA9";  // 'é', 2 bytes each
    m.content = long_text;
    ports::string_select select{"ac1:s", "", {}};
    for (int i = 0; i < 30; ++i) select.options.push_back({"o" + std::to_string(i), std::to_string(i), ""});
    m.rows.push_back({{select}});
    const json data = discord::to_message_data(m);
    const std::string content = data["content"].get<std::string>();
    EXPECT_EQ(apexcore::core::utf8_length(content), 2000U);  // 1999 'é' and the ellipsis
    EXPECT_TRUE(content.ends_with("\xE2\x80\xA6"));
    EXPECT_EQ(data["components"][0]["components"][0]["options"].size(), 25U);
}

TEST(CommandMappingTest, MatchesTheDocumentedCommandShape) {
    const ports::command_spec spec{"blep", "Send a random adorable animal photo",
                                   {{"animal", "The type of animal", ports::option_type::string, true}}, false};
    const json mine = discord::to_command(spec);
    const json documented = example("command.slash.example.json");
    EXPECT_EQ(mine["name"], documented["name"]);
    EXPECT_EQ(mine["type"], documented["type"]);
    EXPECT_EQ(mine["description"], documented["description"]);
    for (const char* key : {"name", "description", "type", "required"}) {
        EXPECT_EQ(mine["options"][0][key], documented["options"][0][key]) << key;
    }
    EXPECT_TRUE(mine["default_member_permissions"].is_null());
    const ports::command_spec staff{"addbalance", "Staff only", {}, true};
    EXPECT_EQ(discord::to_command(staff)["default_member_permissions"], "0");
}

TEST(ApiErrorTest, ParsesDocumentedErrorBodies) {
    const auto auth = discord::parse_api_error(example("error.invalid_auth.json").dump());
    ASSERT_TRUE(auth.has_value());
    EXPECT_EQ(auth->code, 50014);
    EXPECT_EQ(auth->message, "Invalid authentication token");
    EXPECT_EQ(discord::parse_api_error(example("error.form_object.json").dump())->code, 50035);
    EXPECT_FALSE(discord::parse_api_error("<html>bad gateway</html>").has_value());
}

TEST(ReadyModelTest, KeepsSessionResumeUrlAndApplication) {
    const json d = json::parse(R"({"v":10,"user":{"id":"1"},"guilds":[],"session_id":"abc",
        "resume_gateway_url":"wss://resume.example","application":{"id":"42","flags":0}})");
    const auto ready = discord::parse_ready(d);
    ASSERT_TRUE(ready.ok());
    EXPECT_EQ(ready->session_id, "abc");
    EXPECT_EQ(ready->resume_gateway_url, "wss://resume.example");
    EXPECT_EQ(ready->application.value, 42U);
    EXPECT_FALSE(discord::parse_ready(json::parse(R"({"session_id":"abc"})")).ok());
}

}  // namespace
