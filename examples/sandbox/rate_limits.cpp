#include "rate_limits.hpp"

#include <cmath>
#include <cstdio>
#include <functional>

namespace apexcore::sandbox {
namespace {

/// Seconds with three decimals, rounded up so a client waiting that long is never early.
std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::ceil(s * 1000.0) / 1000.0);
    return buf;
}

/// Route template and major parameter, the way Discord describes its buckets.
std::pair<std::string, std::string> bucket_of(const std::string& method, const std::string& path, bool& exempt) {
    std::string route = method + " ";
    std::string major;
    std::vector<std::string> parts;
    std::string current;
    for (char c : path.substr(0, path.find('?'))) {
        if (c == '/') {
            if (!current.empty()) parts.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) parts.push_back(current);
    exempt = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const bool digits = !parts[i].empty() && parts[i].find_first_not_of("0123456789") == std::string::npos;
        const std::string prev = i > 0 ? parts[i - 1] : "";
        if (i == 1 && (prev == "channels" || prev == "guilds" || prev == "webhooks" || prev == "interactions") && digits) {
            major = prev + "/" + parts[i];
            route += "/:major";
            if (prev == "webhooks" || prev == "interactions") {
                exempt = true;
                if (i + 1 < parts.size()) major += "/" + parts[++i];
            }
        } else {
            route += "/" + (digits ? std::string(":id") : parts[i]);
        }
    }
    return {route, major};
}

std::string bucket_hash(const std::string& route) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(route));
    return buf;
}

double epoch_seconds_after(double seconds) {
    const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return now + seconds;
}

}  // namespace

limit_decision make_429(double retry_after_s, const std::string& scope, const std::string& bucket) {
    limit_decision d;
    d.allowed = false;
    const bool global = scope == "global";
    d.headers.emplace_back("Retry-After", std::to_string(static_cast<long>(std::ceil(retry_after_s))));
    d.headers.emplace_back("X-RateLimit-Scope", scope);
    if (global) {
        d.headers.emplace_back("X-RateLimit-Global", "true");
    } else {
        d.headers.emplace_back("X-RateLimit-Remaining", "0");
        d.headers.emplace_back("X-RateLimit-Reset-After", seconds_text(retry_after_s));
        d.headers.emplace_back("X-RateLimit-Reset", seconds_text(epoch_seconds_after(retry_after_s)));
        if (!bucket.empty()) d.headers.emplace_back("X-RateLimit-Bucket", bucket);
    }
    d.body = {{"message", global ? "You are being rate limited." : "You are being rate limited."},
              {"retry_after", std::round(retry_after_s * 1000.0) / 1000.0},
              {"global", global}};
    return d;
}

limit_decision rate_limits::check(const std::string& method, const std::string& path, clock::time_point now) {
    bool exempt = false;
    const auto [route, major] = bucket_of(method, path, exempt);
    const std::string hash = bucket_hash(route);
    if (!exempt) {
        while (!global_.empty() && global_.front() + std::chrono::seconds(1) <= now) global_.pop_front();
        if (static_cast<int>(global_.size()) >= config_.global_per_second) {
            const double retry = std::chrono::duration<double>(global_.front() + std::chrono::seconds(1) - now).count();
            return make_429(retry, "global", "");
        }
    }
    window& w = buckets_[hash + "|" + major];
    if (w.count == 0 || now >= w.start + config_.route_window) {
        w.start = now;
        w.count = 0;
    }
    const double reset_after = std::chrono::duration<double>(w.start + config_.route_window - now).count();
    if (w.count >= config_.route_limit) {
        limit_decision d = make_429(reset_after, "user", hash);
        d.headers.emplace_back("X-RateLimit-Limit", std::to_string(config_.route_limit));
        return d;
    }
    ++w.count;
    if (!exempt) global_.push_back(now);
    limit_decision d;
    d.headers = {{"X-RateLimit-Limit", std::to_string(config_.route_limit)},
                 {"X-RateLimit-Remaining", std::to_string(config_.route_limit - w.count)},
                 {"X-RateLimit-Reset", seconds_text(epoch_seconds_after(reset_after))},
                 {"X-RateLimit-Reset-After", seconds_text(reset_after)},
                 {"X-RateLimit-Bucket", hash}};
    return d;
}

}  // namespace apexcore::sandbox
