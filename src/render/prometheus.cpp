#include <apexcore/render/prometheus.hpp>

#include <apexcore/core/text.hpp>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace apexcore::render {

namespace {

enum type : int { counter = 0, gauge = 1, histogram = 2 };

constexpr const char* type_name(int t) { return t == counter ? "counter" : t == gauge ? "gauge" : "histogram"; }

/// HELP lines for apexcore's own metrics (ports/metrics.hpp); others get a generic one.
std::string_view help_for(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> known[] = {
        {"apexcore_interactions_total", "Interactions received, by kind."},
        {"apexcore_interaction_handler_seconds", "Time the bot's handler took for an interaction, by kind."},
        {"apexcore_interaction_response_seconds", "Time from an interaction's receipt to its initial response, by kind."},
        {"apexcore_rest_requests_total", "REST requests sent to Discord (each attempt), by method and status class."},
        {"apexcore_rest_rate_limited_total", "429 responses from Discord, by X-RateLimit-Scope."},
        {"apexcore_gateway_connects_total", "Gateway connections opened, by cause (start or the reconnect's cause)."},
        {"apexcore_gateway_shards_ready", "Gateway shards with a live session (READY or RESUMED)."},
        {"apexcore_purchases_total", "Wallet purchases, by outcome and rejection reason."},
        {"apexcore_store_commit_seconds", "Time to commit one store transaction."},
    };
    for (const auto& [n, h] : known) {
        if (n == name) return h;
    }
    return "apexcore metric.";
}

bool valid_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return ec == std::errc{} ? std::string(buffer, end) : "0";
}

/// `{a="x",b="y"}` (empty for no labels), values escaped; label names that are not valid
/// Prometheus names are dropped.
std::string label_text(ports::metric_labels labels) {
    std::string out;
    for (const auto& [name, value] : labels) {
        if (!valid_name(name) || name.find(':') != std::string_view::npos) continue;
        out += out.empty() ? "{" : ",";
        out += name;
        out += "=\"";
        for (const char c : core::to_valid_utf8(value)) {
            if (c == '\\') out += "\\\\";
            else if (c == '"') out += "\\\"";
            else if (c == '\n') out += "\\n";
            else out += c;
        }
        out += '"';
    }
    if (!out.empty()) out += '}';
    return out;
}

/// `labels` (as label_text made it) with one more label appended.
std::string with_label(const std::string& labels, std::string_view extra) {
    std::string out;
    out.reserve(labels.size() + extra.size() + 2);
    if (labels.empty()) {
        out += '{';
    } else {
        out.append(labels, 0, labels.size() - 1);  // without its closing brace
        out += ',';
    }
    out += extra;
    out += '}';
    return out;
}

}  // namespace

struct prometheus_registry::family {
    int type = counter;
    struct series {
        double value = 0;                    // counter, gauge
        std::vector<std::uint64_t> buckets;  // histogram: per bucket (not cumulative)
        std::uint64_t count = 0;
        double sum = 0;
    };
    std::map<std::string, series, std::less<>> by_labels;
};

std::vector<double> prometheus_registry::default_buckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10};
}

prometheus_registry::prometheus_registry(std::vector<double> buckets) : buckets_(std::move(buckets)) {
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        if (!std::isfinite(buckets_[i]) || (i > 0 && buckets_[i] <= buckets_[i - 1])) {
            throw std::invalid_argument("prometheus_registry: buckets must be finite and ascending");
        }
    }
}

prometheus_registry::~prometheus_registry() = default;

prometheus_registry::family* prometheus_registry::find(std::string_view name, int t) {
    if (!valid_name(name)) return nullptr;
    auto it = families_.find(name);
    if (it == families_.end()) {
        auto f = std::make_unique<family>();
        f->type = t;
        it = families_.emplace(std::string(name), std::move(f)).first;
    }
    return it->second->type == t ? it->second.get() : nullptr;
}

void prometheus_registry::count(std::string_view name, ports::metric_labels labels, std::uint64_t value) {
    const std::string key = label_text(labels);
    const std::lock_guard lock(mutex_);
    if (auto* f = find(name, counter)) f->by_labels[key].value += static_cast<double>(value);
}

void prometheus_registry::set(std::string_view name, ports::metric_labels labels, double value) {
    const std::string key = label_text(labels);
    const std::lock_guard lock(mutex_);
    if (auto* f = find(name, gauge)) f->by_labels[key].value = value;
}

void prometheus_registry::observe(std::string_view name, ports::metric_labels labels, double seconds) {
    if (std::isnan(seconds)) return;
    const std::string key = label_text(labels);
    const std::lock_guard lock(mutex_);
    auto* f = find(name, histogram);
    if (f == nullptr) return;
    auto& s = f->by_labels[key];
    if (s.buckets.empty()) s.buckets.assign(buckets_.size(), 0);
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        if (seconds <= buckets_[i]) {
            ++s.buckets[i];
            break;
        }
    }
    ++s.count;
    s.sum += seconds;
}

std::string prometheus_registry::exposition() const {
    const std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        out += "# HELP " + name + " " + std::string(help_for(name)) + "\n";
        out += "# TYPE " + name + " " + type_name(f->type) + "\n";
        for (const auto& [labels, s] : f->by_labels) {
            if (f->type != histogram) {
                out += name + labels + " " + number(s.value) + "\n";
                continue;
            }
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < buckets_.size(); ++i) {
                cumulative += s.buckets[i];
                out += name + "_bucket" + with_label(labels, "le=\"" + number(buckets_[i]) + "\"") + " " +
                       std::to_string(cumulative) + "\n";
            }
            out += name + "_bucket" + with_label(labels, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
            out += name + "_sum" + labels + " " + number(s.sum) + "\n";
            out += name + "_count" + labels + " " + std::to_string(s.count) + "\n";
        }
    }
    return out;
}

}  // namespace apexcore::render
