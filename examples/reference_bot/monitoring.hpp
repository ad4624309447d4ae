#pragma once
// apexbot's monitoring listener (docs/deployment.md §Health and metrics): plain HTTP/1.1 on the
// "monitoring.listen" address, serving
//   GET /healthz   200 {"status":"ok",…} or 503 {"status":"unavailable",…}, JSON
//   GET /metrics   Prometheus' text exposition format (render::prometheus_registry)
// and 404 / 405 otherwise. Bounded: 32 connections, 8 KiB of request head, no request body, a 10 s
// idle timeout; keep-alive as Prometheus uses it. Every coroutine has a completion handler that
// logs; the accept loop restarts itself after a failure.
#include <apexcore/ports/log.hpp>
#include <apexcore/render/prometheus.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace apexbot {

/// A health verdict: `healthy` chooses 200 or 503; `body` is the JSON document served.
struct health_report {
    bool healthy = false;
    std::string body;
};

class monitoring_server {
public:
    /// Binds `address:port` at once (port 0: any free port); throws std::runtime_error naming the
    /// address when it cannot. `health` runs on an I/O thread for each GET /healthz and must be
    /// quick; `registry` must outlive the server.
    monitoring_server(boost::asio::io_context& io, const std::string& address, std::uint16_t port,
                      const apexcore::render::prometheus_registry& registry, std::function<health_report()> health,
                      apexcore::ports::log_fn log);
    ~monitoring_server();
    monitoring_server(const monitoring_server&) = delete;
    monitoring_server& operator=(const monitoring_server&) = delete;

    void start();
    /// Closes the listener and every open connection.
    void stop();
    /// The bound port.
    [[nodiscard]] std::uint16_t port() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexbot
