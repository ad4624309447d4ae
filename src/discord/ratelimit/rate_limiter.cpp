#include <apexcore/discord/ratelimit/rate_limiter.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace apexcore::discord::ratelimit {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> segments(std::string_view path) {
    path = path.substr(0, path.find('?'));
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return out;
}

constexpr milliseconds unknown_bucket_poll{100};

}  // namespace

route_key classify(std::string_view method, std::string_view path) {
    const auto parts = segments(path);
    route_key key;
    std::string route(method);
    route += ' ';
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string_view seg = parts[i];
        const std::string_view prev = i > 0 ? parts[i - 1] : std::string_view{};
        route += '/';
        const bool top_level = i == 1;
        if (top_level && (prev == "channels" || prev == "guilds") && all_digits(seg)) {
            key.major = std::string(prev == "channels" ? "channel:" : "guild:") + std::string(seg);
            route += prev == "channels" ? "{channel_id}" : "{guild_id}";
        } else if (top_level && prev == "webhooks" && all_digits(seg)) {
            key.major = "webhook:" + std::string(seg);
            route += "{webhook_id}";
            if (i + 1 < parts.size()) {  // webhook token: part of the major parameter, exempt from global
                key.major += ":" + std::string(parts[i + 1]);
                key.global_exempt = true;
                route += "/{webhook_token}";
                ++i;
            }
        } else if (top_level && prev == "interactions" && all_digits(seg)) {
            key.major = "interaction:" + std::string(seg);
            key.global_exempt = true;
            route += "{interaction_id}";
            if (i + 1 < parts.size()) {
                route += "/{interaction_token}";
                ++i;
            }
        } else if (prev == "reactions") {
            route += "{emoji}";
        } else if (all_digits(seg)) {
            route += "{id}";
        } else {
            route += seg;
        }
    }
    key.route = std::move(route);
    return key;
}

rate_limiter::rate_limiter(limiter_options options) : options_(options) {
    assert(options_.global_per_second > 0);
    assert(options_.invalid_pause_at > 0 && options_.invalid_pause_at <= options_.invalid_limit);
}

std::optional<milliseconds> rate_limiter::seconds_to_ms(double seconds) {
    if (!(seconds >= 0.0) || seconds > 1.0e7) return std::nullopt;
    return milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0 - 1e-9)));
}

std::string rate_limiter::bucket_id(const route_key& key) const {
    const auto it = route_to_hash_.find(key.route);
    return (it != route_to_hash_.end() ? "hash:" + it->second : "route:" + key.route) + "|" + key.major;
}

rate_limiter::bucket_state& rate_limiter::bucket_for(const route_key& key, time_point now) {
    bucket_state& b = buckets_[bucket_id(key)];
    if (b.reset_at && now >= *b.reset_at) {
        b.remaining = b.limit;
        b.reset_at.reset();
    }
    if (b.blocked_until && now >= *b.blocked_until) b.blocked_until.reset();
    return b;
}

void rate_limiter::prune_global(time_point now) {
    const auto window = std::chrono::seconds(1) + options_.global_window_margin;
    while (!global_sent_.empty() && global_sent_.front() + window <= now) global_sent_.pop_front();
    if (global_blocked_until_ && now >= *global_blocked_until_) global_blocked_until_.reset();
}

void rate_limiter::prune_invalid(time_point now) {
    while (!invalid_.empty() && invalid_.front() + options_.invalid_window <= now) invalid_.pop_front();
}

std::optional<time_point> rate_limiter::acquire(const route_key& key, time_point now) {
    prune_invalid(now);
    if (static_cast<int>(invalid_.size()) >= options_.invalid_pause_at) return invalid_.front() + options_.invalid_window;
    if (!key.global_exempt) {
        prune_global(now);
        if (global_blocked_until_) return global_blocked_until_;
        if (static_cast<int>(global_sent_.size()) >= options_.global_per_second) {
            return global_sent_.front() + std::chrono::seconds(1) + options_.global_window_margin;
        }
    }
    bucket_state& b = bucket_for(key, now);
    if (b.blocked_until) return b.blocked_until;
    if (!b.remaining) {
        // Unknown bucket (or no headers yet): one request at a time until a response teaches us.
        if (b.in_flight > 0) return now + unknown_bucket_poll;
    } else if (*b.remaining - b.in_flight <= 0) {
        return b.reset_at ? *b.reset_at : now + unknown_bucket_poll;
    }
    ++b.in_flight;
    b.last_used = now;
    if (!key.global_exempt) global_sent_.push_back(now);
    ++granted_;
    return std::nullopt;
}

void rate_limiter::on_abandoned(const route_key& key, time_point now) {
    bucket_state& b = bucket_for(key, now);
    if (b.in_flight > 0) --b.in_flight;
}

void rate_limiter::on_response(const route_key& key, const response_info& info, time_point now) {
    const std::string old_id = bucket_id(key);
    bucket_state* b = &buckets_[old_id];
    if (b->in_flight > 0) --b->in_flight;

    if (info.bucket && !info.bucket->empty()) {
        const auto known = route_to_hash_.find(key.route);
        if (known == route_to_hash_.end() || known->second != *info.bucket) {
            route_to_hash_[key.route] = *info.bucket;
            const std::string new_id = bucket_id(key);
            if (new_id != old_id) {
                bucket_state moved = *b;
                buckets_.erase(old_id);
                bucket_state& target = buckets_[new_id];
                target.in_flight += moved.in_flight;
                b = &target;
            }
        }
    }
    b->last_used = now;
    if (info.limit) b->limit = *info.limit;
    if (info.remaining) b->remaining = *info.remaining;
    if (info.reset_after_s) {
        if (const auto ms = seconds_to_ms(*info.reset_after_s)) b->reset_at = now + *ms;
    }
    if (info.remaining && !info.limit && !b->limit) b->limit = *info.remaining + 1;

    if (info.status == 429) {
        ++responses_429_;
        const auto retry = seconds_to_ms(info.retry_after_s.value_or(info.reset_after_s.value_or(1.0)))
                               .value_or(milliseconds(1000));
        const bool global = info.global || info.scope == std::optional<std::string>("global");
        if (global) global_blocked_until_ = now + retry;
        else b->blocked_until = now + retry;
        if (info.scope != std::optional<std::string>("shared")) invalid_.push_back(now);
    } else if (info.status == 401 || info.status == 403) {
        invalid_.push_back(now);
    }
    if (buckets_.size() > options_.buckets_max) evict_idle(now);
}

void rate_limiter::evict_idle(time_point now) {
    (void)now;
    // Drop the least recently used buckets with nothing in flight, down to 90 % of the cap.
    std::vector<std::pair<time_point, std::string>> idle;
    for (const auto& [id, b] : buckets_) {
        if (b.in_flight == 0) idle.emplace_back(b.last_used, id);
    }
    std::sort(idle.begin(), idle.end());
    const std::size_t target = options_.buckets_max * 9 / 10;
    for (const auto& [when, id] : idle) {
        if (buckets_.size() <= target) break;
        buckets_.erase(id);
    }
}

limiter_stats rate_limiter::stats(time_point now) {
    prune_invalid(now);
    return {granted_, responses_429_, invalid_.size()};
}

}  // namespace apexcore::discord::ratelimit
