#include <apexcore/discord/gateway/session_machine.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace apexcore::discord;
using namespace apexcore::discord::gateway;
using namespace std::chrono_literals;

/// Drives a session_machine with a manual clock and collects what it asks for.
class SessionMachineTest : public ::testing::Test {
protected:
    explicit SessionMachineTest(std::uint64_t seed = 7) : machine_(options(), seed) {}

    static machine_options options() {
        machine_options o;
        o.token = "tok";
        o.intents = 513;
        return o;
    }

    std::vector<action> take() { return machine_.take_actions(); }

    template <class T>
    static std::vector<T> only(const std::vector<action>& actions) {
        std::vector<T> out;
        for (const auto& a : actions) {
            if (const auto* t = std::get_if<T>(&a)) out.push_back(*t);
        }
        return out;
    }

    static json frame_of(const send_action& s) { return json::parse(s.frame); }

    /// A fresh machine after HELLO and READY (session "x", resume URL wss://r), actions drained.
    session_machine ready_machine() const {
        session_machine m(options(), 3);
        m.start("wss://g", now_);
        m.on_open(now_);
        m.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
        m.on_text(R"({"op":0,"s":1,"t":"READY","d":{"session_id":"x","resume_gateway_url":"wss://r","application":{"id":"1"}}})",
                  now_);
        (void)m.take_actions();
        return m;
    }

    void advance(milliseconds d) { now_ += d; }
    void tick() { machine_.on_timer(now_); }

    /// start -> open -> HELLO(45 s) -> IDENTIFY -> READY(seq 1).
    void connect_and_ready() {
        machine_.start("wss://gateway.test", now_);
        ASSERT_EQ(only<connect_action>(take()).size(), 1U);
        machine_.on_open(now_);
        machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
        const auto sends = only<send_action>(take());
        ASSERT_EQ(sends.size(), 1U);
        ASSERT_EQ(frame_of(sends[0])["op"], 2);
        machine_.on_text(R"({"op":0,"s":1,"t":"READY","d":{"session_id":"s1","resume_gateway_url":"wss://resume.test",
                              "application":{"id":"42"},"user":{"id":"42"}}})",
                         now_);
        take();
        ASSERT_EQ(machine_.current_phase(), phase::ready);
    }

    /// Runs the clock to the next heartbeat and returns what was sent then.
    std::vector<send_action> to_next_heartbeat() {
        const auto at = machine_.next_wakeup();
        EXPECT_TRUE(at.has_value());
        now_ = *at;
        tick();
        return only<send_action>(take());
    }

    time_point now_{std::chrono::seconds(1000)};
    session_machine machine_;
};

TEST_F(SessionMachineTest, ConnectsWithVersionAndEncoding) {
    machine_.start("wss://gateway.test/", now_);
    const auto connects = only<connect_action>(take());
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_EQ(connects[0].url, "wss://gateway.test/?v=10&encoding=json");
    EXPECT_FALSE(connects[0].resume);
    EXPECT_EQ(machine_.current_phase(), phase::connecting);
}

TEST_F(SessionMachineTest, HelloLeadsToIdentifyWithIntents) {
    machine_.start("wss://gateway.test", now_);
    take();
    machine_.on_open(now_);
    machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
    const auto sends = only<send_action>(take());
    ASSERT_EQ(sends.size(), 1U);
    const json identify = frame_of(sends[0]);
    EXPECT_EQ(identify["op"], 2);
    EXPECT_EQ(identify["d"]["token"], "tok");
    EXPECT_EQ(identify["d"]["intents"], 513);
    EXPECT_FALSE(identify["d"].contains("shard"));
    EXPECT_EQ(machine_.current_phase(), phase::identifying);
}

TEST_F(SessionMachineTest, FirstHeartbeatIsJitteredWithinTheInterval) {
    std::set<std::int64_t> first_delays;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        session_machine m(options(), seed);
        const time_point t0{std::chrono::seconds(5)};
        m.start("wss://g", t0);
        m.on_open(t0);
        m.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", t0);
        const auto at = m.next_wakeup();
        ASSERT_TRUE(at.has_value());
        const auto delay = std::chrono::duration_cast<milliseconds>(*at - t0).count();
        EXPECT_GE(delay, 0);
        EXPECT_LT(delay, 45000);
        first_delays.insert(delay);
    }
    EXPECT_GT(first_delays.size(), 10U) << "the first beat must not always come at the same time";
}

