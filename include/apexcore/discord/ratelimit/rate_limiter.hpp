#pragma once
/// @file rate_limiter.hpp
/// Discord's HTTP rate limits, pure: no I/O, time passed in (REFERENCE.md §2.3). The REST client
/// asks `acquire` before each request and reports every response to `on_response`.
///
/// - **Buckets** are learned from `X-RateLimit-Bucket`; routes that share a bucket hash share the
///   limit, but only for the same *major parameter* (channel id, guild id, webhook id + token),
///   so `/channels/1/...` and `/channels/2/...` never share one. Until a route's bucket is known,
///   its key is method + route template + major parameter, and only one request is in flight on it.
/// - **Remaining / reset**: `X-RateLimit-Remaining` and `X-RateLimit-Reset-After` (seconds, with
///   decimals; preferred over `X-RateLimit-Reset` because it has no clock skew). A bucket with
///   nothing remaining waits for its reset; requests in flight count against `remaining`.
/// - **Global**: at most `global_per_second` requests per second, applied proactively with a
///   sliding window; interaction callbacks and interaction webhooks are exempt, as Discord says.
/// - **429**: `X-RateLimit-Scope` `user` blocks the bucket, `shared` blocks the bucket without
///   counting as an invalid request, `global` (or `X-RateLimit-Global`) blocks every non-exempt
///   route, each for `Retry-After` / body `retry_after`.
/// - **Invalid requests**: 401, 403 and non-shared 429 responses are counted over 10 minutes;
///   at `invalid_pause_at` (default 5,000, half Discord's 10,000 ban threshold) every request
///   waits until the window drains.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::discord::ratelimit {

using time_point = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

/// Where a request goes, as the limiter sees it.
struct route_key {
    std::string route;   ///< method + template, e.g. "POST /channels/{id}/messages"
    std::string major;   ///< the major parameter, e.g. "channel:123"; empty for none
    bool global_exempt = false;  ///< interaction callbacks / interaction webhooks
    friend bool operator==(const route_key&, const route_key&) = default;
};

/// Classifies `method path` (path relative to the API base, e.g. "/channels/1/messages/2").
/// Snowflakes and tokens after a resource name become `{id}` / `{token}` in the template;
/// channels, guilds and webhooks (id + token) are major parameters (REFERENCE.md §2.3).
[[nodiscard]] route_key classify(std::string_view method, std::string_view path);

/// The rate-limit facts of one response. Seconds are decimals as Discord sends them.
struct response_info {
    unsigned status = 0;
    std::optional<int> limit;                ///< X-RateLimit-Limit
    std::optional<int> remaining;            ///< X-RateLimit-Remaining
    std::optional<double> reset_after_s;     ///< X-RateLimit-Reset-After
    std::optional<std::string> bucket;       ///< X-RateLimit-Bucket
    bool global = false;                     ///< X-RateLimit-Global or body "global": true
    std::optional<std::string> scope;        ///< X-RateLimit-Scope: user / global / shared
    std::optional<double> retry_after_s;     ///< Retry-After header or body retry_after
};

/// Limits; defaults are Discord's.
struct limiter_options {
    int global_per_second = 50;             ///< REFERENCE.md §2.3
    /// Added to the global limit's 1 s window. Requests reach Discord a few ms after we send
    /// them, with jitter; without a margin, Discord's window can see one request more than ours.
    milliseconds global_window_margin{15};
    int invalid_limit = 10000;              ///< per invalid_window (Cloudflare ban threshold)
    milliseconds invalid_window{600000};    ///< 10 minutes
    int invalid_pause_at = 5000;            ///< stop sending at this many invalid responses
    std::size_t buckets_max = 10000;        ///< learned buckets kept; oldest idle ones dropped
};

/// Counters for observability and benchmarks.
struct limiter_stats {
    std::uint64_t granted = 0;
    std::uint64_t responses_429 = 0;
    std::uint64_t invalid_in_window = 0;
};

/// What rest_client asks before each request and tells after it: the seam that lets a process,
/// a REST proxy or a shared store own the limits without the client changing (twilight's
/// `Ratelimiter`; STYLE.md §7). rest_client calls it under its own lock, from its strand: an
/// implementation must not block (a shared one answers from local state it refreshes elsewhere)
/// and need not be thread-safe for one client; one instance may serve one client only unless it
/// synchronises itself.
class limiter {
public:
    virtual ~limiter() = default;

    /// Asks to send a request on `key` now. Returns nullopt when granted (the request is counted
    /// as in flight and must be followed by exactly one on_response or on_abandoned), else the
    /// earliest time worth asking again.
    [[nodiscard]] virtual std::optional<time_point> acquire(const route_key& key, time_point now) = 0;

    /// Reports the response of a granted request; learns the bucket and applies 429s.
    virtual void on_response(const route_key& key, const response_info& info, time_point now) = 0;

    /// Reports that a granted request got no response (timeout, connection error).
    virtual void on_abandoned(const route_key& key, time_point now) = 0;
};

/// The in-process limiter (the default of rest_client). Pure and not thread-safe.
class rate_limiter final : public limiter {
public:
    explicit rate_limiter(limiter_options options = {});

    [[nodiscard]] std::optional<time_point> acquire(const route_key& key, time_point now) override;
    void on_response(const route_key& key, const response_info& info, time_point now) override;
    void on_abandoned(const route_key& key, time_point now) override;

    [[nodiscard]] limiter_stats stats(time_point now);

    /// Parses a decimal seconds header ("64.57") into milliseconds, rounding up; nullopt if bad.
    [[nodiscard]] static std::optional<milliseconds> seconds_to_ms(double seconds);

private:
    struct bucket_state {
        std::optional<int> limit;
        std::optional<int> remaining;
        std::optional<time_point> reset_at;
        std::optional<time_point> blocked_until;  ///< from a 429
        int in_flight = 0;
        time_point last_used{};
    };

    std::string bucket_id(const route_key& key) const;
    bucket_state& bucket_for(const route_key& key, time_point now);
    void prune_global(time_point now);
    void prune_invalid(time_point now);
    void evict_idle(time_point now);

    limiter_options options_;
    std::map<std::string, std::string> route_to_hash_;  ///< route template -> bucket hash
    std::map<std::string, bucket_state> buckets_;       ///< hash|major or route|major -> state
    std::deque<time_point> global_sent_;                ///< non-exempt grants in the last second
    std::optional<time_point> global_blocked_until_;
    std::deque<time_point> invalid_;                    ///< invalid responses in the window
    std::uint64_t granted_ = 0;
    std::uint64_t responses_429_ = 0;
};

}  // namespace apexcore::discord::ratelimit
