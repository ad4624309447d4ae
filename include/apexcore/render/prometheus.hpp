#pragma once
/// @file prometheus.hpp
/// ports::metrics kept in memory and rendered in Prometheus' text exposition format (version
/// 0.0.4: `# HELP`, `# TYPE`, one sample per line; histograms as cumulative `_bucket{le=…}`
/// series with `_sum` and `_count`), for a `/metrics` endpoint to serve.
///
/// Names that are not valid Prometheus metric names ([a-zA-Z_:][a-zA-Z0-9_:]*), and a name used
/// with a second type (a counter later observed as a histogram), are ignored rather than
/// producing output a scraper would reject. Label values are escaped (\\ \" \n) and made valid UTF-8.
/// Memory: one entry per (name, label set); ports/metrics.hpp keeps label values to small sets.

#include <apexcore/ports/metrics.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace apexcore::render {

/// Thread-safe (one mutex; each call is a map lookup and an addition).
class prometheus_registry final : public ports::metrics {
public:
    /// Histogram bucket upper bounds in seconds, ascending: 1 ms … 10 s, suited to Discord's
    /// 3 s response deadline and to store commits.
    static std::vector<double> default_buckets();

    /// `buckets` must be ascending and finite (std::invalid_argument otherwise); +Inf is implied.
    explicit prometheus_registry(std::vector<double> buckets = default_buckets());
    ~prometheus_registry() override;

    void count(std::string_view name, ports::metric_labels labels, std::uint64_t value = 1) override;
    void set(std::string_view name, ports::metric_labels labels, double value) override;
    void observe(std::string_view name, ports::metric_labels labels, double seconds) override;

    /// Every metric recorded so far, families sorted by name, as the body of a `/metrics`
    /// response (Content-Type: text/plain; version=0.0.4; charset=utf-8).
    [[nodiscard]] std::string exposition() const;

private:
    struct family;
    family* find(std::string_view name, int type);  // under mutex_
    std::vector<double> buckets_;
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<family>, std::less<>> families_;
};

}  // namespace apexcore::render
