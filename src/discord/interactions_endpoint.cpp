// The Interactions Endpoint URL server (REFERENCE.md §3.8): HTTPS when given a certificate, else
// plain HTTP/1.1 behind a TLS-terminating reverse proxy. Signatures are checked on the raw body
// before anything is parsed.
#include <apexcore/discord/interactions_endpoint.hpp>

#include "detail/endpoint_request.hpp"
#include "detail/http_listener.hpp"
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


}  // namespace

struct interactions_endpoint::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, endpoint_options opts, interaction_fn handler, log_fn l)
        : io(io_context), options(std::move(opts)), verifier(options.public_key_hex), on_interaction(std::move(handler)),
          log(std::move(l)) {
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
        listener = std::make_shared<detail::http_listener>(
            io, detail::http_listener::options{options.address, options.port, options.connections_max, "interactions endpoint",
                                               "endpoint", options.inject_fault, "endpoint"},
            log);
    }

    net::io_context& io;
    endpoint_options options;
    signature_verifier verifier;
    interaction_fn on_interaction;
    log_fn log;
    std::optional<net::ssl::context> tls;
    std::shared_ptr<detail::http_listener> listener;

    void say(ports::log_level level, const std::string& line) const { ports::emit(log, level, "endpoint", line); }

    /// Serves one accepted connection on its own strand (HTTPS when a certificate is configured).
    void serve_connection(tcp::socket socket, std::shared_ptr<void> slot) {
        // The session keeps its connection counted and this endpoint alive.
        slot = std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<impl>>>(std::move(slot), shared_from_this());
        auto ex = socket.get_executor();
        auto done = detail::supervised(log, "interactions endpoint connection", [slot](const std::string&) {});
        if (tls) {
            net::co_spawn(ex, session_tls(beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls), slot), done);
        } else {
            net::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), slot), done);
        }
    }

    net::awaitable<void> session_tls(beast::ssl_stream<beast::tcp_stream> stream, std::shared_ptr<void>) {
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
        if (hec) co_return;
        co_await serve(stream);
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await stream.async_shutdown(use_tuple);
    }

    net::awaitable<void> session(beast::tcp_stream stream, std::shared_ptr<void>) {
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
    impl_->listener->start([weak = std::weak_ptr<impl>(impl_)](tcp::socket socket, std::shared_ptr<void> slot) {
        if (auto self = weak.lock()) self->serve_connection(std::move(socket), std::move(slot));
    });
}

void interactions_endpoint::stop() { impl_->listener->stop(); }

std::uint16_t interactions_endpoint::port() const { return impl_->listener->port(); }

}  // namespace apexcore::discord
