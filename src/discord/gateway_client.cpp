// The gateway driver: TLS WebSocket I/O around one gateway::session_machine per shard, which
// decides everything (heartbeats, resume, backoff, close codes, send budget). Per connection, one
// coroutine reads and one writer coroutine owns all writes, closes included (Beast allows one
// write in flight).
#include <apexcore/discord/gateway/session_machine.hpp>
#include <apexcore/discord/gateway/sharding.hpp>
#include <apexcore/discord/gateway_client.hpp>
#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/tls.hpp>

#include "detail/connect_errors.hpp"
#include "detail/supervise.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
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

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t inbound_message_max = 16 * 1024 * 1024;

using ws_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
using executor_type = net::strand<net::io_context::executor_type>;

/// One WebSocket connection: the stream and its single writer's queue.
struct connection_state {
    connection_state(const executor_type& ex, ssl::context& tls) : ws(ex, tls), wake(ex) {}
    ws_stream ws;
    std::deque<std::string> outbox;
    net::steady_timer wake;
    bool open = true;
    std::uint16_t requested_close = 0;

    void send(std::string frame) {
        outbox.push_back(std::move(frame));
        wake.cancel();
    }
    void close_with(std::uint16_t code) {
        if (requested_close == 0) requested_close = code;
        wake.cancel();
    }
    void shutdown() {
        open = false;
        wake.cancel();
    }
};

/// One shard: its session machine, its connection and its timers.
struct shard_state {
    shard_state(const executor_type& ex, int shard_id, gateway::machine_options options)
        : id(shard_id), machine(std::move(options), std::random_device{}()), wakeup(ex), identify_wait(ex) {}
    int id;
    gateway::session_machine machine;
    std::shared_ptr<connection_state> current;
    net::steady_timer wakeup;
    net::steady_timer identify_wait;
    bool ready = false;  ///< READY or RESUMED received on the current connection
};

}  // namespace

