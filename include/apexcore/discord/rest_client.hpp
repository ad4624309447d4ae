#pragma once
/// @file rest_client.hpp
/// Discord's HTTP API over HTTPS with keep-alive (REFERENCE.md §2): `Authorization: Bot <token>`,
/// `User-Agent: DiscordBot (url, version)`, JSON bodies.
///
/// A small pool of connections (`connections_max`) serves a queue kept per rate-limit bucket:
/// before each request the client asks its ratelimit::rate_limiter (buckets, global 50/s, 429
/// scopes, invalid-request budget), so a request on an exhausted bucket waits without holding up
/// others, and a stalled request holds only its own connection. Interaction requests (callbacks
/// and interaction webhooks, REFERENCE.md §3.5) go first and may use every connection; ordinary
/// requests use at most `ordinary_connections_max`, so replies to members never wait behind them.
///
/// Re-sending: a request is sent again only when it cannot have reached Discord (the connection
/// or TLS handshake failed, or the request was never written) or when it is idempotent (GET, PUT,
/// DELETE, and interaction callbacks, which Discord applies at most once: a second is refused
/// with 40060, REFERENCE.md §3.5), and always within `retries_max`; 429s are retried after `retry_after` (up to
/// `retries_429_max`). A POST or PATCH that may have been received is never sent twice: its
/// failure goes to the callback. A request with a deadline (interaction callbacks: Discord's 3 s,
/// REFERENCE.md §3.5) is never attempted after it; its exchange times out at the deadline.
///
/// Thread-safety: thread-safe. Requests may be made from any thread; the client's I/O runs on
/// its own strand, and callbacks run on that strand (they must not block).
///
/// Failures of the client itself (supervision.hpp): an exception in a connection's coroutine is
/// logged, that connection is dropped and its request answered with an error; the dispatcher
/// is restarted if it fails. A callback that throws is logged and contained.

#include <apexcore/discord/model.hpp>
#include <apexcore/discord/ratelimit/rate_limiter.hpp>
#include <apexcore/discord/supervision.hpp>
#include <apexcore/ports/metrics.hpp>
#include <apexcore/version.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace apexcore::discord {

/// Discord's required User-Agent, "DiscordBot ($url, $versionNumber)" (REFERENCE.md §2.1), with
/// apexcore's home page and version (<apexcore/version.hpp>).
inline std::string default_user_agent() {
    return std::string("DiscordBot (") + apexcore::homepage_url + ", " + apexcore::version + ")";
}

/// How to reach the API.
struct rest_options {
    std::string api_base = "https://discord.com/api/v10";  ///< https:// URL including the version
    std::string token;            ///< bot token, sent as "Authorization: Bot <token>"
    std::string ca_file;          ///< PEM file to trust instead of the system store (sandbox)
    std::string user_agent = default_user_agent();  ///< REFERENCE.md §2.1; a bot may name its own URL
    std::chrono::seconds timeout{30};  ///< connect, TLS handshake and each exchange
    int retries_max = 3;               ///< retries after 5xx / connection failures (safe requests)
    int retries_429_max = 10;          ///< retries after 429 responses
    std::chrono::milliseconds retry_backoff{500};  ///< first 5xx retry delay; doubles each time
    int global_per_second = 50;        ///< Discord's global limit (REFERENCE.md §2.3)
    std::size_t connections_max = 8;   ///< HTTPS connections in the pool, 1..64
    /// Connections ordinary (non-interaction) requests may occupy at once, 1..connections_max;
    /// the rest are kept for interaction callbacks and interaction webhooks.
    std::size_t ordinary_connections_max = 4;
    /// A kept-alive connection idle longer than this is closed instead of reused (the server may
    /// have closed it, and a POST written to a dead connection could not be safely re-sent).
    std::chrono::seconds keep_alive_idle_max{20};
    log_fn log;             ///< one record per notable event, component "rest" (supervision.hpp)
    /// apexcore_rest_requests_total and apexcore_rest_rate_limited_total (ports/metrics.hpp);
    /// nullptr: none. Must outlive the client.
    ports::metrics* metrics = nullptr;
    /// The rate limiter to ask (ratelimit::limiter); empty = an in-process ratelimit::rate_limiter
    /// with `global_per_second`. One limiter serves one client unless it synchronises itself.
    std::shared_ptr<ratelimit::limiter> limiter;
    fault_hook inject_fault;  ///< tests only (supervision.hpp)
};

