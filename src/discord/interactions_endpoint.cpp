// The Interactions Endpoint URL server (REFERENCE.md §3.8): HTTPS when given a certificate, else
// plain HTTP/1.1 behind a TLS-terminating reverse proxy. Signatures are checked on the raw body
// before anything is parsed.
#include <apexcore/discord/interactions_endpoint.hpp>

#include "detail/endpoint_request.hpp"
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
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <stdexcept>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
/// How long an exchange may wait for the handler: Discord's 3 s plus slack. The runtime defers
/// well before this, so it only trips when a handler never responds.
constexpr auto respond_limit = 3500ms;

http::response<http::string_body> reply(unsigned version, bool keep_alive, http::status status, const json& body) {
    http::response<http::string_body> res{status, version};
    res.set(http::field::server, "apexcore");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

http::response<http::string_body> reply(const http::request<http::string_body>& req, http::status status,
                                        const json& body) {
    return reply(req.version(), req.keep_alive(), status, body);
}

/// Pause after an accept error that says the process is out of file descriptors.
constexpr auto accept_backoff = 100ms;

}  // namespace

struct interactions_endpoint::impl : std::enable_shared_from_this<impl> {
    using executor_type = net::strand<net::io_context::executor_type>;

    impl(net::io_context& io_context, endpoint_options opts, interaction_fn handler, log_fn l)
        : io(io_context), strand(net::make_strand(io_context)), options(std::move(opts)),
          verifier(options.public_key_hex), on_interaction(std::move(handler)), log(std::move(l)), acceptor(strand),
          backoff(strand) {
        if (!options.tls_certificate_file.empty() || !options.tls_private_key_file.empty()) {
            if (options.tls_certificate_file.empty() || options.tls_private_key_file.empty()) {
                throw std::invalid_argument("HTTPS needs both a certificate file and a private key file");
            }
            tls.emplace(net::ssl::context::tls_server);
            tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                             net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
            boost::system::error_code ec;
            tls->use_certificate_chain_file(options.tls_certificate_file, ec);
            if (ec) throw std::invalid_argument("cannot load certificate '" + options.tls_certificate_file + "': " + ec.message());
            tls->use_private_key_file(options.tls_private_key_file, net::ssl::context::pem, ec);
            if (ec) throw std::invalid_argument("cannot load private key '" + options.tls_private_key_file + "': " + ec.message());
        }
        if (options.connections_max < 1) throw std::invalid_argument("connections_max must be at least 1");
        const tcp::endpoint ep(net::ip::make_address(options.address), options.port);
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen();
        bound_port = acceptor.local_endpoint().port();
    }

    net::io_context& io;
    executor_type strand;  ///< the acceptor's strand; each connection has its own
    endpoint_options options;
    signature_verifier verifier;
    interaction_fn on_interaction;
    log_fn log;
    tcp::acceptor acceptor;
    net::steady_timer backoff;
    std::optional<net::ssl::context> tls;
    std::atomic<std::size_t> connections{0};
    std::atomic<bool> stopped{false};
    std::uint16_t bound_port = 0;
    std::uint64_t refused = 0;      ///< connections closed at the cap (accept strand)
    std::uint64_t accept_errors = 0;

    void say(ports::log_level level, const std::string& line) const { ports::emit(log, level, "endpoint", line); }

    /// Counts a connection while it lives.
    struct connection_slot {
        explicit connection_slot(std::shared_ptr<impl> owner) : self(std::move(owner)) { ++self->connections; }
        ~connection_slot() { --self->connections; }
        connection_slot(const connection_slot&) = delete;
        connection_slot& operator=(const connection_slot&) = delete;
        std::shared_ptr<impl> self;
    };

    void start_accepting() {
        net::co_spawn(strand, accept(),
                      detail::supervised(log, "interactions endpoint accept loop", [weak = weak_from_this()](const std::string&) {
                          auto self = weak.lock();
                          if (!self || self->stopped) return;
                          // Restart after a pause so a persistent failure cannot spin.
                          self->backoff.expires_after(accept_backoff);
                          self->backoff.async_wait([self](boost::system::error_code ec) {
                              if (ec || self->stopped) return;
                              self->say(ports::log_level::warning, "interactions endpoint: restarting the accept loop");
                              self->start_accepting();
                          });
                      }));
    }

