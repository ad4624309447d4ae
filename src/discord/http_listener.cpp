// The accept side of the adapter's HTTP servers (detail/http_listener.hpp).
#include "detail/http_listener.hpp"

#include "detail/supervise.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>

namespace apexcore::discord::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr auto accept_backoff = 100ms;

}  // namespace

struct http_listener::loop {
    static net::awaitable<void> run(std::shared_ptr<http_listener> self) {
        for (;;) {
            auto [ec, socket] = co_await self->acceptor_.async_accept(net::make_strand(self->io_), use_tuple);
            if (self->stopped_ || ec == net::error::operation_aborted) co_return;
            fault_point(self->options_.inject_fault, self->options_.fault_prefix + ".accept");
            if (ec) {
                // Never stop accepting: log (the first few, then every 1000th) and go on.
                if (++self->accept_errors_ <= 5 || self->accept_errors_ % 1000 == 0) {
                    self->say(ports::log_level::warning, self->options_.name + ": accept failed (" + ec.message() + "); still accepting");
                }
                if (ec == net::error::no_descriptors || ec.value() == ENFILE || ec == net::error::no_buffer_space ||
                    ec == net::error::no_memory) {
                    self->backoff_.expires_after(accept_backoff);
                    co_await self->backoff_.async_wait(use_tuple);
                }
                continue;
            }
            if (self->open_->load() >= self->options_.connections_max) {
                if (++self->refused_ <= 5 || self->refused_ % 1000 == 0) {
                    self->say(ports::log_level::warning, self->options_.name + ": " + std::to_string(self->options_.connections_max) +
                                                             " connections open; closing a new one (" +
                                                             std::to_string(self->refused_) + " so far)");
                }
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            ++*self->open_;
            std::shared_ptr<void> slot(nullptr, [open = self->open_](void*) { --*open; });
            self->on_connection_(std::move(socket), std::move(slot));
        }
    }
};

http_listener::http_listener(net::io_context& io, options o, log_fn log)
    : io_(io), options_(std::move(o)), log_(std::move(log)), strand_(net::make_strand(io)), acceptor_(strand_), backoff_(strand_) {
    const tcp::endpoint ep(net::ip::make_address(options_.address), options_.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
}

void http_listener::say(ports::log_level level, const std::string& line) const { ports::emit(log_, level, options_.component, line); }

void http_listener::start(on_connection_fn on_connection) {
    net::post(strand_, [self = shared_from_this(), on_connection = std::move(on_connection)]() mutable {
        self->on_connection_ = std::move(on_connection);
        self->spawn_accept_loop();
    });
}

void http_listener::spawn_accept_loop() {
    net::co_spawn(strand_, loop::run(shared_from_this()),
                  supervised(log_, options_.name + " accept loop", [weak = weak_from_this()](const std::string&) {
                      if (auto self = weak.lock()) self->accept_loop_failed();
                  }));
}

void http_listener::accept_loop_failed() {
    if (stopped_) return;
    // Restart after a pause so a persistent failure cannot spin.
    backoff_.expires_after(accept_backoff);
    backoff_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->stopped_) return;
        self->say(ports::log_level::warning, self->options_.name + ": restarting the accept loop");
        self->spawn_accept_loop();
    });
}

void http_listener::stop() {
    if (stopped_.exchange(true)) return;
    net::post(strand_, [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
        self->backoff_.cancel();
    });
}

}  // namespace apexcore::discord::detail
