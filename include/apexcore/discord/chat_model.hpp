#pragma once
/// @file chat_model.hpp
/// Discord JSON <-> the outbound chat port's neutral types (ports/chat_actions.hpp): request
/// bodies for channels, roles and files, and the channel, role, member and message objects
/// Discord answers with. Pure functions, no I/O, thread-safe; like model.hpp, parse_* never
/// throws whatever the input and to_* always produce serialisable (valid UTF-8) JSON.

#include <apexcore/core/result.hpp>
#include <apexcore/discord/cache/permissions.hpp>
#include <apexcore/discord/model.hpp>
#include <apexcore/ports/chat_actions.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace apexcore::discord {

/// Discord permission bits the port's abilities map to (REFERENCE.md §7.2): the cache's names.
namespace permission_bits = cache::permission;

/// The Discord permission bits of a set of abilities.
[[nodiscard]] std::uint64_t to_permission_bits(ports::abilities a);
/// The abilities within Discord permission bits (bits with no ability are dropped).
[[nodiscard]] ports::abilities from_permission_bits(std::uint64_t bits);

/// Why a request was not built: the port's `invalid_input`, with what was wrong.
using build_result = core::result<json, ports::chat_error>;

/// The body of `POST /guilds/{guild}/channels` (REFERENCE.md §2.5): name 1..100 characters
/// (valid UTF-8, no control characters), topic <= 1024 (text channels), at most 100 overwrites,
/// overwrite targets non-zero; a category has no parent and no topic.
[[nodiscard]] build_result to_create_channel_body(const ports::channel_spec& spec);
/// The body of `PATCH /channels/{channel}`; same limits; an empty change is invalid_input.
[[nodiscard]] build_result to_modify_channel_body(const ports::channel_changes& changes);
/// The body of `POST /guilds/{guild}/roles`: name 1..100 characters, permissions "0",
/// colour 0..0xFFFFFF (sent as `colors.primary_color`, REFERENCE.md §7.4).
[[nodiscard]] build_result to_create_role_body(const ports::role_spec& spec);
/// The body of a message to a channel or a DM: to_message_data without the ephemeral flag, plus
/// `attachments` metadata `{id: n, filename, description}` for each file (REFERENCE.md §2.4) —
/// `files`, or the message's own `files` when that is empty.
/// Errors: more than 10 files, a file over 10 MiB, a filename empty, over 255 bytes, not UTF-8,
/// or with '/', '\\' or control characters; a message with no content, embed, row or file
/// (Discord's 50006).
[[nodiscard]] build_result to_channel_message_body(const ports::message& body, std::span<const ports::outbound_file> files);

/// A `multipart/form-data` body: `payload_json` then `files[n]` parts (REFERENCE.md §2.4).
/// `boundary` must not occur in any part (make_multipart_boundary picks one that does not).
[[nodiscard]] std::string to_multipart(const json& payload, std::span<const ports::outbound_file> files,
                                       std::string_view boundary);
/// A boundary of 32 random hex digits that occurs in none of `files` nor `payload_text`.
[[nodiscard]] std::string make_multipart_boundary(std::string_view payload_text, std::span<const ports::outbound_file> files);

/// A channel object (REFERENCE.md §7.5). Errors: not an object, bad id, overwrites malformed.
[[nodiscard]] core::result<ports::channel_info, model_error> parse_channel(const json& j);
/// A role object (§7.4). Errors: not an object, bad id, position not an integer in 0..65535.
[[nodiscard]] core::result<ports::role_info, model_error> parse_role(const json& j);
/// Role objects with their permissions, for the role-hierarchy check.
struct role_with_permissions {
    ports::role_info role;
    std::uint64_t permissions = 0;
};
/// A role object with its `permissions` string (a decimal uint64).
[[nodiscard]] core::result<role_with_permissions, model_error> parse_role_with_permissions(const json& j);
/// A guild member object with its user (REFERENCE.md, guild_member.example.json).
[[nodiscard]] core::result<ports::member_info, model_error> parse_member(const json& j);
/// A message object (§6.1) as a transcript line: author, content, embeds, attachments, times.
[[nodiscard]] core::result<ports::history_message, model_error> parse_history_message(const json& j);
/// `GET /channels/{id}/messages` (newest first) as a page, oldest first; `older` is the oldest
/// id when the page was full (`requested` messages), else nullopt.
[[nodiscard]] core::result<ports::history_page, model_error> parse_history_page(const json& j, int requested);

}  // namespace apexcore::discord
