#pragma once
/// @file session_machine.hpp
/// The Discord Gateway session lifecycle as a pure state machine: no sockets, no clocks of its
/// own — the driver (gateway_client) feeds it what happened and the current time, and executes the
/// actions it returns. Every rule below is unit-tested with a manual clock
/// (tests/discord/gateway/session_machine_test.cpp). Rules: shared/discord/REFERENCE.md §1.
///
/// - HELLO starts heartbeating; the first beat waits `heartbeat_interval x jitter`, jitter in [0,1)
///   (§1.6). op 1 from the server is answered at once.
/// - A beat that finds the previous one un-ACKed means a zombie connection: close with 4000 (never
///   1000/1001, which would end the session) and resume (§1.6).
/// - RESUME goes to `resume_gateway_url` with `seq` (§1.10); op 7 reconnects and resumes; op 9
///   `d:true` resumes, `d:false` identifies afresh on the cached URL after a random 1-5 s.
/// - Close codes follow §1.11: 4004, 4010-4014 are fatal (reported once, never retried); 4007 and
///   4009 start a new session; the rest, and drops without a close frame, resume.
/// - Reconnects after failures back off exponentially with jitter, capped; a successful READY or
///   RESUMED resets the count.
/// - Outbound frames share one queue and a budget below Discord's 120 per 60 s per connection
///   (§1.12), with `heartbeat_reserve` of it kept for heartbeats; frames over 4096 bytes (§1.3)
///   are refused before sending.

#include <apexcore/discord/model.hpp>
#include <apexcore/ports/log.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace apexcore::discord::gateway {

using time_point = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

/// Tunables of a session; defaults are Discord's documented limits.
struct machine_options {
    std::string token;                      ///< bare bot token for IDENTIFY / RESUME
    std::uint32_t intents = intent_guilds;  ///< §1.8
    std::string library = "apexcore";       ///< IDENTIFY properties.browser / device
    std::optional<std::pair<int, int>> shard;  ///< [shard_id, num_shards] for IDENTIFY, §1.12
    milliseconds backoff_base{1000};        ///< first reconnect delay after a failure
    milliseconds backoff_cap{60000};        ///< longest reconnect delay
    int send_limit = 120;                   ///< frames per send_window (Discord: 120 / 60 s)
    milliseconds send_window{60000};
    int heartbeat_reserve = 5;              ///< of send_limit, only heartbeats may use these
    std::size_t payload_max = 4096;         ///< bytes per outbound frame (§1.3)
    std::size_t outbox_max = 1000;          ///< queued application frames; more are refused
};

/// Open a WebSocket to `url` (already with `?v=10&encoding=json`).
struct connect_action {
    std::string url;
    bool resume = false;
    /// Why: "start", or the reconnect's cause — "reconnect_requested" (op 7),
    /// "invalid_session" (op 9), "zombie" (no heartbeat ACK), "malformed_hello",
    /// "closed_<code>" (the server's close code) or "connection_lost". A bounded set (metrics label).
    std::string cause = "start";
};
/// Write one text frame on the current connection.
struct send_action {
    std::string frame;
};
/// Close the current connection with `code` (the driver then reports on_closed).
struct close_action {
    std::uint16_t code = 1000;
    std::string reason;
};
/// A dispatch (op 0) for the application.
struct dispatch_action {
    std::string event;
    json data;
    std::int64_t sequence = 0;
};
/// The session cannot continue; the driver stops and reports `reason`.
struct fatal_action {
    std::uint16_t code = 0;
    std::string reason;
};
/// Something worth a log record of the "gateway" component (reconnects, zombies, close codes).
struct log_action {
    std::string line;  ///< the message, e.g. "RESUMED", "closing with 4000: …"
    ports::log_level level = ports::log_level::info;
};

using action = std::variant<connect_action, send_action, close_action, dispatch_action, fatal_action, log_action>;

/// Where the session is.
enum class phase {
    idle,          ///< not started
    backing_off,   ///< waiting to reconnect
    connecting,    ///< connect_action issued, waiting for on_open
    awaiting_hello,
    identifying,   ///< IDENTIFY sent, waiting for READY
    resuming,      ///< RESUME sent, waiting for RESUMED
    ready,         ///< dispatches flowing
    closing,       ///< close_action issued, waiting for on_closed
    stopped,       ///< stop() or fatal; no more actions
};

