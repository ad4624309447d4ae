#include <apexcore/discord/gateway/session_machine.hpp>

#include "../detail/json_access.hpp"

#include <algorithm>
#include <cassert>

namespace apexcore::discord::gateway {
namespace {

std::string with_query(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/?v=10&encoding=json";
}

/// The longest heartbeat interval accepted from HELLO (Discord's is about 41 s).
constexpr std::int64_t heartbeat_interval_ms_max = 60 * 60 * 1000;

bool is_fatal(std::uint16_t code) { return code == 4004 || (code >= 4010 && code <= 4014); }

std::string describe_close(std::uint16_t code) {
    switch (code) {
        case 4000: return "unknown error";
        case 4001: return "unknown opcode";
        case 4002: return "decode error";
        case 4003: return "not authenticated";
        case 4004: return "authentication failed: the bot token is invalid (check DISCORD_TOKEN)";
        case 4005: return "already authenticated";
        case 4007: return "invalid seq on resume";
        case 4008: return "rate limited: too many gateway sends";
        case 4009: return "session timed out";
        case 4010: return "invalid shard";
        case 4011: return "sharding required: too many guilds for this shard count";
        case 4012: return "invalid API version";
        case 4013: return "invalid intents bitfield";
        case 4014: return "disallowed intents: enable the privileged intents in the Developer Portal";
        default: return "close code " + std::to_string(code);
    }
}

}  // namespace

session_machine::session_machine(machine_options options, std::uint64_t seed)
    : options_(std::move(options)), rng_(seed) {
    assert(options_.heartbeat_reserve >= 1);
    assert(options_.send_limit > options_.heartbeat_reserve);
}

void session_machine::start(std::string gateway_url, time_point now) {
    (void)now;
    if (phase_ != phase::idle) return;
    gateway_url_ = std::move(gateway_url);
    phase_ = phase::connecting;
    emit<connect_action>(with_query(gateway_url_), false);
}

void session_machine::on_open(time_point now) {
    if (phase_ != phase::connecting) return;
    heartbeat_interval_.reset();
    next_heartbeat_.reset();
    ack_pending_ = false;
    sent_.clear();
    close_requested_ = false;
    phase_ = phase::awaiting_hello;
    if (stopping_) begin_close(1000, "shutting down", false, milliseconds(0), "stop");
    (void)now;
}

void session_machine::on_text(std::string_view frame, time_point now) {
    if (phase_ == phase::stopped || phase_ == phase::closing || phase_ == phase::idle) return;
    auto payload = parse_gateway_payload(frame);
    if (!payload) {
        // Logged rate-limited (the first 5, then every 1000th): a hostile or broken server cannot
        // flood the log; the connection stays up.
        if (++frames_ignored_ <= 5 || frames_ignored_ % 1000 == 0) {
            log("ignoring frame (" + std::to_string(frames_ignored_) + " so far): " + payload.error().what, ports::log_level::warning);
        }
        return;
    }
    switch (static_cast<opcode>(payload->op)) {
        case opcode::hello: on_hello(payload->d, now); break;
        case opcode::heartbeat_ack:
            ack_pending_ = false;
            if (last_heartbeat_sent_) latency_ = std::chrono::duration_cast<milliseconds>(now - *last_heartbeat_sent_);
            break;
        case opcode::heartbeat: write_now(make_heartbeat(session_.sequence), now, true); break;
        case opcode::dispatch: on_dispatch(std::move(*payload)); break;
        case opcode::reconnect: begin_close(4000, "op 7 RECONNECT: reconnecting to resume", true, milliseconds(0), "reconnect_requested"); break;
        case opcode::invalid_session: {
            const bool resumable = payload->d.is_boolean() && payload->d.get<bool>();
            if (resumable) {
                begin_close(4000, "op 9 INVALID_SESSION (resumable): reconnecting to resume", true, milliseconds(0), "invalid_session");
            } else {
                session_ = session_info{};
                std::uniform_int_distribution<int> wait_ms(1000, 5000);  // §1.10 (advice): 1-5 s
                begin_close(4000, "op 9 INVALID_SESSION: identifying again after a short wait", false,
                            milliseconds(wait_ms(rng_)), "invalid_session");
            }
            break;
        }
        default: break;
    }
    flush(now);
}

void session_machine::on_hello(const json& d, time_point now) {
    // Discord sends ~41 s; anything outside 1 ms..1 h is refused before it becomes a duration
    // (a 1e300 or 9e18 interval once overflowed the float-to-int and chrono conversions).
    const auto parsed = detail::integer_field(d, "heartbeat_interval", 1, heartbeat_interval_ms_max);
    const std::int64_t interval = parsed.value_or(0);
    if (interval <= 0) {
        log("HELLO without a valid heartbeat_interval (an integer of 1.." +
            std::to_string(heartbeat_interval_ms_max) + " ms)", ports::log_level::error);
        ++failures_;
        begin_close(4000, "malformed HELLO", true, next_backoff(), "malformed_hello");
        return;
    }
    heartbeat_interval_ = milliseconds(interval);
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    next_heartbeat_ = now + milliseconds(static_cast<std::int64_t>(static_cast<double>(interval) * jitter(rng_)));
    if (session_.resumable()) {
        phase_ = phase::resuming;
        write_now(make_resume(options_.token, session_.session_id, *session_.sequence), now, false);
    } else {
        phase_ = phase::identifying;
        std::string identify = make_identify(options_.token, options_.intents, options_.library);
        if (options_.shard) {
            json j = json::parse(identify);
            j["d"]["shard"] = {options_.shard->first, options_.shard->second};
            identify = j.dump();
        }
        write_now(std::move(identify), now, false);
    }
}

void session_machine::on_dispatch(gateway_payload p) {
    if (p.s) session_.sequence = p.s;
    if (p.t == "READY") {
        const auto ready = parse_ready(p.d);
        if (ready) {
            session_.session_id = ready->session_id;
            session_.resume_url = ready->resume_gateway_url;
            phase_ = phase::ready;
            failures_ = 0;
            log("READY (session " + session_.session_id + ")");
        } else {
            log(ready.error().what, ports::log_level::error);
        }
    } else if (p.t == "RESUMED") {
        phase_ = phase::ready;
        failures_ = 0;
        log("RESUMED");
    }
    emit<dispatch_action>(std::move(p.t), std::move(p.d), p.s.value_or(0));
}

void session_machine::begin_close(std::uint16_t code, std::string why, bool resume_after, milliseconds delay,
                                  std::string cause) {
    if (close_requested_) return;
    reconnect_cause_ = std::move(cause);
    assert(code != 1000 || !resume_after);  // 1000 ends the session (§1.10)
    (void)resume_after;                     // documents intent; what happens next is in session_
    close_requested_ = true;
    phase_ = phase::closing;
    reconnect_delay_ = delay;
    next_heartbeat_.reset();
    log("closing with " + std::to_string(code) + ": " + why);
    emit<close_action>(code, std::move(why));
}

void session_machine::on_closed(std::optional<std::uint16_t> code, time_point now) {
    if (phase_ == phase::stopped || phase_ == phase::idle) return;
    heartbeat_interval_.reset();
    next_heartbeat_.reset();
    ack_pending_ = false;
    sent_.clear();
    if (stopping_) {
        phase_ = phase::stopped;
        return;
    }
    if (close_requested_) {
        close_requested_ = false;
        schedule_reconnect(now, reconnect_delay_);
        return;
    }
    if (code && is_fatal(*code)) {
        phase_ = phase::stopped;
        emit<fatal_action>(*code, "gateway closed with " + std::to_string(*code) + ": " + describe_close(*code));
        return;
    }
    if (code && (*code == 4007 || *code == 4009)) session_ = session_info{};
    reconnect_cause_ = code ? "closed_" + std::to_string(*code) : "connection_lost";
    ++failures_;
    const milliseconds delay = next_backoff();
    log(std::string("connection ") + (code ? "closed with " + std::to_string(*code) + " (" + describe_close(*code) + ")"
                                                    : "lost without a close code") +
        "; reconnecting in " + std::to_string(delay.count()) + " ms" + (session_.resumable() ? " to resume" : ""), ports::log_level::warning);
    schedule_reconnect(now, delay);
}

void session_machine::schedule_reconnect(time_point now, milliseconds delay) {
    phase_ = phase::backing_off;
    reconnect_at_ = now + delay;
    if (delay.count() <= 0) on_timer(now);
}

milliseconds session_machine::next_backoff() {
    const int exponent = std::clamp(failures_ - 1, 0, 20);
    const auto nominal = std::min<std::int64_t>(options_.backoff_cap.count(), options_.backoff_base.count() << exponent);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return milliseconds(static_cast<std::int64_t>(static_cast<double>(nominal) * jitter(rng_)));
}

void session_machine::on_timer(time_point now) {
    if (phase_ == phase::backing_off && reconnect_at_ && now >= *reconnect_at_) {
        reconnect_at_.reset();
        const bool resume = session_.resumable();
        const std::string& url = resume && !session_.resume_url.empty() ? session_.resume_url : gateway_url_;
        phase_ = phase::connecting;
        emit<connect_action>(with_query(url), resume, reconnect_cause_);
        return;
    }
    if (next_heartbeat_ && now >= *next_heartbeat_) heartbeat(now);
    flush(now);
}

void session_machine::heartbeat(time_point now) {
    assert(heartbeat_interval_.has_value());
    if (ack_pending_) {
        begin_close(4000, "no heartbeat ACK since the last heartbeat (zombie connection)", true, milliseconds(0), "zombie");
        return;
    }
    if (!write_now(make_heartbeat(session_.sequence), now, true)) {
        log("heartbeat over the send budget; retrying shortly", ports::log_level::warning);
        next_heartbeat_ = now + milliseconds(500);
        return;
    }
    ack_pending_ = true;
    last_heartbeat_sent_ = now;
    next_heartbeat_ = now + *heartbeat_interval_;
}

bool session_machine::send(std::string frame, time_point now) {
    if (phase_ == phase::stopped || frame.size() > options_.payload_max || outbox_.size() >= options_.outbox_max) {
        return false;
    }
    outbox_.push_back(std::move(frame));
    flush(now);
    return true;
}

void session_machine::flush(time_point now) {
    while (phase_ == phase::ready && !outbox_.empty()) {
        if (!write_now(outbox_.front(), now, false)) break;
        outbox_.pop_front();
    }
}

int session_machine::sends_in_window(time_point now) {
    while (!sent_.empty() && sent_.front() + options_.send_window <= now) sent_.pop_front();
    return static_cast<int>(sent_.size());
}

bool session_machine::write_now(std::string frame, time_point now, bool is_heartbeat) {
    const int limit = is_heartbeat ? options_.send_limit : options_.send_limit - options_.heartbeat_reserve;
    if (sends_in_window(now) >= limit) return false;
    if (frame.size() > options_.payload_max) {
        log("refusing to send a " + std::to_string(frame.size()) + "-byte payload (limit " +
            std::to_string(options_.payload_max) + ")", ports::log_level::error);
        return true;  // dropped, not retried
    }
    sent_.push_back(now);
    emit<send_action>(std::move(frame));
    return true;
}

void session_machine::stop(time_point now) {
    (void)now;
    if (phase_ == phase::stopped) return;
    stopping_ = true;
    switch (phase_) {
        case phase::awaiting_hello:
        case phase::identifying:
        case phase::resuming:
        case phase::ready:
            close_requested_ = false;
            begin_close(1000, "shutting down", false, milliseconds(0), "stop");
            break;
        case phase::connecting:
        case phase::closing: break;  // on_open / on_closed finish the job
        default: phase_ = phase::stopped; break;
    }
}

std::vector<action> session_machine::take_actions() {
    std::vector<action> out;
    out.swap(actions_);
    return out;
}

std::optional<time_point> session_machine::next_wakeup() const {
    std::optional<time_point> at;
    auto consider = [&at](std::optional<time_point> t) {
        if (t && (!at || *t < *at)) at = t;
    };
    if (phase_ == phase::backing_off) consider(reconnect_at_);
    consider(next_heartbeat_);
    if (phase_ == phase::ready && !outbox_.empty() && !sent_.empty()) consider(sent_.front() + options_.send_window);
    return at;
}

}  // namespace apexcore::discord::gateway
