// The Interactions Endpoint URL server (REFERENCE.md §3.8): HTTPS when given a certificate, else
// plain HTTP/1.1 behind a TLS-terminating reverse proxy. Signatures are checked on the raw body
// before anything is parsed.
#include <apexcore/discord/interactions_endpoint.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

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

http::response<http::string_body> reply(const http::request<http::string_body>& req, http::status status,
                                        const json& body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "apexcore");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = body.dump();
    res.prepare_payload();
    return res;
}

}  // namespace

struct interactions_endpoint::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, endpoint_options opts, interaction_fn handler, std::function<void(std::string_view)> l)
        : io(io_context), options(std::move(opts)), verifier(options.public_key_hex), on_interaction(std::move(handler)),
          log(std::move(l)), acceptor(io_context) {
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
        const tcp::endpoint ep(net::ip::make_address(options.address), options.port);
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen();
    }

    net::io_context& io;
    endpoint_options options;
    signature_verifier verifier;
    interaction_fn on_interaction;
    std::function<void(std::string_view)> log;
    tcp::acceptor acceptor;
    std::optional<net::ssl::context> tls;

    net::awaitable<void> accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) co_return;
            if (tls) {
                net::co_spawn(io, session_tls(beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls)), net::detached);
            } else {
                net::co_spawn(io, session(beast::tcp_stream(std::move(socket))), net::detached);
            }
        }
    }

    net::awaitable<void> session_tls(beast::ssl_stream<beast::tcp_stream> stream) {
        auto self = shared_from_this();
        beast::get_lowest_layer(stream).expires_after(30s);
        auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
        if (hec) co_return;
        co_await serve(stream);
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await stream.async_shutdown(use_tuple);
    }

    net::awaitable<void> session(beast::tcp_stream stream) {
        auto self = shared_from_this();
        co_await serve(stream);
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    /// Request/response loop over an HTTP or HTTPS stream, with keep-alive.
    template <class Stream>
    net::awaitable<void> serve(Stream& stream) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.body_limit);
            beast::get_lowest_layer(stream).expires_after(60s);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)rn;
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
        const std::string_view target = req.target();
        if (target.substr(0, target.find('?')) != options.path) {
            co_return reply(req, http::status::not_found, {{"error", "not found"}});
        }
        if (req.method() != http::verb::post) co_return reply(req, http::status::method_not_allowed, {{"error", "POST only"}});
        const auto verdict = verifier.verify(req["X-Signature-Ed25519"], req["X-Signature-Timestamp"], req.body(),
                                             std::chrono::system_clock::now());
        if (verdict != signature_result::valid) {
            if (log) log(std::string("interactions endpoint: 401 (") + std::string(to_string(verdict)) + ")");
            co_return reply(req, http::status::unauthorized, {{"error", "invalid request signature"}});
        }
        const json body = json::parse(req.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object()) co_return reply(req, http::status::bad_request, {{"error", "invalid JSON"}});
        if (body.value("type", 0) == 1) co_return reply(req, http::status::ok, {{"type", 1}});  // PING -> PONG
        auto envelope = parse_interaction(body);
        if (!envelope) {
            if (log) log("interactions endpoint: 400: " + envelope.error().what);
            co_return reply(req, http::status::bad_request, {{"error", envelope.error().what}});
        }
        // Wait for the handler's respond() (it may come from another completion on this thread).
        auto answer = std::make_shared<std::optional<json>>();
        auto signal = std::make_shared<net::steady_timer>(io, respond_limit);
        on_interaction(std::move(envelope.value()), [answer, signal](json response) {
            if (answer->has_value()) return;
            *answer = std::move(response);
            signal->cancel();
        });
        if (!answer->has_value()) co_await signal->async_wait(use_tuple);
        if (!answer->has_value()) {
            if (log) log("interactions endpoint: the handler did not respond in time");
            co_return reply(req, http::status::internal_server_error, {{"error", "no response"}});
        }
        co_return reply(req, http::status::ok, **answer);
    }
};

interactions_endpoint::interactions_endpoint(net::io_context& io, endpoint_options options, interaction_fn on_interaction,
                                             std::function<void(std::string_view)> log)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_interaction), std::move(log))) {}

interactions_endpoint::~interactions_endpoint() { stop(); }

void interactions_endpoint::start() { net::co_spawn(impl_->io, impl_->accept(), net::detached); }

void interactions_endpoint::stop() {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
}

std::uint16_t interactions_endpoint::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace apexcore::discord
