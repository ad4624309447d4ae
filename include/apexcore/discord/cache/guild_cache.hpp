#pragma once
/// @file guild_cache.hpp
/// The guild state a shop bot needs, kept from gateway dispatches (REFERENCE.md §1.14):
/// GUILD_CREATE / UPDATE / DELETE, CHANNEL_CREATE / UPDATE / DELETE, GUILD_ROLE_CREATE / UPDATE /
/// DELETE (the GUILDS intent), and GUILD_MEMBER_ADD / UPDATE / REMOVE and GUILD_MEMBERS_CHUNK
/// (the privileged GUILD_MEMBERS intent; without it only the members GUILD_CREATE carries — the
/// bot itself among them — are known). It answers permission questions (permissions.hpp) and
/// checks that the bot holds what its features need.
///
/// Memory is bounded (`cache_limits`): past a limit new entries are not stored and counted in
/// `cache_stats::dropped`; a question about something not stored answers nullopt, and the caller
/// asks Discord instead (chat_actions::fetch_member).
///
/// Malformed dispatches never throw: they are ignored and `apply` returns false.
/// Thread-safety: thread-safe (a shared mutex: one writer — the gateway — many readers).

#include <apexcore/core/ids.hpp>
#include <apexcore/discord/cache/permissions.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::discord::cache {

/// How much the cache may hold. Discord's own limits: 250 roles and 500 channels a guild.
struct cache_limits {
    std::size_t guilds_max = 10000;
    std::size_t channels_per_guild_max = 1000;  ///< channels + threads
    std::size_t roles_per_guild_max = 251;      ///< 250 + @everyone
    std::size_t members_max = 2000000;          ///< over all guilds
};

/// What the cache holds.
struct cache_stats {
    std::size_t guilds = 0;
    std::size_t channels = 0;
    std::size_t roles = 0;
    std::size_t members = 0;
    std::size_t dropped = 0;  ///< entries not stored because a limit was reached
    std::size_t ignored = 0;  ///< malformed dispatches ignored
};

/// A role as the cache keeps it.
struct role_view {
    core::role_id id;
    std::string name;
    int position = 0;
    std::uint64_t permissions = 0;
};

/// A channel as the cache keeps it.
struct channel_view {
    core::channel_id id;
    int type = 0;  ///< 0 text, 4 category, ... (REFERENCE.md §7.5)
    std::string name;
    std::optional<core::channel_id> parent;
};

/// A permission the bot needs for a feature: server-wide, or in one channel.
struct permission_need {
    std::uint64_t bits = 0;
    std::optional<core::channel_id> channel;  ///< nullopt: server-wide
    std::string feature;                      ///< e.g. "tickets"
};

/// A role the bot must be able to grant (Manage Roles, and the role below its highest).
struct role_need {
    core::role_id role;
    std::string feature;  ///< e.g. "VIP tiers"
};

/// The state cache. Thread-safe (see the file comment).
class guild_cache {
public:
    explicit guild_cache(cache_limits limits = {});
    ~guild_cache();
    guild_cache(const guild_cache&) = delete;
    guild_cache& operator=(const guild_cache&) = delete;

    /// Applies one dispatch (`t`, `d`). True when it changed or confirmed the state; false for an
    /// event it does not track or a malformed payload (counted in `ignored`).
    bool apply(std::string_view event, const nlohmann::json& d);

    /// Whether GUILD_CREATE has been seen for the guild (and it is available).
    [[nodiscard]] bool knows(core::guild_id guild) const;
    /// Guild-wide permissions of a member; nullopt for an unknown guild or member.
    [[nodiscard]] std::optional<std::uint64_t> permissions(core::guild_id guild, core::user_id user) const;
    /// A member's permissions in a channel of the guild; nullopt when the guild, channel or
    /// member is unknown.
    [[nodiscard]] std::optional<std::uint64_t> permissions_in(core::guild_id guild, core::channel_id channel,
                                                             core::user_id user) const;
    /// The position of the member's highest role (0 = only @everyone); nullopt when unknown.
    [[nodiscard]] std::optional<int> highest_position(core::guild_id guild, core::user_id user) const;
    /// A role of the guild; nullopt when unknown.
    [[nodiscard]] std::optional<role_view> role(core::guild_id guild, core::role_id id) const;
    /// A channel of the guild; nullopt when unknown.
    [[nodiscard]] std::optional<channel_view> channel(core::guild_id guild, core::channel_id id) const;
    /// The roles a member holds (without @everyone); nullopt when unknown.
    [[nodiscard]] std::optional<std::vector<core::role_id>> member_roles(core::guild_id guild, core::user_id user) const;

    /// What `bot` lacks for `needs` and `roles`, one sentence per problem naming the feature, the
    /// permission (Discord's wording) and where — e.g. "tickets: Manage Channels (server-wide)",
    /// "logs: Send Messages, Attach Files in #sales-log", "VIP tiers: the role VIP Gold (position
    /// 4) is not below the bot's highest role (position 3); move the bot's role above it". Empty
    /// when all is there; "guild not known yet" when GUILD_CREATE has not arrived.
    [[nodiscard]] std::vector<std::string> missing(core::guild_id guild, core::user_id bot,
                                                   const std::vector<permission_need>& needs,
                                                   const std::vector<role_need>& roles = {}) const;

    /// Counts of what is held.
    [[nodiscard]] cache_stats stats() const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace apexcore::discord::cache
