// End to end, "never die silently" (issue 8): the real apexbot against apexcore-sandbox.
// - the /addbalance reproduction (an amount quoted back cut inside a UTF-8 character once killed
//   the REST worker, and every later interaction failed): the member gets an answer, and so does
//   the next /balance;
// - one interaction callback stalled for 60 s by the server holds no other member's reply, and no
//   POST reaches the server twice;
// - an exception injected at each supervised point of the Discord layer is logged, the component
//   recovers, and the bot keeps answering (it never stays alive but deaf);
// - the runtime on 4 I/O threads through a purchase (run under ThreadSanitizer by the tsan preset).
#include "bot_fixture.hpp"

#include <apexcore/core/text.hpp>
#include <apexcore/discord/rest_client.hpp>

#include <boost/asio/io_context.hpp>

#include <future>

namespace {

using namespace std::chrono_literals;
using apexcore::test_support::BotFixture;
using nlohmann::json;

class HardeningTest : public BotFixture {
protected:
    std::uint64_t stat(const char* key) { return stats()[key].get<std::uint64_t>(); }
};

TEST_F(HardeningTest, AddBalanceQuotingASplitCharacterIsAnsweredAndTheBotKeepsAnswering) {
    std::string amount = "a";
    for (int i = 0; i < 24; ++i) amount += "\xC3\xA9";  // 'é': 49 bytes, a byte cut at 40 splits one
    const auto r = command(staff(), "addbalance", {{"user", customer()}, {"amount", amount}});
    ASSERT_EQ(r.status, 200U) << r.body.dump() << "\n" << bot_->output();
    const std::string text = reply_text(r);
    EXPECT_TRUE(apexcore::core::is_valid_utf8(text));
    EXPECT_NE(text.find("is not valid"), std::string::npos) << text;
    EXPECT_NE(text.find(amount), std::string::npos) << "25 characters are quoted whole (the cut counts characters): " << text;
    expect_balance("$0.00");
    expect_balance("$0.00");
    EXPECT_EQ(bot_->output().find("type_error"), std::string::npos) << bot_->output();
}

TEST_F(HardeningTest, AStalledCallbackHoldsNoOtherReplyAndNoPostIsSentTwice) {
    ASSERT_EQ(faults({{"stall_callbacks", {{"count", 1}, {"ms", 60000}}}}).status, 200U);
    // The first member's answer is stalled by the server: Discord would show "interaction failed".
    auto stalled = std::async(std::launch::async, [&] { return command(customer(), "balance"); });
    ASSERT_TRUE(wait_for([&] { return stat("callbacks_stalled") == 1; }, 5s)) << bot_->output();
    // Every other member is answered within Discord's 3 s, while that request hangs.
    for (int i = 0; i < 6; ++i) {
        const auto r = command(i % 2 == 0 ? staff() : customer(), "balance");
        ASSERT_EQ(r.status, 200U) << "member " << i << ": " << r.body.dump() << "\n" << bot_->output();
        EXPECT_LT(r.body.value("acknowledged_after_ms", 99999), 3000) << r.body.dump();
        EXPECT_NE(reply_text(r).find("balance"), std::string::npos) << r.body.dump();
    }
    EXPECT_EQ(stalled.get().status, 504U) << "the stalled interaction fails alone";
    const json s = stats();
    EXPECT_EQ(s["posts_repeated"], 0U) << "a POST that may have been received is never sent again";
    EXPECT_EQ(s["callbacks_repeated"], 0U);
}

/// One supervised point and when to fail there (the N-th time the bot passes it).
struct injected_fault {
    const char* point;
    int at;
};

class InjectedFaultTest : public BotFixture, public ::testing::WithParamInterface<injected_fault> {
protected:
    InjectedFaultTest() {
        sandbox_args_ = {"--heartbeat-interval-ms", "500"};
        bot_env_ = {std::string("APEXBOT_INJECT_FAULTS=") + GetParam().point + ":" + std::to_string(GetParam().at)};
    }
};

TEST_P(InjectedFaultTest, IsLoggedRecoveredFromAndTheBotKeepsAnswering) {
    const std::string marker = std::string("injected fault at ") + GetParam().point;
    // Interactions until the fault has fired; some may fail while it does.
    std::string last;
    for (int i = 0; i < 8 && bot_->output().find(marker) == std::string::npos; ++i) {
        last = reply_text(command(customer(), "balance"));
        std::this_thread::sleep_for(200ms);
    }
    ASSERT_TRUE(wait_for([&] { return bot_->output().find(marker) != std::string::npos; }, 10s))
        << "the fault never fired\n" << bot_->output();
    // Afterwards the bot answers again (a restarted connection or shard may take a moment).
    ASSERT_TRUE(wait_for(
        [&] {
            const auto r = command(customer(), "balance");
            return r.status == 200U && reply_text(r) == "Your wallet balance is **$0.00**.";
        },
        20s))
        << bot_->output();
    EXPECT_FALSE(bot_->wait(0ms).has_value()) << "the bot must still run";
    if (std::string_view(GetParam().point) == "runtime.handler") {
        EXPECT_NE(bot_->output().find("the handler threw"), std::string::npos) << bot_->output();
    }
}

INSTANTIATE_TEST_SUITE_P(
    EverySupervisedPoint, InjectedFaultTest,
    ::testing::Values(injected_fault{"rest.dispatch", 5}, injected_fault{"rest.exchange", 3},
                      injected_fault{"rest.callback", 3}, injected_fault{"gateway.read", 4},
                      injected_fault{"gateway.write", 3}, injected_fault{"gateway.dispatch", 3},
                      injected_fault{"runtime.handler", 1}),
    [](const ::testing::TestParamInfo<injected_fault>& param_info) {
        std::string name = param_info.param.point;
        for (char& c : name) {
            if (c == '.') c = '_';
        }
        return name;
    });

TEST_F(HardeningTest, AThrowingHandlerGivesTheMemberAGenericError) {
    // Covered for every point above; here the member's view: an ephemeral, generic answer.
    bot_->stop(SIGKILL, 5s);
    bot_env_ = {"APEXBOT_INJECT_FAULTS=runtime.handler:1"};
    TearDown();
    SetUp();
    const auto r = command(customer(), "balance");
    ASSERT_EQ(r.status, 200U) << r.body.dump() << bot_->output();
    EXPECT_NE(reply_text(r).find("Something went wrong"), std::string::npos) << reply_text(r);
    EXPECT_EQ(r.body["response"]["data"].value("flags", 0) & 64, 64) << "ephemeral";
    expect_balance("$0.00");
}

class UnrecoverableFailureTest : public BotFixture {
protected:
    UnrecoverableFailureTest() { bot_env_ = {"APEXBOT_INJECT_FAULTS=runtime.dispatch:2"}; }
};

// Where no component can be restarted, the process must not stay alive but deaf: it says why and
// exits 1 so a supervisor restarts it.
TEST_F(UnrecoverableFailureTest, ExitsWithCodeOneAndAMessage) {
    (void)command(customer(), "balance");  // READY was the 1st dispatch the runtime takes
    const auto code = bot_->wait(10s);
    ASSERT_TRUE(code.has_value()) << "the bot must exit\n" << bot_->output();
    EXPECT_EQ(*code, 1) << bot_->output();
    EXPECT_NE(bot_->output().find("fatal: unexpected failure on an I/O thread: injected fault at runtime.dispatch"),
              std::string::npos)
        << bot_->output();
}

class FourIoThreadsTest : public BotFixture {
protected:
    FourIoThreadsTest() { bot_args_ = {"--io-threads", "4"}; }
};

TEST_F(FourIoThreadsTest, PurchaseFlowOnFourIoThreads) {
    const auto topup = top_up("25.00");
    ASSERT_EQ(topup.status, 200U) << topup.body.dump();
    std::vector<std::future<apexcore::test_support::control_response>> concurrent;
    for (int i = 0; i < 8; ++i) {
        concurrent.push_back(std::async(std::launch::async, [&] { return command(customer(), "balance"); }));
    }
    for (auto& f : concurrent) EXPECT_EQ(f.get().status, 200U);
    const auto bought = buy_through_menu(customer(), "4");
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    expect_balance("$13.00");
}

}  // namespace

