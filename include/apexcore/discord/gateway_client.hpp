#pragma once
/// @file gateway_client.hpp
/// Discord Gateway sessions over TLS WebSockets (REFERENCE.md §1), one per shard this process
/// runs. `GET /gateway/bot` gives the URL, the recommended shard count and the session-start
/// budget; the client refuses to start when the budget cannot cover its shards (saying when it
/// resets), and spaces IDENTIFYs one per 5 s per rate-limit key (`shard_id % max_concurrency`).
/// Each shard's lifecycle — heartbeats, zombie detection, RESUME, op 7/9, close codes, backoff,
/// send budget — is decided by gateway::session_machine (see its header); this class does the
/// I/O: TLS, WebSocket, one writer per connection.

#include <apexcore/discord/model.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/supervision.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <vector>
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
    /// Total shard count; 0 = Discord's recommendation from GET /gateway/bot (§1.12).
    int shard_count = 0;
    /// Shards run by this process (for spreading shards over processes); empty = all.
    std::vector<int> shard_ids;
    /// Minimum spacing of IDENTIFYs sharing a rate-limit key (Discord: 5 s).
    std::chrono::milliseconds identify_window{5000};
    fault_hook inject_fault;  ///< tests only (supervision.hpp)
    /// apexcore_gateway_connects_total{cause} and apexcore_gateway_shards_ready
    /// (ports/metrics.hpp); nullptr: none. Must outlive the client.
    ports::metrics* metrics = nullptr;
};

/// What the session reports. All run on the client's strand; an exception thrown by one is
/// logged and contained (the shard keeps running).
struct gateway_handlers {
    /// Every dispatch (op 0) with its event name and data, READY and RESUMED included.
    std::function<void(std::string_view event, const json& d)> on_dispatch;
    /// A fatal condition the session will not retry (bad token, disallowed intents, ...).
    std::function<void(std::string_view reason)> on_fatal;
    /// One record per lifecycle event (connect, resume, close codes), component "gateway".
    log_fn log;
};

/// The gateway session. Thread-safe: start() and stop() may be called from any thread; all I/O
/// and state live on the client's strand. A shard whose reader or writer fails unexpectedly is
/// logged and reconnected through its session machine (resume when possible, with backoff).
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

    /// How many shards this client runs and how many have a live session (READY or RESUMED
    /// received, not closed since). Thread-safe.
    struct shard_counts {
        int ready = 0;
        int total = 0;  ///< 0 until the shard plan is known (after GET /gateway/bot)
    };
    [[nodiscard]] shard_counts shards() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
