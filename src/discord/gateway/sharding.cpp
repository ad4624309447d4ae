#include <apexcore/discord/gateway/sharding.hpp>
#include <apexcore/discord/model.hpp>

#include "../detail/json_access.hpp"

#include <algorithm>
#include <cassert>
#include <set>

namespace apexcore::discord::gateway {
namespace {

std::string describe_duration(std::chrono::milliseconds d) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
    if (minutes >= 60) return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
    if (minutes >= 1) return std::to_string(minutes) + " min";
    return std::to_string(std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count())) + " s";
}

}  // namespace

int shard_for_guild(std::optional<core::guild_id> guild, int num_shards) {
    assert(num_shards >= 1);
    if (!guild) return 0;
    return static_cast<int>((guild->value >> 22) % static_cast<std::uint64_t>(num_shards));
}

std::variant<shard_plan, std::string> plan_shards(const gateway_bot_info& info, int configured_total,
                                                  const std::vector<int>& configured_ids) {
    shard_plan plan;
    plan.total = configured_total > 0 ? configured_total : std::max(1, info.shards);
    if (plan.total > shard_count_max) {
        return "a shard count of " + std::to_string(plan.total) + " is above the supported " +
               std::to_string(shard_count_max);
    }
    plan.max_concurrency = std::max(1, info.limit.max_concurrency);
    if (configured_ids.empty()) {
        for (int i = 0; i < plan.total; ++i) plan.ids.push_back(i);
    } else {
        std::set<int> seen;
        for (int id : configured_ids) {
            if (id < 0 || id >= plan.total) {
                return "shard id " + std::to_string(id) + " is outside 0.." + std::to_string(plan.total - 1);
            }
            if (!seen.insert(id).second) return "shard id " + std::to_string(id) + " is listed twice";
        }
        plan.ids.assign(seen.begin(), seen.end());
    }
    if (info.limit.remaining < static_cast<int>(plan.ids.size())) {
        return "the session start limit is exhausted: " + std::to_string(info.limit.remaining) + " of " +
               std::to_string(info.limit.total) + " identifies left today, " + std::to_string(plan.ids.size()) +
               " needed; it resets in " + describe_duration(info.limit.reset_after) +
               " (starting anyway would risk Discord resetting the token)";
    }
    return plan;
}

identify_limiter::identify_limiter(int max_concurrency, std::chrono::milliseconds window)
    : max_concurrency_(std::max(1, max_concurrency)), window_(window) {}

std::chrono::steady_clock::time_point identify_limiter::reserve(int shard_id, std::chrono::steady_clock::time_point now) {
    const int key = shard_id % max_concurrency_;
    auto& next = next_free_[key];
    const auto slot = std::max(now, next);
    next = slot + window_;
    return slot;
}

std::optional<gateway_bot_info> parse_gateway_bot(const std::string& body) {
    using detail::integer_field;
    const json j = json::parse(body, nullptr, false);
    const std::string* url = detail::string_field(j, "url");
    if (j.is_discarded() || url == nullptr) return std::nullopt;
    gateway_bot_info info;
    info.url = *url;
    // Every number is range-checked before conversion; a field outside its range refuses the body.
    if (j.contains("shards")) {
        const auto shards = integer_field(j, "shards", 1, shard_count_max);
        if (!shards) return std::nullopt;
        info.shards = static_cast<int>(*shards);
    }
    if (const json* l = detail::object_field(j, "session_start_limit")) {
        const auto total = integer_field(*l, "total", 0, session_start_total_max);
        const auto remaining = integer_field(*l, "remaining", 0, session_start_total_max);
        const auto reset_after = integer_field(*l, "reset_after", 0, reset_after_ms_max);
        const auto concurrency = integer_field(*l, "max_concurrency", 1, max_concurrency_max);
        if (!total || !remaining || !reset_after || !concurrency) return std::nullopt;
        info.limit.total = static_cast<int>(*total);
        info.limit.remaining = static_cast<int>(*remaining);
        info.limit.reset_after = std::chrono::milliseconds(*reset_after);
        info.limit.max_concurrency = static_cast<int>(*concurrency);
    }
    return info;
}

}  // namespace apexcore::discord::gateway
