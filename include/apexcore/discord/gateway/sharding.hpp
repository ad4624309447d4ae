#pragma once
/// @file sharding.hpp
/// Sharding rules, pure (REFERENCE.md §1.12): which shard a guild belongs to, which shards a
/// process runs, when each may IDENTIFY, and whether the daily session-start budget allows it.

#include <apexcore/core/ids.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace apexcore::discord::gateway {

/// The shard that receives a guild's events: `(guild_id >> 22) % num_shards`. DMs (no guild)
/// go to shard 0. Precondition: num_shards >= 1.
[[nodiscard]] int shard_for_guild(std::optional<core::guild_id> guild, int num_shards);

/// The most shards a plan may have. Discord's largest bots run a few thousand; a response or
/// config asking for more is refused before anything is allocated (one asking for ~50M shards
/// once allocated 481 MiB).
inline constexpr std::int64_t shard_count_max = 65536;
/// Upper bounds of session_start_limit's fields accepted from GET /gateway/bot.
inline constexpr std::int64_t session_start_total_max = 1'000'000;
inline constexpr std::int64_t reset_after_ms_max = 7LL * 24 * 60 * 60 * 1000;  ///< a week
inline constexpr std::int64_t max_concurrency_max = 1024;

/// `session_start_limit` from GET /gateway/bot (§1.1).
struct session_start_limit {
    int total = 1000;
    int remaining = 1000;
    std::chrono::milliseconds reset_after{0};
    int max_concurrency = 1;  ///< identifies allowed per 5 s, one per rate-limit key
};

/// What GET /gateway/bot recommends.
struct gateway_bot_info {
    std::string url;
    int shards = 1;
    session_start_limit limit;
};

/// Which shards this process runs.
struct shard_plan {
    int total = 1;            ///< num_shards sent in every IDENTIFY
    std::vector<int> ids;     ///< shard ids run here, ascending
    int max_concurrency = 1;
};

/// Builds the plan: `configured_total` (0 = Discord's recommendation) and `configured_ids`
/// (empty = all). Returns the plan, or an error sentence when the total is above shard_count_max,
/// the ids are out of range or duplicated, or the session-start budget cannot start them all
/// ("... resets in 3 h 12 min").
[[nodiscard]] std::variant<shard_plan, std::string> plan_shards(const gateway_bot_info& info, int configured_total,
                                                                const std::vector<int>& configured_ids);

/// Spaces IDENTIFYs: shards with the same rate-limit key (`shard_id % max_concurrency`) at least
/// `window` apart; different keys may identify at the same time (§1.12). Not thread-safe; the
/// gateway client uses it from its strand.
class identify_limiter {
public:
    explicit identify_limiter(int max_concurrency, std::chrono::milliseconds window = std::chrono::milliseconds(5000));
    /// Reserves the earliest slot for `shard_id` at or after `now` and returns it.
    std::chrono::steady_clock::time_point reserve(int shard_id, std::chrono::steady_clock::time_point now);

private:
    int max_concurrency_;
    std::chrono::milliseconds window_;
    std::map<int, std::chrono::steady_clock::time_point> next_free_;
};

/// Parses GET /gateway/bot's body; never throws. nullopt when the body is not JSON, `url` is
/// missing, or a number is outside its range (shards 1..shard_count_max, total and remaining
/// 0..session_start_total_max, reset_after 0..reset_after_ms_max ms, max_concurrency
/// 1..max_concurrency_max).
[[nodiscard]] std::optional<gateway_bot_info> parse_gateway_bot(const std::string& body);

}  // namespace apexcore::discord::gateway
