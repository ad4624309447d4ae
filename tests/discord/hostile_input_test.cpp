// Network input never throws and never converts out of range (issue 8 §2, §9): every parse
// function of the Discord adapter fed wrong types, missing fields, ids as numbers, ids beyond
// uint64, numbers beyond every range and invalid UTF-8. Each case once threw type_error,
// truncated a number or overflowed a conversion.
#include <apexcore/discord/model.hpp>

#include <apexcore/core/text.hpp>
#include <apexcore/discord/gateway/session_machine.hpp>
#include <apexcore/discord/gateway/sharding.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using discord::json;
using namespace std::chrono_literals;

json interaction(json patch) {
    json d = json::parse(R"({"id":"1000000000000000001","application_id":"2","type":2,"token":"tok",
        "member":{"user":{"id":"3","username":"u"},"roles":["4"]},"data":{"name":"balance"}})");
    d.merge_patch(patch);
    return d;
}

TEST(HostileGatewayFrameTest, NumbersOutOfRangeAreRefusedNotTruncated) {
    // "op":4294967306 once became op 10 (HELLO); "s":2^64-1 became -1.
    for (const char* frame : {R"({"op":4294967306,"d":{}})", R"({"op":-1})", R"({"op":10.5})", R"({"op":"10"})",
                              R"({"op":1e300})", R"({"op":0,"s":18446744073709551615,"t":"X","d":{}})",
                              R"({"op":0,"s":-5,"t":"X"})", R"({"op":0,"s":"7","t":"X"})", R"({"op":0,"s":1,"t":5})",
                              R"([1,2])", R"("op")", "{\"op\":0,\"t\":\"\xC3\x28\"}", ""}) {
        const auto p = discord::parse_gateway_payload(frame);
        EXPECT_FALSE(p.ok()) << frame;
    }
    const auto ok = discord::parse_gateway_payload(R"({"op":0,"s":9223372036854775807,"t":"X","d":null})");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok->s, 9223372036854775807LL);
    EXPECT_TRUE(discord::parse_gateway_payload(R"({"op":11,"s":null,"t":null,"d":null})").ok());
}

TEST(HostileInteractionTest, WrongTypesAreErrorsNeverExceptions) {
    const json cases[] = {
        json(nullptr), json(5), json::array(),
        interaction({{"id", 1000000000000000001ULL}}),            // id as a number
        interaction({{"id", "18446744073709551616"}}),            // beyond uint64
        interaction({{"id", "0"}}),
        interaction({{"id", "0001"}}),
        interaction({{"type", 4294967298ULL}}),                   // once truncated to 2
        interaction({{"type", "2"}}),
        interaction({{"type", 2.5}}),
        interaction({{"token", 7}}),
        interaction({{"application_id", 2}}),
        interaction({{"member", {{"user", {{"id", 3}}}}}}),
        interaction({{"data", {{"name", 5}}}}),
        interaction({{"data", {{"name", "x"}, {"options", json::array({{{"name", "a"}, {"type", 6}, {"value", "99999999999999999999"}}})}}}}),
    };
    for (const auto& d : cases) {
        core::result<discord::interaction_envelope, discord::model_error> r = discord::model_error{};
        EXPECT_NO_THROW(r = discord::parse_interaction(d)) << d.dump();
        if (r.ok()) {
            // Only the unknown-user option case parses (the option is dropped).
            EXPECT_TRUE(std::get<ports::command_invocation>(r->neutral.action).options.empty()) << d.dump();
        }
    }
    EXPECT_FALSE(discord::parse_interaction(interaction({{"type", 4294967298ULL}})).ok());
}

TEST(HostileInteractionTest, OptionsWithWrongTypesOrAbsurdNestingAreHandled) {
    json nested = json::array({{{"name", "leaf"}, {"type", 3}, {"value", "v"}}});
    for (int i = 0; i < 50; ++i) nested = json::array({{{"name", "g"}, {"type", 2}, {"options", nested}}});
    EXPECT_FALSE(discord::parse_interaction(interaction({{"data", {{"name", "x"}, {"options", nested}}}})).ok());

    const json odd_options = json::array({{{"name", "a"}, {"type", "3"}, {"value", "x"}},          // type as string
                                          {{"name", "b"}, {"type", 4}, {"value", 1e300}},           // float
                                          {{"name", "c"}, {"type", 4}, {"value", 18446744073709551615ULL}},
                                          {{"name", "d"}, {"type", 4}, {"value", 42}},
                                          {{"name", "e"}, {"type", 1}, {"options", "not an array"}}});
    const auto r = discord::parse_interaction(interaction({{"data", {{"name", "x"}, {"options", odd_options}}}}));
    ASSERT_TRUE(r.ok());
    const auto& c = std::get<ports::command_invocation>(r->neutral.action);
    // Values are read by the option's declared type: only 42 is an INTEGER; 1e300 (a float for
    // an INTEGER option), 2^64-1 (beyond 2^53) and the option with a string type are dropped.
    ASSERT_EQ(c.options.size(), 1U);
    EXPECT_EQ(c.name, "x e");
    EXPECT_EQ(std::get<std::int64_t>(c.options[0].value), 42);
}