TEST_F(SessionMachineTest, HeartbeatsCarryTheLastSequenceAndFollowTheInterval) {
    connect_and_ready();
    machine_.on_text(R"({"op":0,"s":7,"t":"GUILD_CREATE","d":{"id":"1"}})", now_);
    take();
    auto beat = to_next_heartbeat();
    ASSERT_EQ(beat.size(), 1U);
    EXPECT_EQ(frame_of(beat[0]), json::parse(R"({"op":1,"d":7})"));
    const time_point first = now_;
    advance(120ms);
    machine_.on_text(R"({"op":11})", now_);
    EXPECT_EQ(machine_.heartbeat_latency(), 120ms);
    EXPECT_EQ(*machine_.next_wakeup(), first + 45000ms);
    beat = to_next_heartbeat();
    ASSERT_EQ(beat.size(), 1U);
    EXPECT_EQ(frame_of(beat[0])["d"], 7);
}

TEST_F(SessionMachineTest, HeartbeatBeforeAnyDispatchHasNullSequence) {
    machine_.start("wss://g", now_);
    machine_.on_open(now_);
    machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":1000}})", now_);
    take();
    const auto beat = to_next_heartbeat();
    ASSERT_EQ(beat.size(), 1U);
    EXPECT_TRUE(frame_of(beat[0])["d"].is_null());
}

TEST_F(SessionMachineTest, ServerHeartbeatRequestIsAnsweredAtOnce) {
    connect_and_ready();
    machine_.on_text(R"({"op":1,"d":null})", now_);
    const auto sends = only<send_action>(take());
    ASSERT_EQ(sends.size(), 1U);
    EXPECT_EQ(frame_of(sends[0]), json::parse(R"({"op":1,"d":1})"));
}

TEST_F(SessionMachineTest, MissingAckIsAZombieClosedWithNon1000AndResumed) {
    connect_and_ready();
    ASSERT_EQ(to_next_heartbeat().size(), 1U);  // no ACK follows
    now_ += 45000ms;
    tick();
    auto actions = take();
    const auto closes = only<close_action>(actions);
    ASSERT_EQ(closes.size(), 1U);
    EXPECT_NE(closes[0].code, 1000);
    EXPECT_NE(closes[0].code, 1001);
    EXPECT_TRUE(only<send_action>(actions).empty()) << "no heartbeat on a zombie";

    machine_.on_closed(std::nullopt, now_);
    const auto connects = only<connect_action>(take());
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_TRUE(connects[0].resume);
    EXPECT_EQ(connects[0].url, "wss://resume.test/?v=10&encoding=json");

    machine_.on_open(now_);
    machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
    const auto sends = only<send_action>(take());
    ASSERT_EQ(sends.size(), 1U);
    EXPECT_EQ(frame_of(sends[0]), json::parse(R"({"op":6,"d":{"token":"tok","session_id":"s1","seq":1}})"));
    EXPECT_EQ(machine_.current_phase(), phase::resuming);
    machine_.on_text(R"({"op":0,"s":2,"t":"MESSAGE_CREATE","d":{}})", now_);
    machine_.on_text(R"({"op":0,"s":3,"t":"RESUMED","d":{}})", now_);
    const auto dispatches = only<dispatch_action>(take());
    ASSERT_EQ(dispatches.size(), 2U);
    EXPECT_EQ(dispatches[1].event, "RESUMED");
    EXPECT_EQ(machine_.current_phase(), phase::ready);
    EXPECT_EQ(machine_.session().sequence, 3);
    EXPECT_EQ(machine_.failures(), 0);
}

TEST_F(SessionMachineTest, ReconnectOpcodeResumes) {
    connect_and_ready();
    machine_.on_text(R"({"op":7,"d":null})", now_);
    const auto closes = only<close_action>(take());
    ASSERT_EQ(closes.size(), 1U);
    EXPECT_EQ(closes[0].code, 4000);
    machine_.on_closed(4000, now_);
    const auto connects = only<connect_action>(take());
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_TRUE(connects[0].resume);
}

