#pragma once
// apexcore-sandbox's network side: a Discord-compatible HTTPS API + TLS WebSocket gateway on one
// loopback port, and a plain-HTTP control API on another (see docs/sandbox.md).
#include "certificate.hpp"
#include "world.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace apexcore::sandbox {

struct server_options {
    std::string host = "127.0.0.1";      ///< loopback only
    std::uint16_t port = 0;              ///< API + gateway (TLS); 0 = any free port
    std::uint16_t control_port = 0;      ///< control API (plain HTTP); 0 = any free port
    std::string token = "sandbox-token"; ///< the bot token the sandbox accepts
    int heartbeat_interval_ms = 41250;   ///< sent in HELLO
    int text_channels = 25;              ///< text channels in the guild (#shop, #channel-1, ...)
    int route_limit = 5;                 ///< requests per rate-limit bucket window
    std::chrono::milliseconds route_window{1000};  ///< bucket window
    int global_per_second = 50;          ///< Discord's global limit
    int shards = 1;                      ///< recommended (and required) shard count
    int max_concurrency = 1;             ///< identify concurrency (REFERENCE.md §1.12)
    int session_starts = 1000;           ///< session starts left today (GET /gateway/bot)
    /// A session whose connection has been gone longer than this can no longer be resumed: RESUME
    /// gets op 9 `false` and the client must IDENTIFY again (Discord keeps sessions only briefly).
    std::chrono::milliseconds session_ttl{120000};
};

class sandbox_server {
public:
    sandbox_server(boost::asio::io_context& io, server_options options, const tls_identity& identity);
    ~sandbox_server();
    /// Starts accepting; returns at once.
    void start();
    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] std::uint16_t control_port() const;
    [[nodiscard]] std::string api_base() const;
    [[nodiscard]] std::string gateway_url() const;
    [[nodiscard]] std::string control_url() const;
    [[nodiscard]] const world& state() const;
    /// The application's Ed25519 public key (hex) for HTTP interactions.
    [[nodiscard]] std::string public_key_hex() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::sandbox
