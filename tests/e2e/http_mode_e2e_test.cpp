// End to end, HTTP interactions mode: apexcore-sandbox POSTs Ed25519-signed interactions to the real
// apexbot's Interactions Endpoint URL, the way Discord does (REFERENCE.md §3.8).
#include "bot_fixture.hpp"

#include <regex>

namespace {

using apexcore::test_support::BotFixture;
using nlohmann::json;

class HttpModeTest : public BotFixture {
protected:
    HttpModeTest() { expect_gateway_ = false; }
    json extra_config() override {
        return {{"mode", "http"}, {"http", {{"listen", "127.0.0.1:0"}, {"public_key", info_["public_key"]}}}};
    }

    void SetUp() override {
        BotFixture::SetUp();
        if (HasFatalFailure()) return;
        std::smatch match;
        std::string url;
        ASSERT_TRUE(wait_for([&] {
            const std::string log = bot_->output();
            static const std::regex listening("interactions endpoint listening on (http://[0-9.]+:[0-9]+/interactions)");
            if (!std::regex_search(log, match, listening)) return false;
            url = match[1];
            return true;
        })) << bot_->output();
        ASSERT_EQ(control_->post("/_sandbox/config", {{"interactions_url", url}}).status, 200U);
    }
};

TEST_F(HttpModeTest, EndpointPassesDiscordsProbes) {
    const auto probe = control_->post("/_sandbox/http_probe", json::object());
    ASSERT_EQ(probe.status, 200U) << probe.body.dump();
    EXPECT_EQ(probe.body["ping"]["status"], 200);
    EXPECT_EQ(probe.body["ping"]["body"], json::parse(R"({"type":1})"));
    EXPECT_EQ(probe.body["bad_signature"], 401);
    EXPECT_EQ(probe.body["stale_timestamp"], 401);
    EXPECT_EQ(probe.body["altered_body"], 401);
    EXPECT_TRUE(probe.body["passed"].get<bool>());
}

TEST_F(HttpModeTest, CommandsAreAnsweredInline) {
    EXPECT_EQ(stats()["gateway_connections"], 0U) << "HTTP mode needs no gateway";
    const auto topup = top_up("25.00");
    ASSERT_EQ(topup.status, 200U) << topup.body.dump();
    EXPECT_EQ(topup.body["response"]["type"], 7) << "the preview becomes the outcome";
    EXPECT_NE(reply_text(topup).find("$25.00"), std::string::npos);
    const auto bought = buy_through_menu(customer(), "4");
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << reply_text(bought);
    EXPECT_TRUE(reply_text(bought).ends_with("** is paid.")) << reply_text(bought);
    expect_balance("$13.00");
}

}  // namespace