TEST_F(SessionMachineTest, InvalidSessionResumableResumes) {
    connect_and_ready();
    machine_.on_text(R"({"op":9,"d":true})", now_);
    ASSERT_EQ(only<close_action>(take()).size(), 1U);
    machine_.on_closed(4000, now_);
    const auto connects = only<connect_action>(take());
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_TRUE(connects[0].resume);
}

TEST_F(SessionMachineTest, InvalidSessionNotResumableIdentifiesAfterOneToFiveSeconds) {
    connect_and_ready();
    machine_.on_text(R"({"op":9,"d":false})", now_);
    ASSERT_EQ(only<close_action>(take()).size(), 1U);
    machine_.on_closed(4000, now_);
    EXPECT_TRUE(only<connect_action>(take()).empty()) << "must wait before identifying again";
    const auto at = machine_.next_wakeup();
    ASSERT_TRUE(at.has_value());
    const auto wait = *at - now_;
    EXPECT_GE(wait, 1000ms);
    EXPECT_LE(wait, 5000ms);
    now_ = *at;
    tick();
    const auto connects = only<connect_action>(take());
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_FALSE(connects[0].resume);
    EXPECT_EQ(connects[0].url, "wss://gateway.test/?v=10&encoding=json") << "fresh sessions use the cached URL";
    machine_.on_open(now_);
    machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
    EXPECT_EQ(frame_of(only<send_action>(take()).at(0))["op"], 2);
}

TEST_F(SessionMachineTest, FatalCloseCodesStopWithoutReconnecting) {
    for (const std::uint16_t code : std::initializer_list<std::uint16_t>{4004, 4010, 4011, 4012, 4013, 4014}) {
        session_machine m(options(), 3);
        m.start("wss://g", now_);
        m.on_open(now_);
        m.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
        (void)m.take_actions();
        m.on_closed(code, now_);
        auto actions = m.take_actions();
        const auto fatals = only<fatal_action>(actions);
        ASSERT_EQ(fatals.size(), 1U) << code;
        EXPECT_EQ(fatals[0].code, code);
        EXPECT_NE(fatals[0].reason.find(std::to_string(code)), std::string::npos);
        EXPECT_EQ(m.current_phase(), phase::stopped);
        m.on_timer(now_ + 3600s);
        EXPECT_TRUE(only<connect_action>(m.take_actions()).empty()) << code;
        EXPECT_FALSE(m.next_wakeup().has_value());
    }
}

TEST_F(SessionMachineTest, SessionEndingCloseCodesIdentifyAgain) {
    for (const std::uint16_t code : std::initializer_list<std::uint16_t>{4007, 4009}) {
        session_machine m = ready_machine();
        m.on_closed(code, now_);
        (void)m.take_actions();
        m.on_timer(*m.next_wakeup());
        const auto connects = only<connect_action>(m.take_actions());
        ASSERT_EQ(connects.size(), 1U) << code;
        EXPECT_FALSE(connects[0].resume) << code;
    }
}

TEST_F(SessionMachineTest, OtherClosesAndDropsResume) {
    for (std::optional<std::uint16_t> code : {std::optional<std::uint16_t>(4000), std::optional<std::uint16_t>(4008),
                                              std::optional<std::uint16_t>(1006), std::optional<std::uint16_t>()}) {
        session_machine m = ready_machine();
        m.on_closed(code, now_);
        (void)m.take_actions();
        ASSERT_TRUE(m.next_wakeup().has_value());
        m.on_timer(*m.next_wakeup());
        const auto connects = only<connect_action>(m.take_actions());
        ASSERT_EQ(connects.size(), 1U);
        EXPECT_TRUE(connects[0].resume);
        EXPECT_EQ(connects[0].url, "wss://r/?v=10&encoding=json");
    }
}

