#include <apexcore/discord/gateway_client.hpp>
#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/tls.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <deque>
#include <random>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t outbound_payload_max = 4096;  // REFERENCE.md §1.3
constexpr std::size_t inbound_message_max = 16 * 1024 * 1024;

/// Close codes after which reconnecting cannot help (REFERENCE.md §1.11).
bool is_fatal_close(std::uint16_t code) {
    return code == 4004 || code == 4010 || code == 4011 || code == 4012 || code == 4013 || code == 4014;
}

std::string_view describe_fatal(std::uint16_t code) {
    switch (code) {
        case 4004: return "authentication failed: the bot token is invalid (check DISCORD_TOKEN)";
        case 4010: return "invalid shard";
        case 4011: return "sharding required: the bot is in too many guilds for one shard";
        case 4012: return "invalid API version";
        case 4013: return "invalid intents bitfield";
        case 4014: return "disallowed intents: enable the privileged intents in the Developer Portal";
        default: return "fatal gateway close";
    }
}

using ws_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

/// State of one WebSocket connection; shared by the reader, writer and heartbeat coroutines.
struct connection_state {
    explicit connection_state(net::io_context& io, ssl::context& tls) : ws(io, tls), wake(io), heartbeat(io) {}
    ws_stream ws;
    std::deque<std::string> outbox;
    net::steady_timer wake;
    net::steady_timer heartbeat;
    bool open = true;
    bool ack_received = true;
    std::uint16_t requested_close = 0;  ///< set by close_with; performed by the writer

    void send(std::string frame) {
        outbox.push_back(std::move(frame));
        wake.cancel();
    }
    /// Asks the single writer to close with `code` once the frame in flight is written; a
    /// WebSocket close is a write and must not overlap another (Beast websocket::stream).
    void close_with(std::uint16_t code) {
        if (requested_close == 0) requested_close = code;
        wake.cancel();
    }
    void shutdown() {
        open = false;
        wake.cancel();
        heartbeat.cancel();
    }
};

}  // namespace