TEST(HostileRestBodyTest, ErrorBodiesAndGatewayBotNeverThrow) {
    EXPECT_FALSE(discord::parse_api_error(R"({"code":"50035","message":"x"})").has_value());
    EXPECT_FALSE(discord::parse_api_error(R"({"code":1e300,"message":"x"})").has_value());
    EXPECT_FALSE(discord::parse_api_error(R"({"code":10062,"message":5})").has_value());
    EXPECT_EQ(discord::parse_api_error(R"({"code":10062,"message":"Unknown interaction"})")->code, 10062);

    using discord::gateway::parse_gateway_bot;
    for (const char* body : {R"({"url":"wss://g","shards":"1"})", R"({"url":"wss://g","shards":50000000})",
                             R"({"url":"wss://g","shards":0})",
                             R"({"url":"wss://g","session_start_limit":{"total":1000,"remaining":999,"reset_after":1e300,"max_concurrency":1}})",
                             R"({"url":"wss://g","session_start_limit":{"total":"1000","remaining":999,"reset_after":0,"max_concurrency":1}})",
                             R"({"url":"wss://g","session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":0}})",
                             R"({"url":5})", "not json"}) {
        EXPECT_FALSE(parse_gateway_bot(body).has_value()) << body;
    }
    discord::gateway::gateway_bot_info info;
    info.url = "wss://g";
    EXPECT_TRUE(std::holds_alternative<std::string>(discord::gateway::plan_shards(info, 50'000'000, {})));
}

/// A session machine that has opened its connection (and, with `hello`, received a valid HELLO).
discord::gateway::session_machine opened_machine(bool hello) {
    discord::gateway::machine_options o;
    o.token = "t";
    discord::gateway::session_machine m(o, 1);
    const auto now = std::chrono::steady_clock::now();
    m.start("wss://g", now);
    m.on_open(now);
    if (hello) m.on_text(R"({"op":10,"d":{"heartbeat_interval":41250}})", now);
    (void)m.take_actions();
    return m;
}

TEST(HostileHelloTest, HeartbeatIntervalOutOfRangeIsAMalformedHello) {
    // 1e300 once overflowed a float-to-int conversion; 9e18 overflowed the chrono arithmetic.
    for (const char* hello : {R"({"op":10,"d":{"heartbeat_interval":1e300}})",
                              R"({"op":10,"d":{"heartbeat_interval":9000000000000000000}})",
                              R"({"op":10,"d":{"heartbeat_interval":"41250"}})", R"({"op":10,"d":{"heartbeat_interval":-1}})",
                              R"({"op":10,"d":[]})"}) {
        discord::gateway::session_machine m = opened_machine(false);
        EXPECT_NO_THROW(m.on_text(hello, std::chrono::steady_clock::now())) << hello;
        bool closed = false;
        for (const auto& a : m.take_actions()) closed = closed || std::holds_alternative<discord::gateway::close_action>(a);
        EXPECT_TRUE(closed) << hello << ": a malformed HELLO closes the connection to retry";
    }
}

TEST(HostileHelloTest, AFloodOfBadFramesIsLoggedRateLimitedAndTheSessionGoesOn) {
    discord::gateway::session_machine m = opened_machine(true);
    const auto now = std::chrono::steady_clock::now();
    std::size_t logged = 0;
    bool closed = false;
    for (int i = 0; i < 3000; ++i) {
        m.on_text(R"({"op":"x"})", now);
        for (const auto& a : m.take_actions()) {
            logged += std::holds_alternative<discord::gateway::log_action>(a) ? 1 : 0;
            closed = closed || std::holds_alternative<discord::gateway::close_action>(a);
        }
    }
    EXPECT_EQ(logged, 8U) << "the first 5, then the 1000th, 2000th and 3000th";
    EXPECT_FALSE(closed) << "bad frames are skipped; the connection stays up";
    EXPECT_EQ(m.current_phase(), discord::gateway::phase::identifying);
}

TEST(OutboundTextTest, InvalidUtf8NeverReachesDump) {
    // nlohmann's dump() throws type_error.316 on invalid UTF-8; every outbound string is repaired.
    ports::message m;
    m.content = "amount '\xC3' is not valid";
    m.embeds.push_back({"\xFF title", "desc \xED\xA0\x80", {{"n\xC3", "v\xC3", false}}, std::nullopt, "f\xE2\x82"});
    ports::button b;
    b.label = "\xC3\xA9\xC3";
    b.custom_id = "ac1:\xC3";
    m.rows.push_back({{b}});
    std::string dumped;
    EXPECT_NO_THROW(dumped = discord::to_message_data(m).dump());
    EXPECT_TRUE(core::is_valid_utf8(dumped));
    EXPECT_NE(dumped.find("\xEF\xBF\xBD"), std::string::npos) << "invalid bytes become U+FFFD";
    EXPECT_NO_THROW((void)discord::make_identify("tok\xC3", 1, "lib\xFF"));
    ports::command_spec spec{"n\xC3", "d\xC3", {}, false};
    EXPECT_NO_THROW((void)discord::to_command(spec).dump());
}

TEST(OutboundTextTest, EmbedTotalsAndRowShapesStayWithinDiscordsLimits) {
    ports::message m;
    for (int i = 0; i < 10; ++i) m.embeds.push_back({"", std::string(4096, 'x'), {}, std::nullopt, ""});
    ports::action_row row;
    for (int i = 0; i < 8; ++i) row.components.push_back(ports::button{"b", "ac1:" + std::to_string(i)});
    m.rows.push_back(row);
    const json data = discord::to_message_data(m);
    EXPECT_EQ(data["embeds"].size(), 1U) << "6000 characters over all embeds";
    EXPECT_EQ(data["components"][0]["components"].size(), 5U);
}

}  // namespace
