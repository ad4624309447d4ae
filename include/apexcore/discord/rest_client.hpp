#pragma once
/// @file rest_client.hpp
/// Discord's HTTP API over HTTPS with keep-alive (REFERENCE.md §2): `Authorization: Bot <token>`,
/// `User-Agent: DiscordBot (url, version)`, JSON bodies.
///
/// Requests are queued and sent over one persistent connection. Before each one the client asks
/// its ratelimit::rate_limiter (buckets, global 50/s, 429 scopes, invalid-request budget), so a
/// request on an exhausted bucket waits without holding up requests on other buckets. Retries:
/// 429 responses are retried after `retry_after` (up to `retries_429_max`); 500/502/503/504 and
/// connection failures are retried with exponential backoff (up to `retries_max`) for requests
/// that are safe to repeat — GET, PUT, DELETE and interaction callbacks (a repeated callback is
/// refused by Discord with 40060, never applied twice). Each exchange has a timeout.

#include <apexcore/discord/model.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace apexcore::discord {

/// How to reach the API.
struct rest_options {
    std::string api_base = "https://discord.com/api/v10";  ///< https:// URL including the version
    std::string token;            ///< bot token, sent as "Authorization: Bot <token>"
    std::string ca_file;          ///< PEM file to trust instead of the system store (sandbox)
    std::string user_agent = "DiscordBot (https://example.com/apexcore, 0.1.0)";  ///< REFERENCE.md §2.1
    std::chrono::seconds timeout{30};  ///< connect, TLS handshake and each exchange
    int retries_max = 3;               ///< retries after 5xx / connection failures (safe requests)
    int retries_429_max = 10;          ///< retries after 429 responses
    std::chrono::milliseconds retry_backoff{500};  ///< first 5xx retry delay; doubles each time
    int global_per_second = 50;        ///< Discord's global limit (REFERENCE.md §2.3)
};

/// Counters of a client's lifetime (observability, benchmarks).
struct rest_stats {
    std::uint64_t requests = 0;      ///< requests completed (delivered to a callback)
    std::uint64_t sent = 0;          ///< HTTP exchanges attempted, retries included
    std::uint64_t responses_429 = 0; ///< 429 responses received
    std::uint64_t retries = 0;       ///< re-sends after 429, 5xx or connection failures
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

/// Called on the io_context thread with a transport error (connect, TLS, timeout) or the response.
using rest_callback = std::function<void(std::error_code, rest_response)>;

/// A queue of requests over one keep-alive HTTPS connection. Use from the io_context's thread.
class rest_client {
public:
    /// Throws std::invalid_argument for a malformed api_base or an empty token.
    rest_client(boost::asio::io_context& io, rest_options options);
    ~rest_client();
    rest_client(const rest_client&) = delete;
    rest_client& operator=(const rest_client&) = delete;

    /// Queues `method path` (path relative to api_base, e.g. "/gateway/bot") with an optional JSON
    /// body. `done` runs exactly once, unless the client is stopped first.
    void request(http_method method, std::string path, std::optional<json> body, rest_callback done);

    /// Drops queued requests and closes the connection.
    void stop();

    /// Counters so far.
    [[nodiscard]] rest_stats stats() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