/// Resume state: a plain value (twilight `Session{id, sequence}`).
struct session_info {
    std::string session_id;
    std::string resume_url;
    std::optional<std::int64_t> sequence;
    [[nodiscard]] bool resumable() const { return !session_id.empty() && sequence.has_value(); }
};

/// The state machine. Not thread-safe; drive it from one strand.
class session_machine {
public:
    /// `seed` drives the jitter (heartbeat, backoff, op 9 wait) so tests are deterministic.
    session_machine(machine_options options, std::uint64_t seed);

    /// Begins with the gateway URL from GET /gateway/bot (or configuration).
    void start(std::string gateway_url, time_point now);
    /// The WebSocket to the last connect_action is open.
    void on_open(time_point now);
    /// One text frame arrived.
    void on_text(std::string_view frame, time_point now);
    /// The connection is gone: with the server's close code, or nullopt when it dropped (or could
    /// not be opened) without one.
    void on_closed(std::optional<std::uint16_t> code, time_point now);
    /// Time passed; call at next_wakeup() (early calls are harmless).
    void on_timer(time_point now);
    /// Ends the session on purpose: close 1000 (the session is invalidated, §1.10), then stopped.
    void stop(time_point now);
    /// Queues an application frame (presence update, request guild members) behind the budget.
    /// Returns false when it is over payload_max bytes or the queue is full.
    bool send(std::string frame, time_point now);

    /// The actions produced since the last call, in order.
    [[nodiscard]] std::vector<action> take_actions();
    /// When on_timer should next run; nullopt when nothing is scheduled.
    [[nodiscard]] std::optional<time_point> next_wakeup() const;

    [[nodiscard]] phase current_phase() const { return phase_; }
    [[nodiscard]] const session_info& session() const { return session_; }
    /// Failed attempts since the last READY/RESUMED.
    [[nodiscard]] int failures() const { return failures_; }
    /// Frames written on the current connection within the last send_window.
    [[nodiscard]] int sends_in_window(time_point now);
    /// Round trip of the last ACKed heartbeat.
    [[nodiscard]] std::optional<milliseconds> heartbeat_latency() const { return latency_; }

private:
    void on_hello(const json& d, time_point now);
    void on_dispatch(gateway_payload p);
    void begin_close(std::uint16_t code, std::string why, bool resume_after, milliseconds delay, std::string cause);
    void schedule_reconnect(time_point now, milliseconds delay);
    void heartbeat(time_point now);
    void flush(time_point now);
    bool write_now(std::string frame, time_point now, bool heartbeat);
    milliseconds next_backoff();
    /// Appends an action, constructed in place (no temporary variant to move).
    template <class T, class... Args>
    void emit(Args&&... args) {
        actions_.emplace_back(std::in_place_type<T>, T{std::forward<Args>(args)...});
    }
    void log(std::string line, ports::log_level level = ports::log_level::info) { emit<log_action>(std::move(line), level); }

    machine_options options_;
    std::mt19937_64 rng_;
    phase phase_ = phase::idle;
    std::string gateway_url_;
    session_info session_;
    std::vector<action> actions_;

    // Per connection.
    std::optional<milliseconds> heartbeat_interval_;
    std::optional<time_point> next_heartbeat_;
    std::optional<time_point> last_heartbeat_sent_;
    bool ack_pending_ = false;
    std::optional<milliseconds> latency_;
    std::deque<time_point> sent_;         ///< write times within the window
    std::deque<std::string> outbox_;      ///< application frames waiting for budget
    bool connection_resuming_ = false;

    // Between connections.
    int failures_ = 0;
    std::optional<time_point> reconnect_at_;
    milliseconds reconnect_delay_{0};     ///< planned delay after the current close
    std::string reconnect_cause_ = "start";  ///< connect_action::cause of the next connect
    bool close_requested_ = false;        ///< we issued close_action and await on_closed
    std::uint64_t frames_ignored_ = 0;    ///< malformed frames skipped (their log is rate-limited)
    bool stopping_ = false;
};

}  // namespace apexcore::discord::gateway
