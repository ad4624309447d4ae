#pragma once
// The accept side of the adapter's HTTP servers (the interactions endpoint, the REST proxy): binds
// at construction, accepts on a strand, closes connections past a cap, keeps accepting through
// errors (logged: the first five, then every thousandth; backing off when descriptors or memory
// run out) and restarts its loop after a pause if it throws. Each accepted socket is handed to
// `on_connection` with a slot that counts the connection while the session keeps it.
#include <apexcore/discord/supervision.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace apexcore::discord::detail {

class http_listener : public std::enable_shared_from_this<http_listener> {
public:
    struct options {
        std::string address;             ///< an IP literal
        std::uint16_t port = 0;          ///< 0: any free port
        std::size_t connections_max = 1; ///< open connections at once, >= 1
        std::string name;                ///< in log lines: "<name>: accept failed …", "<name> accept loop: failed: …"
        std::string component;           ///< the log component ("endpoint", "proxy")
        fault_hook inject_fault;         ///< tests: called with "<fault_prefix>.accept" per accepted connection
        std::string fault_prefix;
    };
    /// Called on the connection's own strand executor's thread with the socket and its slot.
    using on_connection_fn = std::function<void(boost::asio::ip::tcp::socket, std::shared_ptr<void> slot)>;

    /// Binds and listens; throws boost::system::system_error when the address cannot be bound.
    http_listener(boost::asio::io_context& io, options o, log_fn log);

    /// Starts accepting; each connection goes to `on_connection` (which keeps its owner alive).
    void start(on_connection_fn on_connection);
    /// Stops accepting (idempotent); open connections are left to their sessions.
    void stop();
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] bool stopped() const { return stopped_.load(); }

private:
    void say(ports::log_level level, const std::string& line) const;
    void spawn_accept_loop();
    void accept_loop_failed();

    boost::asio::io_context& io_;
    options options_;
    log_fn log_;
    on_connection_fn on_connection_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    std::uint16_t port_ = 0;
    std::shared_ptr<std::atomic<std::size_t>> open_ = std::make_shared<std::atomic<std::size_t>>(0);
    std::atomic<bool> stopped_{false};
    std::uint64_t refused_ = 0;        ///< accept strand only
    std::uint64_t accept_errors_ = 0;  ///< accept strand only

    struct loop;
};

}  // namespace apexcore::discord::detail