namespace {

/// A limiter that defers to the in-process one, counts every call and refuses the first request
/// once (as a shared limiter whose budget is momentarily spent would).
class counting_limiter final : public apexcore::discord::ratelimit::limiter {
public:
    std::optional<apexcore::discord::ratelimit::time_point> acquire(const apexcore::discord::ratelimit::route_key& key, apexcore::discord::ratelimit::time_point now) override {
        ++acquires;
        if (acquires == 1) return now + std::chrono::milliseconds(200);
        return inner_.acquire(key, now);
    }
    void on_response(const apexcore::discord::ratelimit::route_key& key, const apexcore::discord::ratelimit::response_info& info,
                     apexcore::discord::ratelimit::time_point now) override {
        ++responses;
        inner_.on_response(key, info, now);
    }
    void on_abandoned(const apexcore::discord::ratelimit::route_key& key, apexcore::discord::ratelimit::time_point now) override {
        ++abandoned;
        inner_.on_abandoned(key, now);
    }
    int acquires = 0;
    int responses = 0;
    int abandoned = 0;

private:
    apexcore::discord::ratelimit::rate_limiter inner_;
};

// The REST client asks the limiter it is given (issue 9 §4: the rate limiter behind an interface,
// so processes sharing a token can share the global limit) and waits when it says so.
TEST_F(HardeningTest, TheRestClientAsksAnInjectedLimiterBeforeEveryRequest) {
    boost::asio::io_context io;
    apexcore::discord::rest_options options;
    options.api_base = info_["api_base"];
    options.ca_file = info_["ca_file"];
    options.token = token_;
    auto limiter = std::make_shared<counting_limiter>();
    options.limiter = limiter;
    apexcore::discord::rest_client client(io, options);
    int ok = 0;
    for (int i = 0; i < 5; ++i) {
        client.request(apexcore::discord::http_method::get, "/gateway/bot", std::nullopt,
                       [&](std::error_code ec, apexcore::discord::rest_response res) {
                           if (!ec && res.ok()) ++ok;
                           if (ok == 5) client.stop();
                       });
    }
    io.run_for(10s);
    EXPECT_EQ(ok, 5);
    EXPECT_GE(limiter->acquires, 6) << "every request asked, and the refused one asked again";
    EXPECT_EQ(limiter->responses, 5);
    EXPECT_EQ(limiter->abandoned, 0);
}

}  // namespace