/// Per-request options.
struct request_options {
    /// The request is never sent (or re-sent) after this, and its exchange times out here. The
    /// callback then gets std::errc::timed_out. Unset: no deadline (the exchange timeout applies).
    std::optional<std::chrono::steady_clock::time_point> deadline;
    /// Sent as `X-Audit-Log-Reason` on routes that record one (REFERENCE.md §2.1, "A" in §2.5):
    /// UTF-8, made valid and cut to 512 characters here, then URL-encoded. Empty: no header.
    std::string audit_log_reason;
};

/// A request body that is not JSON, e.g. `multipart/form-data` with files (REFERENCE.md §2.4;
/// chat_model.hpp's to_multipart builds one).
struct encoded_body {
    std::string content_type;  ///< e.g. "multipart/form-data; boundary=..."
    std::string bytes;
};

/// Counters of a client's lifetime (observability, benchmarks).
struct rest_stats {
    std::uint64_t requests = 0;      ///< requests completed (delivered to a callback)
    std::uint64_t sent = 0;          ///< HTTP exchanges attempted, retries included
    std::uint64_t responses_429 = 0; ///< 429 responses received
    std::uint64_t retries = 0;       ///< re-sends after 429, 5xx or connection failures
    std::uint64_t expired = 0;       ///< requests dropped unsent at their deadline
    std::uint64_t connections_opened = 0;  ///< TCP+TLS connections established
    std::uint64_t restarts = 0;      ///< coroutines restarted after an unexpected exception
};

/// HTTP methods used by the bot.
enum class http_method { get, post, put, patch, del };

/// One answered request. `status` is the HTTP status; `error` is Discord's JSON error body when
/// the status is >= 400 and the body is one.
struct rest_response {
    unsigned status = 0;
    std::string body;
    std::optional<api_error> error;
    int attempts = 0;  ///< exchanges it took, retries included
    [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
};

/// Called on the client's strand with a transport error (connect, TLS, timeout, deadline passed,
/// no buffer space when more than 10,000 requests wait) or the response.
using rest_callback = std::function<void(std::error_code, rest_response)>;

/// A request's handle, for cancel().
using request_ticket = std::uint64_t;

/// The pool of keep-alive HTTPS connections and its bucket queues. Thread-safe (see above).
class rest_client {
public:
    /// Throws std::invalid_argument for a malformed api_base or an empty token.
    rest_client(boost::asio::io_context& io, rest_options options);
    ~rest_client();
    rest_client(const rest_client&) = delete;
    rest_client& operator=(const rest_client&) = delete;

    /// Queues `method path` (path relative to api_base, e.g. "/gateway/bot") with an optional JSON
    /// body. `done` runs exactly once, unless the client is stopped or the request cancelled
    /// first. Returns the request's ticket.
    request_ticket request(http_method method, std::string path, std::optional<json> body, rest_callback done,
                           request_options options = {});
    /// The same with a body that is already encoded (multipart uploads).
    request_ticket request(http_method method, std::string path, encoded_body body, rest_callback done,
                           request_options options = {});

    /// Withdraws a request that has not been written yet; its callback is not called. Returns
    /// false when it is already on the wire or done.
    bool cancel(request_ticket ticket);

    /// Drops queued requests and closes the connections.
    void stop();

    /// Counters so far.
    [[nodiscard]] rest_stats stats() const;

private:
    struct impl;
    struct pending;
    request_ticket enqueue(std::shared_ptr<pending> job);
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