TEST_F(SessionMachineTest, ReconnectBackoffGrowsWithJitterAndIsCapped) {
    machine_.start("wss://g", now_);
    take();
    std::vector<std::int64_t> delays;
    for (int attempt = 1; attempt <= 12; ++attempt) {
        machine_.on_closed(std::nullopt, now_);  // the connection attempt failed
        take();
        const auto at = machine_.next_wakeup();
        ASSERT_TRUE(at.has_value());
        delays.push_back(std::chrono::duration_cast<milliseconds>(*at - now_).count());
        now_ = *at;
        tick();
        ASSERT_EQ(only<connect_action>(take()).size(), 1U);
    }
    for (std::size_t i = 0; i < delays.size(); ++i) {
        const std::int64_t nominal = std::min<std::int64_t>(60000, 1000LL << i);
        EXPECT_GE(delays[i], nominal / 2) << i;
        EXPECT_LT(delays[i], nominal) << i;
    }
    EXPECT_EQ(machine_.failures(), 12);
    machine_.on_open(now_);
    machine_.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
    machine_.on_text(R"({"op":0,"s":1,"t":"READY","d":{"session_id":"x","resume_gateway_url":"wss://r","application":{"id":"1"}}})", now_);
    EXPECT_EQ(machine_.failures(), 0);
}

TEST_F(SessionMachineTest, SendBudgetKeepsRoomForHeartbeats) {
    connect_and_ready();  // IDENTIFY used one send
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(machine_.send(R"({"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}})", now_));
    }
    auto sends = only<send_action>(take());
    EXPECT_EQ(static_cast<int>(sends.size()), 120 - 5 - 1);
    EXPECT_EQ(machine_.sends_in_window(now_), 115);
    // Heartbeats still go out while application frames wait.
    machine_.on_text(R"({"op":1})", now_);
    EXPECT_EQ(only<send_action>(take()).size(), 1U);
    // Within any 60 s window, never more than 120 frames; every queued frame goes out eventually.
    int app_sent = static_cast<int>(sends.size());
    for (int step = 0; step < 300 && app_sent < 200; ++step) {
        now_ += 1s;
        tick();
        for (const auto& s : only<send_action>(take())) {
            if (frame_of(s)["op"] == 1) machine_.on_text(R"({"op":11})", now_);
            else ++app_sent;
        }
        EXPECT_LE(machine_.sends_in_window(now_), 120);
    }
    EXPECT_EQ(app_sent, 200);
    EXPECT_EQ(machine_.current_phase(), phase::ready);
}

TEST_F(SessionMachineTest, OversizedPayloadsAreRefusedBeforeSending) {
    connect_and_ready();
    EXPECT_FALSE(machine_.send(std::string(4097, 'x'), now_));
    EXPECT_TRUE(only<send_action>(take()).empty());
    EXPECT_TRUE(machine_.send(std::string(4096, 'x'), now_));
    EXPECT_EQ(only<send_action>(take()).size(), 1U);
}

TEST_F(SessionMachineTest, StopClosesWith1000AndNeverReconnects) {
    connect_and_ready();
    machine_.stop(now_);
    const auto closes = only<close_action>(take());
    ASSERT_EQ(closes.size(), 1U);
    EXPECT_EQ(closes[0].code, 1000);
    machine_.on_closed(1000, now_);
    EXPECT_EQ(machine_.current_phase(), phase::stopped);
    machine_.on_timer(now_ + 3600s);
    EXPECT_TRUE(take().empty());
}

TEST_F(SessionMachineTest, MalformedFramesAreLoggedAndIgnored) {
    connect_and_ready();
    machine_.on_text("{not json", now_);
    machine_.on_text(R"({"op":"ten"})", now_);
    const auto actions = take();
    EXPECT_EQ(only<log_action>(actions).size(), 2U);
    EXPECT_EQ(machine_.current_phase(), phase::ready);
}

TEST_F(SessionMachineTest, ShardIsSentInIdentify) {
    auto o = options();
    o.shard = std::pair{1, 4};
    session_machine m(o, 1);
    m.start("wss://g", now_);
    m.on_open(now_);
    m.on_text(R"({"op":10,"d":{"heartbeat_interval":45000}})", now_);
    const auto sends = only<send_action>(m.take_actions());
    ASSERT_EQ(sends.size(), 1U);
    EXPECT_EQ(frame_of(sends[0])["d"]["shard"], json::parse("[1,4]"));
}

}  // namespace
