#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/tls.hpp>

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

#include <deque>
#include <stdexcept>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

net::ssl::context make_client_tls_context(const std::string& ca_file) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (ca_file.empty()) {
        ctx.set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot load the system's CA certificates: " + ec.message());
    } else {
        ctx.load_verify_file(ca_file, ec);
        if (ec) throw std::runtime_error("cannot load CA file '" + ca_file + "': " + ec.message());
    }
    return ctx;
}

namespace {

http::verb to_verb(http_method m) {
    switch (m) {
        case http_method::get: return http::verb::get;
        case http_method::post: return http::verb::post;
        case http_method::put: return http::verb::put;
        case http_method::patch: return http::verb::patch;
        case http_method::del: return http::verb::delete_;
    }
    return http::verb::get;
}

constexpr std::size_t response_body_limit = 8 * 1024 * 1024;

}  // namespace

struct rest_client::impl : std::enable_shared_from_this<impl> {
    struct pending {
        http_method method;
        std::string path;
        std::optional<json> body;
        rest_callback done;
    };

    impl(net::io_context& io_context, rest_options opts, endpoint_url url)
        : io(io_context), options(std::move(opts)), base(std::move(url)), tls(make_client_tls_context(options.ca_file)),
          wake(io_context) {}

    net::io_context& io;
    rest_options options;
    endpoint_url base;
    ssl::context tls;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    std::deque<pending> queue;
    net::steady_timer wake;
    bool worker_running = false;
    bool stopped = false;

    void start_worker() {
        if (worker_running || stopped) return;
        worker_running = true;
        net::co_spawn(io, [self = shared_from_this()]() { return self->worker(); }, net::detached);
    }

    net::awaitable<void> connect() {
        stream.reset();
        auto s = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
        if (!SSL_set_tlsext_host_name(s->native_handle(), base.host.c_str())) {
            throw boost::system::system_error(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
        }
        s->set_verify_callback(ssl::host_name_verification(base.host));
        tcp::resolver resolver(io);
        const auto endpoints = co_await resolver.async_resolve(base.host, base.port, net::use_awaitable);
        beast::get_lowest_layer(*s).expires_after(options.timeout);
        co_await beast::get_lowest_layer(*s).async_connect(endpoints, net::use_awaitable);
        beast::get_lowest_layer(*s).expires_after(options.timeout);
        co_await s->async_handshake(ssl::stream_base::client, net::use_awaitable);
        stream = std::move(s);
    }

    /// One exchange on the current connection; returns the error instead of throwing so the
    /// caller can reconnect when a kept-alive connection was closed by the server.
    net::awaitable<std::pair<boost::system::error_code, http::response<http::string_body>>> exchange(
        const http::request<http::string_body>& req) {
        beast::get_lowest_layer(*stream).expires_after(options.timeout);
        auto [wec, wn] = co_await http::async_write(*stream, req, net::as_tuple(net::use_awaitable));
        (void)wn;
        http::response_parser<http::string_body> parser;
        parser.body_limit(response_body_limit);
        if (wec) co_return std::pair{wec, parser.release()};
        beast::flat_buffer buffer;
        auto [rec, rn] = co_await http::async_read(*stream, buffer, parser, net::as_tuple(net::use_awaitable));
        (void)rn;
        co_return std::pair{rec, parser.release()};
    }

    net::awaitable<void> worker() {
        auto self = shared_from_this();
        while (!stopped) {
            if (queue.empty()) {
                wake.expires_at(net::steady_timer::time_point::max());
                auto [ec] = co_await wake.async_wait(net::as_tuple(net::use_awaitable));
                (void)ec;
                continue;
            }
            pending job = std::move(queue.front());
            queue.pop_front();

            http::request<http::string_body> req{to_verb(job.method), base.path + job.path, 11};
            req.set(http::field::host, base.host);
            req.set(http::field::user_agent, options.user_agent);
            req.set(http::field::authorization, "Bot " + options.token);
            req.keep_alive(true);
            if (job.body) {
                req.set(http::field::content_type, "application/json");
                req.body() = job.body->dump();
            }
            req.prepare_payload();

            boost::system::error_code ec;
            http::response<http::string_body> res;
            for (int attempt = 0; attempt < 2; ++attempt) {
                const bool fresh = !stream;
                try {
                    if (!stream) co_await connect();
                } catch (const boost::system::system_error& e) {
                    ec = e.code();
                    stream.reset();
                    break;
                }
                std::tie(ec, res) = co_await exchange(req);
                if (!ec) break;
                stream.reset();
                if (fresh) break;  // a new connection failing is not a stale keep-alive
            }
            if (stopped) break;
            if (!ec && !res.keep_alive()) stream.reset();
            rest_response out;
            if (!ec) {
                out.status = res.result_int();
                out.body = std::move(res.body());
                if (out.status >= 400) out.error = parse_api_error(out.body);
            }
            if (job.done) job.done(ec, std::move(out));
        }
        worker_running = false;
    }
};

rest_client::rest_client(net::io_context& io, rest_options options) {
    if (options.token.empty()) throw std::invalid_argument("rest_client: the bot token is empty");
    std::string error;
    auto url = parse_endpoint_url(options.api_base, error);
    if (!url || url->scheme != "https") throw std::invalid_argument("rest_client: api_base: " + error);
    impl_ = std::make_shared<impl>(io, std::move(options), std::move(*url));
}

rest_client::~rest_client() { stop(); }

void rest_client::request(http_method method, std::string path, std::optional<json> body, rest_callback done) {
    impl_->queue.push_back({method, std::move(path), std::move(body), std::move(done)});
    impl_->start_worker();
    impl_->wake.cancel();
}

void rest_client::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->queue.clear();
    impl_->wake.cancel();
    if (impl_->stream) beast::get_lowest_layer(*impl_->stream).cancel();
}

}  // namespace apexcore::discord
