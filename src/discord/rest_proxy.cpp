// apexcore-rest-proxy's listener: bots' REST calls forwarded through one rest_client (rest_proxy.hpp).
#include <apexcore/discord/rest_proxy.hpp>

#include "detail/http_listener.hpp"
#include "detail/supervise.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/pct_string_view.hpp>

#include <atomic>
#include <optional>
#include <stdexcept>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

using response = http::response<http::string_body>;

response reply(unsigned version, bool keep_alive, unsigned status, std::string body) {
    response res{static_cast<http::status>(status), version};
    res.set(http::field::server, "apexcore-rest-proxy");
    if (!body.empty()) res.set(http::field::content_type, "application/json");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

/// Discord's error shape (REFERENCE.md §2.6), for what the proxy refuses itself.
std::string error_body(std::string_view message) { return json{{"message", message}, {"code", 0}}.dump(); }

std::optional<http_method> method_of(http::verb v) {
    switch (v) {
        case http::verb::get: return http_method::get;
        case http::verb::post: return http_method::post;
        case http::verb::put: return http_method::put;
        case http::verb::patch: return http_method::patch;
        case http::verb::delete_: return http_method::del;
        default: return std::nullopt;
    }
}

}  // namespace

struct rest_proxy::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, rest_client& client, rest_proxy_options opts) : upstream(client), options(std::move(opts)) {
        if (options.token.empty()) throw std::invalid_argument("rest_proxy: the bot token is empty");
        if (options.path_prefix.empty() || options.path_prefix.front() != '/' || options.path_prefix.back() == '/') {
            throw std::invalid_argument("rest_proxy: path_prefix must start with '/' and not end with one, e.g. /api/v10");
        }
        if (options.connections_max < 1) throw std::invalid_argument("rest_proxy: connections_max must be at least 1");
        listener = std::make_shared<detail::http_listener>(
            io_context, detail::http_listener::options{options.address, options.port, options.connections_max, "proxy", "proxy", {}, "proxy"},
            options.log);
        authorization = "Bot " + options.token;
    }

    rest_client& upstream;
    rest_proxy_options options;
    std::shared_ptr<detail::http_listener> listener;
    std::string authorization;
    std::atomic<std::uint64_t> requests{0}, forwarded{0}, refused{0};

    void say(ports::log_level level, const std::string& line) const { ports::emit(options.log, level, "proxy", line); }

    /// Serves one accepted connection on its own strand; the session keeps this proxy alive.
    void serve_connection(tcp::socket socket, std::shared_ptr<void> slot) {
        auto ex = socket.get_executor();
        net::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), shared_from_this(), std::move(slot)),
                      detail::supervised(options.log, "proxy connection", [](const std::string&) {}));
    }

    net::awaitable<void> session(beast::tcp_stream stream, std::shared_ptr<impl>, std::shared_ptr<void>) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.body_max);
            stream.expires_after(options.read_timeout);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)rn;
            if (rec == http::error::body_limit || rec == http::error::header_limit) {
                ++refused;
                auto res = reply(11, false, 413, error_body("413: request entity too large"));
                stream.expires_after(options.read_timeout);
                co_await http::async_write(stream, res, use_tuple);
                co_return;
            }
            if (rec) break;
            ++requests;
            auto res = co_await handle(parser.release());
            stream.expires_after(options.read_timeout);
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !res.keep_alive()) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    net::awaitable<response> handle(http::request<http::string_body> req) {
        const unsigned version = req.version();
        const bool keep_alive = req.keep_alive();
        const auto refuse = [&](unsigned status, std::string_view message) {
            ++refused;
            return reply(version, keep_alive, status, error_body(message));
        };
        const std::string_view target = req.target();
        if (target == "/healthz" && req.method() == http::verb::get) {
            const auto client = upstream.stats();
            co_return reply(version, keep_alive, 200,
                            json{{"status", "ok"}, {"requests", requests.load()}, {"forwarded", forwarded.load()},
                                 {"upstream_429", client.responses_429}}
                                .dump());
        }
        if (req[http::field::authorization] != authorization) co_return refuse(401, "401: Unauthorized");
        const std::string_view prefix = options.path_prefix;
        if (!target.starts_with(prefix) || target.size() == prefix.size() || target[prefix.size()] != '/') {
            co_return refuse(404, "404: Not Found (the proxy serves " + options.path_prefix + "/...)");
        }
        const auto method = method_of(req.method());
        if (!method) co_return refuse(405, "405: Method Not Allowed");

        request_options opts;
        if (const auto reason = req["X-Audit-Log-Reason"]; !reason.empty()) {
            // Sent URL-encoded (REFERENCE.md §2.1); the client encodes it again.
            const auto encoded = boost::urls::make_pct_string_view(reason);
            opts.audit_log_reason = encoded ? encoded->decode() : std::string(reason);
        }
        std::string route(target.substr(prefix.size()));
        // Wait for the client's callback, which runs on its strand: it is posted to this connection's.
        auto ex = co_await net::this_coro::executor;
        auto answer = std::make_shared<std::optional<std::pair<std::error_code, rest_response>>>();
        auto signal = std::make_shared<net::steady_timer>(ex, net::steady_timer::time_point::max());
        rest_callback done = [answer, signal, ex](std::error_code ec, rest_response r) {
            net::post(ex, [answer, signal, ec, r = std::move(r)]() mutable {
                *answer = std::pair{ec, std::move(r)};
                signal->cancel();
            });
        };
        if (req.body().empty() && (*method == http_method::get || *method == http_method::del)) {
            upstream.request(*method, std::move(route), std::optional<json>{}, std::move(done), std::move(opts));
        } else {
            std::string type(req[http::field::content_type]);
            upstream.request(*method, std::move(route), encoded_body{type.empty() ? "application/json" : type, std::move(req.body())},
                             std::move(done), std::move(opts));
        }
        if (!answer->has_value()) co_await signal->async_wait(use_tuple);
        if (!answer->has_value()) co_return refuse(502, "502: the proxy was stopped");
        auto& [ec, r] = **answer;
        if (ec) {
            const bool full = ec == std::errc::no_buffer_space;
            say(ports::log_level::warning, "proxy: " + std::string(req.method_string()) + " " + std::string(target) + ": " + ec.message());
            co_return refuse(full ? 503 : 502, full ? "503: the proxy's queue is full" : "502: Discord could not be reached: " + ec.message());
        }
        ++forwarded;
        co_return reply(version, keep_alive, r.status, std::move(r.body));
    }
};

rest_proxy::rest_proxy(net::io_context& io, rest_client& upstream, rest_proxy_options options)
    : impl_(std::make_shared<impl>(io, upstream, std::move(options))) {}

rest_proxy::~rest_proxy() { stop(); }

void rest_proxy::start() {
    impl_->listener->start([weak = std::weak_ptr<impl>(impl_)](tcp::socket socket, std::shared_ptr<void> slot) {
        if (auto self = weak.lock()) self->serve_connection(std::move(socket), std::move(slot));
    });
}

void rest_proxy::stop() { impl_->listener->stop(); }

std::uint16_t rest_proxy::port() const { return impl_->listener->port(); }

rest_proxy_stats rest_proxy::stats() const { return {impl_->requests.load(), impl_->forwarded.load(), impl_->refused.load()}; }

}  // namespace apexcore::discord
