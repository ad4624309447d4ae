#pragma once
/// @file permissions.hpp
/// Discord's permission arithmetic (REFERENCE.md §7.3), as pure functions:
///   base = owner ? all : @everyone | every role of the member; ADMINISTRATOR → all;
///   in a channel: the @everyone overwrite (deny, then allow), then the member's role overwrites
///   combined (all denies, then all allows), then the member's own overwrite; ADMINISTRATOR
///   ignores overwrites; without VIEW_CHANNEL nothing else applies; without SEND_MESSAGES no
///   MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES or EMBED_LINKS.
/// Permissions are uint64 bit sets (REFERENCE.md §7.1, bits up to 1 << 52). Thread-safe.

#include <apexcore/core/ids.hpp>

#include <cstdint>
#include <span>
#include <string>

namespace apexcore::discord::cache {

/// Every permission bit Discord defines today (bits 0..52).
inline constexpr std::uint64_t all_permissions = (1ULL << 53) - 1;

/// Named bits a shop needs (REFERENCE.md §7.2).
namespace permission {
inline constexpr std::uint64_t administrator = 1ULL << 3;
inline constexpr std::uint64_t manage_channels = 1ULL << 4;
inline constexpr std::uint64_t add_reactions = 1ULL << 6;
inline constexpr std::uint64_t view_channel = 1ULL << 10;
inline constexpr std::uint64_t send_messages = 1ULL << 11;
inline constexpr std::uint64_t send_tts_messages = 1ULL << 12;
inline constexpr std::uint64_t manage_messages = 1ULL << 13;
inline constexpr std::uint64_t embed_links = 1ULL << 14;
inline constexpr std::uint64_t attach_files = 1ULL << 15;
inline constexpr std::uint64_t read_message_history = 1ULL << 16;
inline constexpr std::uint64_t mention_everyone = 1ULL << 17;
inline constexpr std::uint64_t manage_roles = 1ULL << 28;
}  // namespace permission

/// One channel overwrite: for a role (the guild id is @everyone) or a member.
struct overwrite_bits {
    std::uint64_t target = 0;
    bool member = false;
    std::uint64_t allow = 0;
    std::uint64_t deny = 0;
};

/// Guild-wide permissions of a member: `everyone` is the @everyone role's bits, `roles` the bits
/// of each role the member holds.
[[nodiscard]] std::uint64_t base_permissions(bool is_owner, std::uint64_t everyone, std::span<const std::uint64_t> roles);

/// Permissions in a channel from the member's base permissions and the channel's overwrites.
[[nodiscard]] std::uint64_t channel_permissions(std::uint64_t base, core::guild_id guild, core::user_id user,
                                                std::span<const core::role_id> member_roles,
                                                std::span<const overwrite_bits> overwrites);

/// Human names of the bits in `bits`, e.g. "Manage Channels, Attach Files" (REFERENCE.md §7.2
/// names in Discord's client wording); unknown bits as "bit N".
[[nodiscard]] std::string permission_names(std::uint64_t bits);

}  // namespace apexcore::discord::cache