struct gateway_client::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, rest_client& rest_client, gateway_options opts, gateway_handlers h)
        : io(io_context), strand(net::make_strand(io_context)), rest(rest_client), options(std::move(opts)),
          handlers(std::move(h)), tls(make_client_tls_context(options.ca_file)), discovery_retry(strand) {}

    net::io_context& io;
    executor_type strand;  ///< every member below is touched only on this strand
    rest_client& rest;
    gateway_options options;
    gateway_handlers handlers;
    ssl::context tls;
    net::steady_timer discovery_retry;
    std::vector<std::unique_ptr<shard_state>> shards;
    std::optional<gateway::identify_limiter> identify;
    int shard_total = 1;
    std::atomic<int> shards_running{0};  ///< shards of the plan this process runs
    std::atomic<int> shards_ready{0};    ///< of those, with a live session
    int discovery_failures = 0;
    bool stopped = false;

    static gateway::time_point now() { return std::chrono::steady_clock::now(); }

    /// A record of the "gateway" component.
    void log(const std::string& message, ports::log_level level = ports::log_level::info) const {
        ports::emit(handlers.log, level, "gateway", message);
    }
    std::string prefix(const shard_state& s) const {
        return shard_total > 1 ? "[shard " + std::to_string(s.id) + "/" + std::to_string(shard_total) + "] " : "";
    }

    void discover() {
        if (!options.gateway_url.empty()) {
            gateway::gateway_bot_info info;
            info.url = options.gateway_url;
            return begin(info);
        }
        rest.request(http_method::get, "/gateway/bot", std::nullopt,
                     [self = shared_from_this()](std::error_code ec, rest_response res) {
                         net::post(self->strand, [self, ec, res = std::move(res)]() mutable {
                             self->on_gateway_bot(ec, std::move(res));
                         });
                     });
    }

    void on_gateway_bot(std::error_code ec, rest_response res) {
        if (stopped) return;
        if (!ec && res.status == 401) return fail("GET /gateway/bot: 401 Unauthorized: the bot token is invalid");
        const auto info = ec || !res.ok() ? std::nullopt : gateway::parse_gateway_bot(res.body);
        if (!info) {
            const std::string why = ec ? ec.message()
                                       : "HTTP " + std::to_string(res.status) + (res.error ? " " + res.error->message : "");
            const auto delay = std::min<std::chrono::milliseconds>(60s, 1s * (1 << std::min(discovery_failures++, 6)));
            log("GET /gateway/bot failed (" + why + "); retrying in " + std::to_string(delay.count()) + " ms", ports::log_level::warning);
            discovery_retry.expires_after(delay);
            discovery_retry.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
                if (!wait_ec && !self->stopped) self->discover();
            });
            return;
        }
        begin(*info);
    }

    void begin(const gateway::gateway_bot_info& info) {
        const auto planned = gateway::plan_shards(info, options.shard_count, options.shard_ids);
        if (const auto* error = std::get_if<std::string>(&planned)) return fail(*error);
        const auto& plan = std::get<gateway::shard_plan>(planned);
        shard_total = plan.total;
        shards_running = static_cast<int>(plan.ids.size());
        identify.emplace(plan.max_concurrency, options.identify_window);
        if (plan.total > 1 || !options.shard_ids.empty()) {
            log("running " + std::to_string(plan.ids.size()) + " of " + std::to_string(plan.total) +
                " shards (max_concurrency " + std::to_string(plan.max_concurrency) + ")");
        }
        for (int id : plan.ids) {
            gateway::machine_options m;
            m.token = options.token;
            m.intents = options.intents;
            m.library = options.library;
            if (plan.total > 1) m.shard = std::pair{id, plan.total};
            shards.push_back(std::make_unique<shard_state>(strand, id, std::move(m)));
        }
        for (auto& s : shards) {
            s->machine.start(info.url, now());
            pump(*s);
        }
    }

    void fail(const std::string& reason) {
        stopped = true;
        log("fatal: " + reason, ports::log_level::error);
        for (auto& s : shards) {
            s->wakeup.cancel();
            s->identify_wait.cancel();
            if (s->current) s->current->close_with(1000);
        }
        detail::contain(handlers.log, "gateway on_fatal", [&] {
            if (handlers.on_fatal) handlers.on_fatal(reason);
        });
    }

    /// Executes what a shard's machine asked for and re-arms its timer.
    void pump(shard_state& s) {
        for (auto& a : s.machine.take_actions()) {
            std::visit([this, &s](auto& act) { execute(s, act); }, a);
            if (stopped) return;
        }
        if (const auto at = s.machine.next_wakeup()) {
            s.wakeup.expires_at(*at);
            s.wakeup.async_wait([self = shared_from_this(), &s](boost::system::error_code ec) {
                if (ec || self->stopped) return;
                s.machine.on_timer(now());
                self->pump(s);
            });
        } else {
            s.wakeup.cancel();
        }
    }

    /// Starts a shard's connection; the completion handler is the shard's supervisor: whatever
    /// escapes the reader is logged and the shard reconnects through its session machine.
    void spawn_connection(shard_state& s, std::string url, bool resuming) {
        net::co_spawn(strand, connect_and_read(s, std::move(url), resuming),
                      detail::supervised(handlers.log, "gateway " + prefix(s) + "reader",
                                         [self = shared_from_this(), &s](const std::string&) {
                                             self->on_reader_failed(s);
                                         }));
    }

    void on_reader_failed(shard_state& s) {
        if (s.current) {
            s.current->shutdown();
            beast::get_lowest_layer(s.current->ws).close();
            s.current.reset();
        }
        if (stopped) return;
        log(prefix(s) + "reconnecting after the failure", ports::log_level::warning);
        // The machine is connecting (connect failed) or open: either way it is now closed.
        closed(s, std::nullopt);
    }

    /// The shard's connection is gone (`code`: the server's close code, if it sent one): it has no
    /// live session any more, and its machine decides what comes next.
    void closed(shard_state& s, std::optional<std::uint16_t> code) {
        set_ready(s, false);
        s.machine.on_closed(code, now());
        pump(s);
    }

    /// Marks a shard live (READY / RESUMED) or not (its connection closed), for shards() and
    /// the apexcore_gateway_shards_ready gauge.
    void set_ready(shard_state& s, bool ready) {
        if (s.ready == ready) return;
        s.ready = ready;
        const int now_ready = ready ? ++shards_ready : --shards_ready;
        if (options.metrics != nullptr) options.metrics->set("apexcore_gateway_shards_ready", {}, now_ready);
    }

    void execute(shard_state& s, gateway::connect_action& a) {
        if (options.metrics != nullptr) options.metrics->count("apexcore_gateway_connects_total", {{"cause", a.cause}});
        if (a.resume) {
            spawn_connection(s, a.url, true);
            return;
        }
        // A new session needs an IDENTIFY slot (one per 5 s per rate-limit key, §1.12).
        const auto slot = identify->reserve(s.id, now());
        if (slot > now()) log(prefix(s) + "waiting for an identify slot");
        s.identify_wait.expires_at(slot);
        s.identify_wait.async_wait([self = shared_from_this(), &s, url = a.url](boost::system::error_code ec) {
            if (ec || self->stopped) return;
            self->spawn_connection(s, url, false);
        });
    }
    void execute(shard_state& s, gateway::send_action& a) {
        if (s.current) s.current->send(std::move(a.frame));
    }
    void execute(shard_state& s, gateway::close_action& a) {
        if (s.current) s.current->close_with(a.code);
    }
    void execute(shard_state& s, gateway::dispatch_action& a) {
        if (a.event == "READY" || a.event == "RESUMED") set_ready(s, true);
        detail::contain(handlers.log, "gateway " + prefix(s) + a.event + " handler", [&] {
            detail::fault_point(options.inject_fault, "gateway.dispatch");
            if (handlers.on_dispatch) handlers.on_dispatch(a.event, a.data);
        });
    }
    void execute(shard_state& s, gateway::fatal_action& a) { fail(prefix(s) + a.reason); }
    void execute(shard_state& s, gateway::log_action& a) {
        log(prefix(s) + a.line, a.level);
    }

    net::awaitable<void> connect_and_read(shard_state& s, std::string url_text, bool resuming) {
        auto self = shared_from_this();
        std::string error;
        const auto url = parse_endpoint_url(url_text, error);
        if (!url) {
            fail("gateway URL: " + error);
            co_return;
        }
        auto conn = std::make_shared<connection_state>(strand, tls);
        try {
            auto& ws = conn->ws;
            if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), url->host.c_str())) {
                throw boost::system::system_error(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
            }
            ws.next_layer().set_verify_callback(ssl::host_name_verification(url->host));
            tcp::resolver resolver(strand);
            const auto endpoints = co_await resolver.async_resolve(url->host, url->port, net::use_awaitable);
            beast::get_lowest_layer(ws).expires_after(30s);
            co_await beast::get_lowest_layer(ws).async_connect(endpoints, net::use_awaitable);
            beast::get_lowest_layer(ws).expires_after(30s);
            co_await ws.next_layer().async_handshake(ssl::stream_base::client, net::use_awaitable);
            beast::get_lowest_layer(ws).expires_never();
            // No idle timeout: missed heartbeat ACKs are the liveness check. A close handshake the
            // peer never answers (a zombie) gives up after 10 s.
            ws.set_option(websocket::stream_base::timeout{10s, websocket::stream_base::none(), false});
            ws.read_message_max(inbound_message_max);
            ws.set_option(websocket::stream_base::decorator([lib = options.library](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, default_user_agent() + " " + lib);
            }));
            const std::string target = (url->path.empty() ? "/" : url->path) + (url->query.empty() ? "" : "?" + url->query);
            co_await ws.async_handshake(url->host + ":" + url->port, target, net::use_awaitable);
        } catch (const std::exception& e) {
            if (stopped) co_return;
            // A network error says it in its own words (no source location) and, after a TLS
            // handshake, names the certificate problem and the setting that decides it.
            const auto* network = dynamic_cast<const boost::system::system_error*>(&e);
            log(prefix(s) + (network != nullptr ? detail::describe_connect_error(network->code(), "connecting to",
                                                                                url->host + ":" + url->port,
                                                                                conn->ws.next_layer().native_handle(), options.ca_file)
                                                : "cannot connect to " + url->host + ":" + url->port + ": " + e.what()),
                ports::log_level::error);
            closed(s, std::nullopt);
            co_return;
        }
        if (stopped) co_return;
        log(prefix(s) + "connected to " + url->host + ":" + url->port + (resuming ? " (resuming)" : ""));
        s.current = conn;
        net::co_spawn(strand, writer(conn),
                      detail::supervised(handlers.log, "gateway " + prefix(s) + "writer", [conn](const std::string&) {
                          // The reader sees the closed socket and reconnects through the machine.
                          conn->shutdown();
                          beast::error_code ignored;
                          beast::get_lowest_layer(conn->ws).socket().close(ignored);
                      }));
        s.machine.on_open(now());
        pump(s);

        beast::flat_buffer buffer;
        std::optional<std::uint16_t> close_code;
        for (;;) {
            buffer.clear();
            auto [ec, n] = co_await conn->ws.async_read(buffer, use_tuple);
            (void)n;
            detail::fault_point(options.inject_fault, "gateway.read");
            if (ec) {
                if (conn->ws.reason().code != 0) close_code = static_cast<std::uint16_t>(conn->ws.reason().code);
                break;
            }
            s.machine.on_text(beast::buffers_to_string(buffer.data()), now());
            pump(s);
            if (stopped) break;
        }
        conn->shutdown();
        if (s.current == conn) s.current.reset();
        if (stopped) co_return;
        closed(s, close_code);
    }

    net::awaitable<void> writer(std::shared_ptr<connection_state> conn) {
        while (conn->open) {
            if (!conn->outbox.empty()) {
                const std::string frame = std::move(conn->outbox.front());
                conn->outbox.pop_front();
                conn->ws.text(true);
                detail::fault_point(options.inject_fault, "gateway.write");
                auto [ec, n] = co_await conn->ws.async_write(net::buffer(frame), use_tuple);
                (void)n;
                if (ec) break;
                continue;
            }
            if (conn->requested_close != 0) {
                auto [ec] = co_await conn->ws.async_close(websocket::close_reason(conn->requested_close), use_tuple);
                if (ec) beast::get_lowest_layer(conn->ws).close();
                break;
            }
            conn->wake.expires_at(net::steady_timer::time_point::max());
            auto [ec] = co_await conn->wake.async_wait(use_tuple);
            (void)ec;
        }
    }
};

gateway_client::gateway_client(net::io_context& io, rest_client& rest, gateway_options options,
                               gateway_handlers handlers)
    : impl_(std::make_shared<impl>(io, rest, std::move(options), std::move(handlers))) {}

gateway_client::~gateway_client() { stop(); }

void gateway_client::start() {
    net::post(impl_->strand, [self = impl_] { self->discover(); });
}

gateway_client::shard_counts gateway_client::shards() const {
    return {impl_->shards_ready.load(), impl_->shards_running.load()};
}

void gateway_client::stop() {
    if (!impl_) return;
    net::post(impl_->strand, [self = impl_] {
        if (self->stopped) return;
        for (auto& s : self->shards) {
            s->machine.stop(impl::now());
            self->pump(*s);
        }
        self->stopped = true;
        self->discovery_retry.cancel();
        for (auto& s : self->shards) {
            s->wakeup.cancel();
            s->identify_wait.cancel();
        }
    });
}

}  // namespace apexcore::discord
