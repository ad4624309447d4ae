#pragma once
/// @file rest_proxy.hpp
/// The REST proxy (apexcore-rest-proxy, docs/scaling.md): one process that owns the rate limiter
/// and forwards the REST calls of every bot process of one token to Discord, so they share the
/// buckets and the global limit (Discord: 50 requests/s per bot token, REFERENCE.md §2.3; the
/// pattern of nirn-proxy and twilight's http-proxy).
///
/// The proxy listens on plain HTTP (a private network or loopback: the bots' token crosses it)
/// under `path_prefix` (e.g. "/api/v10"), so a bot points `discord.api_base` at
/// "http://proxy-host:port/api/v10". Each request `METHOD <prefix>/<route>` is sent upstream as
/// `METHOD <api_base>/<route>` through the given rest_client — its buckets, global limit, 429
/// retries and re-send rules (rest_client.hpp) — and the upstream status and body are answered.
/// Kept from the request: the body and its Content-Type (JSON or multipart), and
/// X-Audit-Log-Reason. Interaction callbacks go first in the client's queue as always.
///
/// Refused here, in Discord's error shape (`{"message", "code": 0}`):
/// - 401 when `Authorization` is not "Bot <the proxy's token>" (one proxy serves one token);
/// - 404 outside `path_prefix`; 405 for a method Discord's API does not use;
/// - 413 for a body over `body_max`; 502 when Discord could not be reached (the transport
///   error in `message`); 503 when the client's queue is full.
/// `GET /healthz` answers `{"status": "ok", "requests", "forwarded", "upstream_429"}`.
///
/// Thread-safety: start() and stop() from any thread; connections are served on their own strands.
/// Failures: a connection's coroutine that throws is logged and closed; the accept loop is
/// restarted after a pause when it fails.

#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/supervision.hpp>

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace apexcore::discord {

/// Where the proxy listens and what it accepts.
struct rest_proxy_options {
    std::string address = "127.0.0.1";  ///< listening address (an IP literal)
    std::uint16_t port = 8085;          ///< 0: any free port (port() tells which)
    std::string path_prefix = "/api/v10";  ///< the path bots use before the route, no trailing '/'
    std::string token;                  ///< the bot token every request must carry (required)
    std::size_t body_max = 26 * 1024 * 1024;  ///< request bodies up to this (uploads: 25 MiB, REFERENCE.md §2.4)
    std::size_t connections_max = 1024;       ///< open connections at once; more are closed at accept
    std::chrono::seconds read_timeout{30};    ///< a whole request must arrive within this
    log_fn log;  ///< records of component "proxy": refusals, failures
};

/// Counters of a proxy's lifetime.
struct rest_proxy_stats {
    std::uint64_t requests = 0;   ///< requests read from bots
    std::uint64_t forwarded = 0;  ///< answered by Discord (any status)
    std::uint64_t refused = 0;    ///< answered by the proxy itself (401, 404, 405, 413, 502, 503)
};

/// The REST proxy's listener. Construct, start(), and keep the io_context running.
class rest_proxy {
public:
    /// Binds at once. Throws std::invalid_argument for an empty token or a bad prefix, and
    /// boost::system::system_error when the address cannot be bound. `upstream` must outlive it.
    rest_proxy(boost::asio::io_context& io, rest_client& upstream, rest_proxy_options options);
    ~rest_proxy();
    rest_proxy(const rest_proxy&) = delete;
    rest_proxy& operator=(const rest_proxy&) = delete;

    /// Starts accepting connections.
    void start();
    /// Stops accepting; open connections end after their current request.
    void stop();
    /// The bound port.
    [[nodiscard]] std::uint16_t port() const;
    /// Counters so far.
    [[nodiscard]] rest_proxy_stats stats() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
