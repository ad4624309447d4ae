#include "monitoring.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <exception>
#include <mutex>
#include <vector>
#include <stdexcept>

namespace apexbot {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t connections_max = 32;
constexpr std::size_t header_limit = 8 * 1024;

std::string describe(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

struct monitoring_server::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, const apexcore::render::prometheus_registry& r, std::function<health_report()> h,
         apexcore::ports::log_fn l)
        : io(io_context), strand(net::make_strand(io_context)), acceptor(strand), registry(r), health(std::move(h)), log(std::move(l)), retry(strand) {}

    net::io_context& io;
    net::strand<net::io_context::executor_type> strand;
    tcp::acceptor acceptor;
    const apexcore::render::prometheus_registry& registry;
    std::function<health_report()> health;
    apexcore::ports::log_fn log;
    net::steady_timer retry;
    std::atomic<std::size_t> open{0};
    std::atomic<bool> stopped{false};
    std::mutex sessions_mutex;
    std::vector<std::weak_ptr<beast::tcp_stream>> sessions;  ///< open connections, closed by stop()

    /// Closes every open connection (each on its own strand).
    void close_sessions() {
        std::vector<std::weak_ptr<beast::tcp_stream>> all;
        {
            const std::lock_guard lock(sessions_mutex);
            all.swap(sessions);
        }
        for (auto& weak : all) {
            if (auto stream = weak.lock()) {
                net::post(stream->get_executor(), [stream] { stream->close(); });
            }
        }
    }

    void say(apexcore::ports::log_level level, const std::string& message) const {
        apexcore::ports::emit(log, level, "monitoring", message);
    }

    http::response<http::string_body> answer(const http::request<http::empty_body>& req) const {
        http::response<http::string_body> res;
        res.version(req.version());
        res.keep_alive(req.keep_alive());
        res.set(http::field::cache_control, "no-store");
        const std::string_view target(req.target().data(), req.target().size());
        const std::string_view path = target.substr(0, target.find('?'));
        if (path != "/healthz" && path != "/metrics") {
            res.result(http::status::not_found);
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "not found: GET /healthz or GET /metrics\n";
        } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "GET, HEAD");
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.body() = "GET only\n";
        } else if (path == "/metrics") {
            res.result(http::status::ok);
            res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            res.body() = registry.exposition();
        } else {
            health_report report;
            try {
                report = health();
            } catch (const std::exception& e) {
                report = {false, std::string(R"({"status":"unavailable","error":"the health check failed"})")};
                say(apexcore::ports::log_level::error, std::string("health check failed: ") + e.what());
            }
            res.result(report.healthy ? http::status::ok : http::status::service_unavailable);
            res.set(http::field::content_type, "application/json");
            res.body() = std::move(report.body);
        }
        if (req.method() == http::verb::head) {
            res.content_length(res.body().size());
            res.body().clear();
            res.prepare_payload();
            return res;
        }
        res.prepare_payload();
        return res;
    }

    net::awaitable<void> session(std::shared_ptr<beast::tcp_stream> connection) {
        auto& stream = *connection;
        beast::flat_buffer buffer(header_limit);
        for (;;) {
            http::request_parser<http::empty_body> parser;
            parser.header_limit(header_limit);
            stream.expires_after(10s);
            auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)n;
            if (ec) break;  // closed, timed out, or not HTTP: nothing to answer
            auto res = answer(parser.get());
            const bool keep = res.keep_alive();
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !keep || stopped) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), use_tuple);
            if (stopped) co_return;
            if (ec) {
                say(apexcore::ports::log_level::warning, "accept failed (" + ec.message() + "); still accepting");
                retry.expires_after(100ms);
                co_await retry.async_wait(use_tuple);
                continue;
            }
            if (open >= connections_max) {
                beast::error_code ignored;
                socket.close(ignored);
                continue;
            }
            ++open;
            auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
            {
                const std::lock_guard lock(sessions_mutex);
                std::erase_if(sessions, [](const auto& w) { return w.expired(); });
                sessions.push_back(stream);
            }
            net::co_spawn(stream->get_executor(), session(stream),
                          [self = shared_from_this()](const std::exception_ptr& e) {
                              --self->open;
                              if (e) self->say(apexcore::ports::log_level::error, "connection failed: " + describe(e));
                          });
        }
    }

    void spawn_accept_loop() {
        net::co_spawn(strand, accept_loop(), [weak = weak_from_this()](const std::exception_ptr& e) {
            auto self = weak.lock();
            if (!e || !self || self->stopped) return;
            self->say(apexcore::ports::log_level::error, "accept loop failed: " + describe(e) + "; restarting it in 1 s");
            self->retry.expires_after(1s);
            self->retry.async_wait([weak](const boost::system::error_code& ec) {
                auto again = weak.lock();
                if (!ec && again && !again->stopped) again->spawn_accept_loop();
            });
        });
    }
};

monitoring_server::monitoring_server(net::io_context& io, const std::string& address, std::uint16_t port,
                                     const apexcore::render::prometheus_registry& registry,
                                     std::function<health_report()> health, apexcore::ports::log_fn log)
    : impl_(std::make_shared<impl>(io, registry, std::move(health), std::move(log))) {
    boost::system::error_code ec;
    const auto ip = net::ip::make_address(address, ec);
    if (ec) throw std::runtime_error("monitoring.listen: '" + address + "' is not an IP address");
    const tcp::endpoint endpoint(ip, port);
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("monitoring.listen: cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                 ec.message());
    }
}

monitoring_server::~monitoring_server() { stop(); }

void monitoring_server::start() {
    net::post(impl_->strand, [self = impl_] { self->spawn_accept_loop(); });
}

void monitoring_server::stop() {
    if (impl_->stopped.exchange(true)) return;
    net::post(impl_->strand, [self = impl_] {
        beast::error_code ignored;
        self->acceptor.close(ignored);
        self->retry.cancel();
        self->close_sessions();
    });
}

std::uint16_t monitoring_server::port() const {
    beast::error_code ec;
    const auto endpoint = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

}  // namespace apexbot
