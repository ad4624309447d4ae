#pragma once
// Discord's HTTP rate limits as the sandbox enforces them (REFERENCE.md §2.3): a fixed window
// per bucket (route template + major parameter), a global per-second limit that interaction
// routes are exempt from, Discord's headers on every response and its 429 bodies.
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace apexcore::sandbox {

struct limit_config {
    int route_limit = 5;                                  ///< requests per bucket window
    std::chrono::milliseconds route_window{1000};
    int global_per_second = 50;
};

/// The answer for one request: extra headers, and a 429 body when refused.
struct limit_decision {
    bool allowed = true;
    std::vector<std::pair<std::string, std::string>> headers;
    nlohmann::json body;  ///< the 429 body when !allowed
};

class rate_limits {
public:
    using clock = std::chrono::steady_clock;
    explicit rate_limits(limit_config config) : config_(config) {}
    void configure(limit_config config) { config_ = config; }
    [[nodiscard]] const limit_config& config() const { return config_; }

    /// Counts the request against its bucket and the global limit.
    limit_decision check(const std::string& method, const std::string& path, clock::time_point now);

private:
    struct window {
        clock::time_point start;
        int count = 0;
    };
    limit_config config_;
    std::map<std::string, window> buckets_;
    std::deque<clock::time_point> global_;
};

/// Builds Discord's 429 headers and body, e.g. for an injected fault.
limit_decision make_429(double retry_after_s, const std::string& scope, const std::string& bucket);

}  // namespace apexcore::sandbox
