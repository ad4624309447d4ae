// End to end, the Discord layer under faults: the real apexbot against apexcore-sandbox, which
// misbehaves on command (docs/sandbox.md "Faults"). Each test checks the bot recovers the way
// REFERENCE.md §1 / §2.3 says, and that the shop still works afterwards.
#include "bot_fixture.hpp"

#include <apexcore/sqlite/sqlite_store.hpp>

namespace {

using namespace std::chrono_literals;
using apexcore::test_support::BotFixture;
using nlohmann::json;

class ResilienceTest : public BotFixture {
protected:
    ResilienceTest() { sandbox_args_ = {"--heartbeat-interval-ms", "400"}; }
    std::uint64_t stat(const char* key) { return stats()[key].get<std::uint64_t>(); }
};

TEST_F(ResilienceTest, ZombieConnectionIsClosedAndResumed) {
    ASSERT_EQ(faults({{"heartbeat_ack", false}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("gateway_connections") >= 2; })) << bot_->output();
    ASSERT_EQ(faults({{"heartbeat_ack", true}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") >= 1; })) << bot_->output();
    EXPECT_EQ(stat("identifies"), 1U) << "a zombie must be resumed, not re-identified";
    EXPECT_NE(bot_->output().find("zombie"), std::string::npos);
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, StalledConnectionIsDetectedAndResumed) {
    ASSERT_EQ(gateway({{"action", "stall"}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") >= 1; }, 20s)) << bot_->output();
    EXPECT_EQ(stat("identifies"), 1U);
    expect_balance("$0.00");
}

class HeartbeatRequestTest : public BotFixture {
protected:
    // An hour-long interval: regular beats (the first after interval x jitter) almost never fall
    // into the test, so a heartbeat within 2 s is the answer to the server's request.
    HeartbeatRequestTest() { sandbox_args_ = {"--heartbeat-interval-ms", "3600000"}; }
};

TEST_F(HeartbeatRequestTest, ServerHeartbeatRequestIsAnsweredAtOnce) {
    const auto before = stats()["heartbeats"].get<std::uint64_t>();
    ASSERT_EQ(gateway({{"action", "heartbeat_request"}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stats()["heartbeats"].get<std::uint64_t>() == before + 1; }, 2s));
}

TEST_F(ResilienceTest, ReconnectOpcodeResumes) {
    ASSERT_EQ(gateway({{"action", "reconnect"}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") == 1; })) << bot_->output();
    EXPECT_EQ(stat("identifies"), 1U);
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, InvalidSessionResumableResumes) {
    ASSERT_EQ(gateway({{"action", "invalid_session"}, {"resumable", true}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") == 1; })) << bot_->output();
    EXPECT_EQ(stat("identifies"), 1U);
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, InvalidSessionNotResumableIdentifiesAgainAfterAWait) {
    const auto before = std::chrono::steady_clock::now();
    ASSERT_EQ(gateway({{"action", "invalid_session"}, {"resumable", false}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("identifies") == 2; }, 20s)) << bot_->output();
    EXPECT_GE(std::chrono::steady_clock::now() - before, 1s) << "REFERENCE §1.10: wait 1-5 s before identifying";
    EXPECT_EQ(stat("resumes"), 0U);
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, ReconnectableCloseCodesResumeAndSessionCodesIdentify) {
    ASSERT_EQ(gateway({{"action", "close"}, {"code", 4000}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") == 1; })) << bot_->output();
    ASSERT_TRUE(wait_for([&] { return control_->get("/_sandbox/state").body.value("bot_connected", false); }));
    ASSERT_EQ(gateway({{"action", "close"}, {"code", 4009}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("identifies") == 2; }, 20s)) << bot_->output();
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, DroppedConnectionResumes) {
    ASSERT_EQ(gateway({{"action", "drop"}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("resumes") == 1; }, 20s)) << bot_->output();
    expect_balance("$0.00");
}

TEST_F(ResilienceTest, FatalCloseCodeStopsTheBotWithoutRetrying) {
    ASSERT_EQ(gateway({{"action", "close"}, {"code", 4004}}).status, 200U);
    const auto code = bot_->wait(10s);
    ASSERT_TRUE(code.has_value()) << "the bot must stop on 4004";
    EXPECT_EQ(*code, 1);
    EXPECT_NE(bot_->output().find("4004"), std::string::npos) << bot_->output();
    EXPECT_NE(bot_->output().find("token"), std::string::npos) << bot_->output();
    EXPECT_EQ(stat("gateway_connections"), 1U) << "no reconnect loop";
}

TEST_F(ResilienceTest, RateLimitStormLosesNoRequest) {
    ASSERT_EQ(faults({{"rest_429", {{"count", 3}, {"retry_after", 0.2}}}}).status, 200U);
    expect_balance("$0.00");  // the callback was refused three times, then delivered
    EXPECT_EQ(stat("rest_429"), 3U) << "only the injected 429s: none caused by our own pacing";
}

TEST_F(ResilienceTest, ServerErrorsAreRetried) {
    ASSERT_EQ(faults({{"rest_error", {{"status", 503}, {"count", 2}}}}).status, 200U);
    expect_balance("$0.00");
    EXPECT_EQ(stat("rest_errors_injected"), 2U);
}

TEST_F(ResilienceTest, DuplicatedInteractionCreateChargesOnce) {
    ASSERT_EQ(faults({{"duplicate_interactions", true}}).status, 200U);
    const auto topup = top_up("25.00");
    ASSERT_EQ(topup.status, 200U) << topup.body.dump();
    const auto bought = buy_through_menu(customer(), "4");
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    EXPECT_GE(stat("interactions_dispatched"), 8U);
    expect_balance("$13.00");  // one credit of 25.00, one purchase of 12.00

    ASSERT_EQ(bot_->stop(SIGTERM, 10s), 0);
    apexcore::sqlite::sqlite_store store({.path = (dir_ / "shop.db").string()});
    std::vector<apexcore::core::ledger_entry> ledger;
    store.read([&](apexcore::ports::unit_of_work& uow) {
        ledger = uow.wallet().history(apexcore::core::user_id{std::stoull(customer())}, 10, std::nullopt);
    });
    EXPECT_EQ(ledger.size(), 2U);
    EXPECT_TRUE(store.reconcile().ok());
}

class DeferredTest : public BotFixture {
protected:
    DeferredTest() { discord_config_ = {{"defer_after_ms", 0}}; }
};

TEST_F(DeferredTest, DeferredAnswersArriveByEditingTheOriginal) {
    const auto preview = command(staff(), "addbalance", {{"user", customer()}, {"amount", "25.00"}});
    ASSERT_EQ(preview.status, 200U) << preview.body.dump();
    EXPECT_TRUE(preview.body["deferred"].get<bool>());
    EXPECT_EQ(preview.body["response"]["type"], 5);
    EXPECT_EQ(preview.body["response"]["data"]["flags"], 64);
    EXPECT_LT(preview.body["acknowledged_after_ms"].get<int>(), 3000);
    EXPECT_EQ(preview.body["original"]["embeds"][0]["title"], "Add $25.00 to a wallet?") << preview.body.dump();
    const auto topup = click(staff(), preview.body["message_id"], preview.body["original"]["components"][0]["components"][0]["custom_id"]);
    ASSERT_EQ(topup.status, 200U) << topup.body.dump();
    EXPECT_EQ(topup.body["response"]["type"], 6) << "a deferred update of the preview";
    EXPECT_NE(reply_text(topup).find("$25.00"), std::string::npos) << topup.body.dump();

    const auto menu = command(customer(), "buy");
    ASSERT_EQ(menu.status, 200U) << menu.body.dump();
    const json select = menu.body["original"]["components"][0]["components"][0];
    ASSERT_EQ(select["type"], 3) << menu.body.dump();
    const auto card = click(customer(), menu.body["message_id"], select["custom_id"], json::array({"4"}));
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    EXPECT_EQ(card.body["response"]["type"], 6);
    const std::string buy = card.body["original"]["components"][0]["components"][0]["custom_id"];
    const auto bought = confirm_purchase(customer(), menu.body["message_id"], buy);
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << reply_text(bought);
    EXPECT_TRUE(reply_text(bought).ends_with("** is paid.")) << reply_text(bought);
}

}  // namespace

namespace {

class ExpiredSessionTest : public apexcore::test_support::BotFixture {
protected:
    // Sessions expire 1 ms after their connection is gone: a reconnect always comes too late.
    ExpiredSessionTest() { sandbox_args_ = {"--heartbeat-interval-ms", "400", "--session-ttl-ms", "1"}; }
    std::uint64_t stat(const char* key) { return stats()[key].get<std::uint64_t>(); }
};

// Discord keeps a session resumable only briefly (issue 9 §7): a RESUME of an expired session gets
// op 9 `false`, and the bot must IDENTIFY again — not loop on RESUME, not stay deaf.
TEST_F(ExpiredSessionTest, AnExpiredSessionIsIdentifiedAgainAndTheBotAnswers) {
    ASSERT_EQ(gateway({{"action", "drop"}}).status, 200U);
    ASSERT_TRUE(wait_for([&] { return stat("identifies") == 2; }, 30s)) << bot_->output();
    EXPECT_EQ(stat("resumes"), 0U);
    expect_balance("$0.00");
}

}  // namespace
