#pragma once
/// @file discord_runtime.hpp
/// Runs a neutral interaction handler (e.g. bot::shop_bot::handle) on Discord: one gateway
/// session plus the REST client. On the first READY it bulk-overwrites the guild's commands
/// (`PUT /applications/{app}/guilds/{guild}/commands`); each INTERACTION_CREATE is mapped to
/// ports::interaction, handled on a worker thread, and answered with
/// `POST /interactions/{id}/{token}/callback` (REFERENCE.md §2.5, §3.5).
///
/// Deadline: Discord invalidates an interaction not answered within 3 s. If the answer has not
/// been *delivered* (Discord acknowledged the callback) `defer_after` after the interaction
/// arrived, the runtime acknowledges with a deferred response (type 5 for commands, 6 for
/// components) — withdrawing the queued answer if it is not on the wire yet — and delivers the
/// handler's answer later by editing `@original` (`PATCH
/// /webhooks/{application}/{token}/messages/@original`, valid for 15 min). Callbacks carry the
/// 3 s deadline to the REST client, which never sends one after it.
///
/// User code: a handler that throws is logged with the interaction id and the member gets a
/// generic ephemeral error; it never reaches the worker pool (where it would std::terminate).
///
/// Thread-safety: thread-safe; the runtime's state lives on its own strand, so the io_context
/// may be run by several threads. Handlers run on the worker pool (`handler_threads`).
///
/// Duplicates: Discord may deliver an event more than once (REFERENCE.md "Consistency"); an
/// interaction id seen in the last `dedupe_capacity` interactions is ignored.

#include <apexcore/core/ids.hpp>
#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/gateway_client.hpp>
#include <apexcore/discord/interactions_endpoint.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/ports/chat.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <memory>
#include <string_view>
#include <vector>

namespace apexcore::discord {

/// Answers one interaction; should return within Discord's 3 s initial-response deadline
/// (REFERENCE.md §3.5; later answers go through the deferral). Runs on a worker thread; may
/// throw (the member then sees a generic error).
using interaction_handler = std::function<ports::interaction_response(const ports::interaction&)>;

/// Everything the runtime needs.
struct runtime_options {
    rest_options rest;  ///< for the REST client the runtime makes (unless `rest_client` is given)
    /// A REST client to use instead of making one from `rest`: the one an outbound port
    /// (rest_chat_actions) built before the runtime already uses, so that the bot's answers and
    /// its other calls share one pool and one rate limiter (buckets, global limit). It must have
    /// been made on the runtime's io_context; stop() stops it.
    std::shared_ptr<discord::rest_client> rest_client;
    gateway_options gateway;
    core::guild_id guild;                        ///< where commands are registered
    std::vector<ports::command_spec> commands;   ///< registered on the first READY
    /// Defer when the handler takes longer than this (Discord's deadline is 3 s). Zero defers
    /// every interaction before handling it.
    std::chrono::milliseconds defer_after{2000};
    bool defer_ephemeral = true;                 ///< deferred command answers are ephemeral
    std::size_t handler_threads = 2;             ///< worker threads running the handler
    std::size_t dedupe_capacity = 10000;         ///< recent interaction ids remembered
    bool use_gateway = true;                     ///< receive interactions over the gateway
    /// Also (or only, with use_gateway = false) receive interactions at an Interactions Endpoint
    /// URL (HTTP mode, REFERENCE.md §3.8). Without the gateway, the application id for command
    /// registration comes from GET /applications/@me.
    std::optional<endpoint_options> http;
    fault_hook inject_fault;  ///< tests only (supervision.hpp); passed to the REST and gateway clients
    /// The guild state cache the runtime keeps from gateway dispatches (cache/guild_cache.hpp);
    /// empty = the runtime creates one (see discord_runtime::cache()).
    std::shared_ptr<cache::guild_cache> cache;
    /// Called once `guild`'s GUILD_CREATE has been applied to the cache (at start, and again after
    /// every reconnect that re-sends it), with the bot's user id from READY: the moment to check
    /// that the bot holds what its features need (guild_cache::missing). Runs on the worker pool;
    /// may throw (logged).
    std::function<void(const cache::guild_cache&, core::user_id bot)> on_guild_ready;
    /// Called for each MESSAGE_CREATE (needs the GUILD_MESSAGES intent, 1 << 9, in
    /// gateway.intents; the content is not read), on the worker pool, at most once per message
    /// id among the last `dedupe_capacity`. May throw (logged). Empty: messages are ignored.
    std::function<void(const ports::channel_message&)> on_message;
    /// Where the runtime, its REST client and its gateway record metrics (ports/metrics.hpp:
    /// interactions, handler and response latency, REST requests and 429s, gateway connects,
    /// ready shards); nullptr: none. Given to `rest` and `gateway` unless they name their own.
    /// Must outlive the runtime.
    ports::metrics* metrics = nullptr;
};

/// What /healthz reports about the Discord side.
struct runtime_health {
    bool gateway = false;        ///< the gateway is in use (false in HTTP-only mode)
    int shards_ready = 0;        ///< shards with a live session (READY or RESUMED, not closed since)
    int shards_total = 0;        ///< shards this process runs (0 until GET /gateway/bot answered)
    bool endpoint = false;       ///< the Interactions Endpoint is listening
};

/// Gateway + REST + handler wiring. Thread-safe (see the file comment).
class discord_runtime {
public:
    /// Throws std::invalid_argument for malformed options (URL, empty token). `log` gets one record
    /// per notable event (supervision.hpp lists the components); `on_fatal` is called once when the bot cannot go on (bad token,
    /// disallowed intents, a component that cannot restart): the caller should exit with code 1.
    discord_runtime(boost::asio::io_context& io, runtime_options options, interaction_handler handler,
                    log_fn log, std::function<void(std::string_view)> on_fatal);
    ~discord_runtime();

    /// Connects; returns at once.
    void start();
    /// Closes the gateway and the endpoint, and drops queued REST requests.
    void stop();
    /// The state of the gateway shards and the endpoint now. Thread-safe.
    [[nodiscard]] runtime_health health() const;
    /// The HTTP endpoint's bound port (0 when HTTP mode is off).
    [[nodiscard]] std::uint16_t http_port() const;
    /// The guild state cache (thread-safe; filled once the gateway is connected).
    [[nodiscard]] std::shared_ptr<cache::guild_cache> cache() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
