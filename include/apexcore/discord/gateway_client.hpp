#pragma once
/// @file gateway_client.hpp
/// One Discord Gateway session over a TLS WebSocket (REFERENCE.md §1):
/// `GET /gateway/bot` -> connect `<url>/?v=10&encoding=json` -> HELLO -> heartbeats (first after
/// interval x jitter, then every interval; op 1 from the server answered at once) -> IDENTIFY
/// with intents -> READY -> dispatches. Heartbeat ACKs are tracked: a beat without an ACK since
/// the previous one marks a zombie connection, which is closed with code 4000 and resumed on
/// `resume_gateway_url` (RESUME with `seq`). op 7 reconnects and resumes; op 9 resumes (d=true)
/// or identifies again after 1-5 s (d=false). Close codes 4004, 4010-4014 are fatal and never
/// retried; everything else reconnects with capped, jittered backoff. All frames go through one
/// writer queue.

#include <apexcore/discord/model.hpp>
#include <apexcore/discord/rest_client.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace apexcore::discord {

/// How to open the session.
struct gateway_options {
    std::string token;                       ///< bot token (bare, as IDENTIFY wants it)
    std::uint32_t intents = intent_guilds;   ///< REFERENCE.md §1.8
    std::string ca_file;                     ///< PEM to trust instead of the system store (sandbox)
    std::string library = "apexcore";        ///< IDENTIFY properties.browser / device
    /// A wss:// URL to use instead of the one `GET /gateway/bot` returns (e.g. a proxy); empty =
    /// ask Discord, as REFERENCE.md §1.1 recommends.
    std::string gateway_url;
};

/// What the session reports. All run on the io_context thread.
struct gateway_handlers {
    /// Every dispatch (op 0) with its event name and data, READY and RESUMED included.
    std::function<void(std::string_view event, const json& d)> on_dispatch;
    /// A fatal condition the session will not retry (bad token, disallowed intents, ...).
    std::function<void(std::string_view reason)> on_fatal;
    /// One human-readable line per lifecycle event (connect, resume, close codes).
    std::function<void(std::string_view line)> log;
};

/// The gateway session. Use from the io_context's thread.
class gateway_client {
public:
    /// `rest` is used for GET /gateway/bot and must outlive the client.
    gateway_client(boost::asio::io_context& io, rest_client& rest, gateway_options options, gateway_handlers handlers);
    ~gateway_client();
    gateway_client(const gateway_client&) = delete;
    gateway_client& operator=(const gateway_client&) = delete;

    /// Discovers the gateway URL and connects; returns at once.
    void start();
    /// Closes the connection (code 1000: the session ends) and stops reconnecting.
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
