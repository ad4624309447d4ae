// apexbot's log lines (examples/reference_bot/logging.cpp): both formats, the context fields,
// valid UTF-8 on one line, the level threshold and the redaction of secrets.
#include "../../examples/reference_bot/logging.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

using apexcore::ports::log_level;
using apexcore::ports::log_record;

constexpr long long at = 1796012431123;  // 2026-11-30T04:20:31.123Z

TEST(ApexbotLogTest, TextLinesCarryTimeLevelComponentAndContext) {
    const log_record r{log_level::warning, "tickets", "posting the panel failed", {"1300000000000000999", "AC-7Q2K9X", 12}};
    EXPECT_EQ(apexbot::format_log_line(r, apexbot::log_format::text, at),
              "2026-11-30T04:20:31.123Z warning tickets: posting the panel failed interaction=1300000000000000999 "
              "order=AC-7Q2K9X ticket=#12");
    const log_record plain{log_level::info, "gateway", "READY", {}};
    EXPECT_EQ(apexbot::format_log_line(plain, apexbot::log_format::text, at), "2026-11-30T04:20:31.123Z info gateway: READY");
}

TEST(ApexbotLogTest, JsonLinesHaveTheContextKeysOnlyWhenSet) {
    const log_record r{log_level::error, "interactions", "the handler threw", {"42", "", 0}};
    const auto line = nlohmann::json::parse(apexbot::format_log_line(r, apexbot::log_format::json, at));
    EXPECT_EQ(line, (nlohmann::json{{"ts", "2026-11-30T04:20:31.123Z"},
                                    {"level", "error"},
                                    {"component", "interactions"},
                                    {"message", "the handler threw"},
                                    {"interaction", "42"}}));
}

TEST(ApexbotLogTest, HostileTextStaysOneValidUtf8Line) {
    const log_record r{log_level::info, "router", "bad \xff byte\nsecond line", {}};
    const auto text = apexbot::format_log_line(r, apexbot::log_format::text, at);
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    EXPECT_NE(text.find("bad \xEF\xBF\xBD byte second line"), std::string::npos) << text;
    const auto json = apexbot::format_log_line(r, apexbot::log_format::json, at);
    EXPECT_EQ(json.find('\n'), std::string::npos) << json;
    EXPECT_EQ(nlohmann::json::parse(json)["message"], "bad \xEF\xBF\xBD byte\nsecond line");
}

TEST(ApexbotLogTest, TheThresholdDropsLowerLevelsAndSecretsNeverReachTheOutput) {
    std::ostringstream out;
    apexbot::logger logs(out);
    logs.redact("MTIzNDU2Nzg5.token.secret");
    logs.redact("short");  // too short to redact safely: ignored
    logs.set_level(log_level::warning);
    logs.info("apexbot", "hidden");
    logs.warning("rest", "Authorization: Bot MTIzNDU2Nzg5.token.secret was refused; short");
    logs.set_format(apexbot::log_format::json);
    logs.error("gateway", "IDENTIFY with MTIzNDU2Nzg5.token.secret failed");
    const std::string text = out.str();
    EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
    EXPECT_EQ(text.find("MTIzNDU2Nzg5.token.secret"), std::string::npos) << text;
    EXPECT_NE(text.find("warning rest: Authorization: Bot [redacted] was refused; short\n"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("message":"IDENTIFY with [redacted] failed")"), std::string::npos) << text;
    EXPECT_EQ(apexbot::parse_log_level("warning"), log_level::warning);
    EXPECT_EQ(apexbot::parse_log_level("verbose"), std::nullopt);
}

}  // namespace