    net::awaitable<void> accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), use_tuple);
            if (stopped || ec == net::error::operation_aborted) co_return;
            detail::fault_point(options.inject_fault, "endpoint.accept");
            if (ec) {
                // Never stop accepting: log (the first few, then every 1000th) and go on.
                if (++accept_errors <= 5 || accept_errors % 1000 == 0) {
                    say(ports::log_level::warning, "interactions endpoint: accept failed (" + ec.message() + "); still accepting");
                }
                if (ec == net::error::no_descriptors || ec.value() == ENFILE || ec == net::error::no_buffer_space ||
                    ec == net::error::no_memory) {
                    backoff.expires_after(accept_backoff);
                    co_await backoff.async_wait(use_tuple);
                }
                continue;
            }
            if (connections.load() >= options.connections_max) {
                if (++refused <= 5 || refused % 1000 == 0) {
                    say(ports::log_level::warning, "interactions endpoint: " + std::to_string(options.connections_max) +
                        " connections open; closing a new one (" + std::to_string(refused) + " so far)");
                }
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto slot = std::make_shared<connection_slot>(shared_from_this());
            auto ex = socket.get_executor();
            auto done = detail::supervised(log, "interactions endpoint connection", [slot](const std::string&) {});
            if (tls) {
                net::co_spawn(ex, session_tls(beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls), slot), done);
            } else {
                net::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), slot), done);
            }
        }
    }

    net::awaitable<void> session_tls(beast::ssl_stream<beast::tcp_stream> stream, std::shared_ptr<connection_slot>) {
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
        if (hec) co_return;
        co_await serve(stream);
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await stream.async_shutdown(use_tuple);
    }

    net::awaitable<void> session(beast::tcp_stream stream, std::shared_ptr<connection_slot>) {
        co_await serve(stream);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    /// Request/response loop over an HTTP or HTTPS stream, with keep-alive.
    template <class Stream>
    net::awaitable<void> serve(Stream& stream) {
        detail::fault_point(options.inject_fault, "endpoint.session");
        beast::flat_buffer buffer(options.header_limit + 4096);
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
            parser.body_limit(options.body_limit);
            // The whole request must arrive within read_timeout (slow clients are cut off).
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)rn;
            if (rec == http::error::header_limit || rec == http::error::body_limit) {
                const bool header = rec == http::error::header_limit;
                const auto status = header ? http::status::request_header_fields_too_large : http::status::payload_too_large;
                say(ports::log_level::warning, std::string("interactions endpoint: ") + (header ? "431: headers" : "413: body") + " over the limit");
                auto res = reply(11, false, status, {{"error", header ? "request headers too large" : "request body too large"}});
                beast::get_lowest_layer(stream).expires_after(options.read_timeout);
                co_await http::async_write(stream, res, use_tuple);
                co_return;
            }
            if (rec) co_return;
            const auto req = parser.release();
            auto res = co_await handle(req);
            beast::get_lowest_layer(stream).expires_after(30s);
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !res.keep_alive()) co_return;
        }
    }

    net::awaitable<http::response<http::string_body>> handle(const http::request<http::string_body>& req) {
        auto decision = detail::decide_endpoint_request(options.path, req.target(), req.method_string(),
                                                        req["X-Signature-Ed25519"], req["X-Signature-Timestamp"],
                                                        req.body(), verifier, std::chrono::system_clock::now(), log);
        if (auto* now = std::get_if<detail::endpoint_reply>(&decision)) {
            co_return reply(req, static_cast<http::status>(now->status), now->body);
        }
        auto& envelope = std::get<interaction_envelope>(decision);
        // Wait for respond(), which may come from any thread: it is posted to this connection's strand.
        auto ex = co_await net::this_coro::executor;
        auto answer = std::make_shared<std::optional<json>>();
        auto signal = std::make_shared<net::steady_timer>(ex, respond_limit);
        detail::contain(log, "interactions endpoint handler", [&] {
            on_interaction(std::move(envelope), [answer, signal, ex](json response) {
                net::post(ex, [answer, signal, response = std::move(response)]() mutable {
                    if (answer->has_value()) return;
                    *answer = std::move(response);
                    signal->cancel();
                });
            });
        });
        if (!answer->has_value()) co_await signal->async_wait(use_tuple);
        if (!answer->has_value()) {
            say(ports::log_level::error, "interactions endpoint: the handler did not respond in time");
            co_return reply(req, http::status::internal_server_error, {{"error", "no response"}});
        }
        co_return reply(req, http::status::ok, **answer);
    }
};

interactions_endpoint::interactions_endpoint(net::io_context& io, endpoint_options options, interaction_fn on_interaction,
                                             log_fn log)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_interaction), std::move(log))) {}

interactions_endpoint::~interactions_endpoint() { stop(); }

void interactions_endpoint::start() {
    net::post(impl_->strand, [self = impl_] { self->start_accepting(); });
}

void interactions_endpoint::stop() {
    if (impl_->stopped.exchange(true)) return;
    net::post(impl_->strand, [self = impl_] {
        boost::system::error_code ignored;
        self->acceptor.close(ignored);
        self->backoff.cancel();
    });
}

std::uint16_t interactions_endpoint::port() const { return impl_->bound_port; }

}  // namespace apexcore::discord