struct gateway_client::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, rest_client& rest_client, gateway_options opts, gateway_handlers h)
        : io(io_context), rest(rest_client), options(std::move(opts)), handlers(std::move(h)),
          tls(make_client_tls_context(options.ca_file)), backoff_timer(io_context), rng(std::random_device{}()) {}

    net::io_context& io;
    rest_client& rest;
    gateway_options options;
    gateway_handlers handlers;
    ssl::context tls;
    net::steady_timer backoff_timer;
    std::mt19937_64 rng;
    std::shared_ptr<connection_state> current;

    std::string gateway_url;
    std::string session_id;
    std::string resume_url;
    std::optional<std::int64_t> sequence;
    bool stopping = false;
    int failures = 0;

    void log(const std::string& line) const {
        if (handlers.log) handlers.log(line);
    }

    void fatal(const std::string& reason) {
        stopping = true;
        log("gateway: fatal: " + reason);
        if (handlers.on_fatal) handlers.on_fatal(reason);
    }

    void discover() {
        if (!options.gateway_url.empty()) {
            gateway_url = options.gateway_url;
            net::co_spawn(io, run(), net::detached);
            return;
        }
        rest.request(http_method::get, "/gateway/bot", std::nullopt,
                     [self = shared_from_this()](std::error_code ec, rest_response res) {
                         if (self->stopping) return;
                         if (ec) return self->retry_discovery("GET /gateway/bot failed: " + ec.message());
                         if (res.status == 401) return self->fatal("GET /gateway/bot: 401 Unauthorized: the bot token is invalid");
                         if (!res.ok()) {
                             return self->retry_discovery("GET /gateway/bot: HTTP " + std::to_string(res.status) +
                                                          (res.error ? " " + res.error->message : ""));
                         }
                         const json body = json::parse(res.body, nullptr, false);
                         if (body.is_discarded() || !body.is_object() || !body.contains("url") ||
                             !body["url"].is_string()) {
                             return self->retry_discovery("GET /gateway/bot: malformed body");
                         }
                         self->gateway_url = body["url"].get<std::string>();
                         net::co_spawn(self->io, self->run(), net::detached);
                     });
    }

    void retry_discovery(const std::string& why) {
        log("gateway: " + why);
        backoff_timer.expires_after(next_backoff());
        backoff_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !self->stopping) self->discover();
        });
    }

    std::chrono::milliseconds next_backoff() {
        // 1 s, 2 s, 4 s, ... capped at 60 s, each scaled by a random factor in [0.5, 1.0).
        const auto base = std::chrono::milliseconds(1000) * (1 << std::min(failures, 6));
        ++failures;
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        const auto capped = std::min<std::chrono::milliseconds>(base, 60s);
        return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(capped.count()) * jitter(rng)));
    }

    net::awaitable<void> run() {
        auto self = shared_from_this();
        while (!stopping) {
            const bool resuming = !session_id.empty() && sequence.has_value();
            const std::string& url = resuming && !resume_url.empty() ? resume_url : gateway_url;
            std::uint16_t close_code = 0;
            try {
                close_code = co_await session(url, resuming);
            } catch (const std::exception& e) {
                log(std::string("gateway: connection error: ") + e.what());
            }
            current.reset();
            if (stopping) break;
            if (is_fatal_close(close_code)) {
                fatal("closed with " + std::to_string(close_code) + ": " + std::string(describe_fatal(close_code)));
                break;
            }
            if (close_code == 4007 || close_code == 4009) {  // invalid seq / session timed out: identify anew
                session_id.clear();
                sequence.reset();
            }
            backoff_timer.expires_after(next_backoff());
            auto [ec] = co_await backoff_timer.async_wait(net::as_tuple(net::use_awaitable));
            (void)ec;
        }
    }

    /// One connection from TCP connect to close; returns the close code (0 when none).
    net::awaitable<std::uint16_t> session(const std::string& url_text, bool resuming) {
        std::string error;
        const auto url = parse_endpoint_url(url_text, error);
        if (!url) {
            fatal("gateway URL: " + error);
            co_return 0;
        }
        auto conn = std::make_shared<connection_state>(io, tls);
        current = conn;
        auto& ws = conn->ws;
        if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), url->host.c_str())) {
            throw boost::system::system_error(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
        }
        ws.next_layer().set_verify_callback(ssl::host_name_verification(url->host));
        tcp::resolver resolver(io);
        const auto endpoints = co_await resolver.async_resolve(url->host, url->port, net::use_awaitable);
        beast::get_lowest_layer(ws).expires_after(30s);
        co_await beast::get_lowest_layer(ws).async_connect(endpoints, net::use_awaitable);
        beast::get_lowest_layer(ws).expires_after(30s);
        co_await ws.next_layer().async_handshake(ssl::stream_base::client, net::use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws.read_message_max(inbound_message_max);
        ws.set_option(websocket::stream_base::decorator([ua = options.library](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, "DiscordBot (https://example.com/apexcore, 0.1.0) " + ua);
        }));
        const std::string path = (url->path.empty() ? "/" : url->path) + "?v=10&encoding=json";
        co_await ws.async_handshake(url->host + ":" + url->port, path, net::use_awaitable);
        log(std::string("gateway: connected to ") + url->host + ":" + url->port + (resuming ? " (resuming)" : ""));

        net::co_spawn(io, writer(conn), net::detached);
        const std::uint16_t code = co_await reader(conn, resuming);
        conn->shutdown();
        co_return code;
    }

    net::awaitable<void> writer(std::shared_ptr<connection_state> conn) {
        while (conn->open) {
            if (conn->requested_close != 0) {
                auto [cec] = co_await conn->ws.async_close(websocket::close_reason(conn->requested_close),
                                                           net::as_tuple(net::use_awaitable));
                (void)cec;
                conn->shutdown();
                break;
            }
            if (conn->outbox.empty()) {
                conn->wake.expires_at(net::steady_timer::time_point::max());
                auto [ec] = co_await conn->wake.async_wait(net::as_tuple(net::use_awaitable));
                (void)ec;
                continue;
            }
            std::string frame = std::move(conn->outbox.front());
            conn->outbox.pop_front();
            if (frame.size() > outbound_payload_max) {
                log("gateway: refusing to send a " + std::to_string(frame.size()) + "-byte payload (limit 4096)");
                continue;
            }
            conn->ws.text(true);
            auto [ec, n] = co_await conn->ws.async_write(net::buffer(frame), net::as_tuple(net::use_awaitable));
            (void)n;
            if (ec) {
                conn->shutdown();
                break;
            }
        }
    }

    net::awaitable<void> heartbeat(std::shared_ptr<connection_state> conn, std::chrono::milliseconds interval) {
        std::uniform_real_distribution<double> jitter(0.0, 1.0);
        auto wait = std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(interval.count()) * jitter(rng)));
        while (conn->open) {
            conn->heartbeat.expires_after(wait);
            auto [ec] = co_await conn->heartbeat.async_wait(net::as_tuple(net::use_awaitable));
            if (ec || !conn->open) break;
            if (!conn->ack_received) {
                log("gateway: no heartbeat ACK since the last beat: zombie connection, closing with 4000 to resume");
                conn->close_with(4000);
                break;
            }
            conn->ack_received = false;
            conn->send(make_heartbeat(sequence));
            wait = interval;
        }
    }

    net::awaitable<std::uint16_t> reader(std::shared_ptr<connection_state> conn, bool resuming) {
        beast::flat_buffer buffer;
        while (true) {
            buffer.clear();
            auto [ec, n] = co_await conn->ws.async_read(buffer, net::as_tuple(net::use_awaitable));
            (void)n;
            if (ec) {
                if (conn->requested_close != 0) co_return conn->requested_close;
                const auto code = static_cast<std::uint16_t>(conn->ws.reason().code);
                log("gateway: connection closed (" + ec.message() + (code != 0 ? ", code " + std::to_string(code) : "") +
                    (conn->ws.reason().reason.empty() ? "" : ", " + std::string(conn->ws.reason().reason.c_str())) + ")");
                co_return code;
            }
            const auto payload = parse_gateway_payload(beast::buffers_to_string(buffer.data()));
            if (!payload) {
                log("gateway: ignoring frame: " + payload.error().what);
                continue;
            }
            switch (static_cast<opcode>(payload->op)) {
                case opcode::hello: {
                    const auto interval = payload->d.is_object() ? payload->d.value("heartbeat_interval", 0) : 0;
                    if (interval <= 0) {
                        log("gateway: HELLO without heartbeat_interval");
                        co_return 0;
                    }
                    net::co_spawn(io, heartbeat(conn, std::chrono::milliseconds(interval)), net::detached);
                    if (resuming) conn->send(make_resume(options.token, session_id, *sequence));
                    else conn->send(make_identify(options.token, options.intents, options.library));
                    break;
                }
                case opcode::heartbeat: conn->send(make_heartbeat(sequence)); break;
                case opcode::heartbeat_ack: conn->ack_received = true; break;
                case opcode::reconnect:
                    log("gateway: op 7 RECONNECT: reconnecting to resume");
                    conn->close_with(4000);
                    break;
                case opcode::invalid_session: {
                    const bool resumable = payload->d.is_boolean() && payload->d.get<bool>();
                    log(std::string("gateway: op 9 INVALID_SESSION (resumable: ") + (resumable ? "yes" : "no") + ")");
                    if (!resumable) {
                        session_id.clear();
                        sequence.reset();
                        // Wait 1-5 s before identifying again (REFERENCE.md §1.10, advice).
                        std::uniform_int_distribution<int> ms(1000, 5000);
                        backoff_timer.expires_after(std::chrono::milliseconds(ms(rng)));
                        auto [wec] = co_await backoff_timer.async_wait(net::as_tuple(net::use_awaitable));
                        (void)wec;
                    }
                    conn->close_with(4000);
                    break;
                }
                case opcode::dispatch: on_dispatch(*payload); break;
                default: break;
            }
        }
    }

    void on_dispatch(const gateway_payload& p) {
        if (p.s) sequence = p.s;
        if (p.t == "READY") {
            const auto ready = parse_ready(p.d);
            if (!ready) {
                log("gateway: " + ready.error().what);
                return;
            }
            session_id = ready->session_id;
            resume_url = ready->resume_gateway_url;
            failures = 0;
            log("gateway: READY (session " + session_id + ")");
        } else if (p.t == "RESUMED") {
            failures = 0;
            log("gateway: RESUMED");
        }
        if (handlers.on_dispatch) handlers.on_dispatch(p.t, p.d);
    }
};

gateway_client::gateway_client(net::io_context& io, rest_client& rest, gateway_options options,
                               gateway_handlers handlers)
    : impl_(std::make_shared<impl>(io, rest, std::move(options), std::move(handlers))) {}

gateway_client::~gateway_client() { stop(); }

void gateway_client::start() {
    impl_->stopping = false;
    impl_->discover();
}

void gateway_client::stop() {
    if (!impl_ || impl_->stopping) return;
    impl_->stopping = true;
    impl_->backoff_timer.cancel();
    if (auto conn = impl_->current) conn->close_with(1000);  // intentional: ends the session
}

}  // namespace apexcore::discord
