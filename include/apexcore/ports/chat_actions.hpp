#pragma once
/// @file chat_actions.hpp
/// The outbound chat port: what the shop does on the chat platform beyond answering the
/// interaction in front of it — post and edit messages, DM a member, open and close private
/// channels, create roles and grant them, look a member up, read a channel's history for a
/// transcript. Neutral: no Discord type appears here; the Discord adapter
/// (discord/rest_chat_actions.hpp) maps each call to its REST route, and a fake or another chat
/// library can implement it without touching the services.
///
/// Errors: everything the platform can refuse is a `chat_error` in the result, never an
/// exception; the code says what a caller can do about it (see `chat_errc`). Bad arguments the
/// caller could have checked (an empty channel name, 0 as an id, a reason over 512 bytes) are
/// `invalid_input` and nothing is sent.
///
/// Threading: implementations are thread-safe. Every call blocks its caller until the platform
/// answered or gave up (rate limits included, bounded by the implementation's timeout), so call
/// them from the bot's worker threads or your own — never from the adapter's I/O threads, where
/// the Discord implementation answers `unavailable` at once instead of deadlocking.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/result.hpp>
#include <apexcore/ports/chat.hpp>
#include <apexcore/ports/message.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::ports {

/// Why the platform refused (or could not be asked).
enum class chat_errc {
    not_found,             ///< the channel, message, member, role or user does not exist (Discord 10003/10007/10008/10011/10013, 404)
    missing_permissions,   ///< the bot lacks a permission for this (Discord 50001/50013); the owner must grant it
    role_hierarchy,        ///< the role is at or above the bot's highest role (Discord 50013 with Manage Roles held, REFERENCE.md §7.3)
    rate_limited_timeout,  ///< still rate limited when the call's time ran out; nothing was done
    invalid_input,         ///< the request was malformed or over a limit (Discord 50035 and other 400s, 50006)
    dm_closed,             ///< the member does not accept direct messages from the bot (Discord 50007); tell them another way
    unavailable,           ///< the platform could not be reached or failed (5xx, timeouts, called on an I/O thread)
};

/// A stable lower-case name for logs and tests ("not_found", ...).
[[nodiscard]] constexpr std::string_view to_string(chat_errc code) {
    switch (code) {
        case chat_errc::not_found: return "not_found";
        case chat_errc::missing_permissions: return "missing_permissions";
        case chat_errc::role_hierarchy: return "role_hierarchy";
        case chat_errc::rate_limited_timeout: return "rate_limited_timeout";
        case chat_errc::invalid_input: return "invalid_input";
        case chat_errc::dm_closed: return "dm_closed";
        case chat_errc::unavailable: return "unavailable";
    }
    return "unknown";
}

/// A refusal: its code, and what the platform said (for logs, e.g. "50013 Missing Permissions").
struct chat_error {
    chat_errc code = chat_errc::unavailable;
    std::string detail;
};

/// Success without a value (a deletion, a role grant).
struct chat_done {};

/// The result of every outbound call.
template <class T>
using chat_result = core::result<T, chat_error>;

/// One permission overwrite on a channel: for a role (the guild id is the @everyone role) or a
/// member, abilities explicitly allowed and denied (REFERENCE.md §7.3 applies them in order).
struct overwrite {
    enum class target_kind { role, member };
    target_kind kind = target_kind::role;
    std::uint64_t target = 0;  ///< the role id or user id
    abilities allow;
    abilities deny;

    /// An overwrite for a role.
    static overwrite for_role(core::role_id role, abilities allow, abilities deny = {}) {
        return {target_kind::role, role.value, allow, deny};
    }
    /// An overwrite for a member.
    static overwrite for_member(core::user_id user, abilities allow, abilities deny = {}) {
        return {target_kind::member, user.value, allow, deny};
    }
};

/// What a channel is.
enum class channel_kind { text, category, other };

/// A channel to create.
struct channel_spec {
    std::string name;                         ///< 1..100 characters (Discord lower-cases text channel names)
    channel_kind kind = channel_kind::text;   ///< text or category
    std::string topic;                        ///< 0..1024 characters; text channels only
    std::optional<core::channel_id> parent;   ///< the category to put it in
    std::vector<overwrite> overwrites;        ///< <= 100 here (Discord allows 1000)
};

/// Changes to a channel; unset fields stay as they are.
struct channel_changes {
    std::optional<std::string> name;                          ///< 1..100 characters
    std::optional<std::string> topic;                         ///< 0..1024 characters
    std::optional<std::optional<core::channel_id>> parent;    ///< a category, or nullopt inside to take it out of one
    std::optional<std::vector<overwrite>> overwrites;         ///< replaces all of them (needs Manage Roles on Discord)
};

/// A channel as the platform reports it.
struct channel_info {
    core::channel_id id;
    channel_kind kind = channel_kind::text;
    std::string name;
    std::string topic;
    std::optional<core::channel_id> parent;
    std::vector<overwrite> overwrites;  ///< abilities not in `ability` are not reported
};

/// A role to create. Its permissions default to none (a tier or a staff marker role).
struct role_spec {
    std::string name;                  ///< 1..100 characters
    std::uint32_t color = 0;           ///< 0xRRGGBB, 0 = none
    bool hoist = false;                ///< shown separately in the member list
    bool mentionable = false;
};

/// A role as the platform reports it.
struct role_info {
    core::role_id id;
    std::string name;
    int position = 0;  ///< higher is more senior (REFERENCE.md §7.3)
};

/// A member of a guild.
struct member_info {
    core::user_id user;
    std::string username;
    std::string display_name;          ///< nickname, else global name, else username
    bool bot = false;
    std::vector<core::role_id> roles;  ///< without @everyone
};

/// Limits the port enforces before anything is sent.
inline constexpr std::size_t audit_reason_length_max = 512;          ///< bytes of UTF-8
inline constexpr int history_page_max = 100;                         ///< messages per page

/// A message a bot sent or created.
struct sent_message {
    core::channel_id channel;
    core::message_id id;
};

/// One message of a channel's history, as a transcript needs it.
struct history_message {
    core::message_id id;
    core::user_id author;
    std::string author_name;          ///< global name, else username
    bool author_is_bot = false;
    std::string content;
    std::vector<embed> embeds;        ///< title, description, fields, colour, footer
    std::vector<attachment_info> attachments;
    std::int64_t sent_unix_ms = 0;    ///< from the id (snowflake time, REFERENCE.md §8)
    std::optional<std::string> edited_at;  ///< ISO 8601 as the platform gave it, when edited
};

/// A page of history, oldest first.
struct history_page {
    std::vector<history_message> messages;
    /// Pass as `before` for the next (older) page; nullopt when this was the oldest.
    std::optional<core::message_id> older;
};

/// Something a feature needs the platform to let the bot do, so that the owner can be told
/// exactly what is missing (chat_actions::missing). Features declare them (bot/feature.hpp).
struct requirement {
    enum class capability { none, manage_channels, manage_roles };
    std::string why;                           ///< the feature and its purpose, e.g. "tickets"
    capability server_wide = capability::none; ///< a server-wide right
    std::optional<core::channel_id> channel;   ///< with `in_channel`: where
    abilities in_channel;                      ///< what the bot must be able to do in `channel`
    std::optional<core::role_id> grantable;    ///< a role the bot must be able to grant (below its own)
    std::optional<core::role_id> existing;     ///< a role that must exist (e.g. the staff role)
};

/// The outbound port. Thread-safe and blocking (see the file comment).
class chat_actions {
public:
    virtual ~chat_actions() = default;

    /// Posts `body` (its `ephemeral` is ignored: only answers can be ephemeral) with up to 10
    /// `files` to a channel. Embeds may show an uploaded image as "attachment://<filename>".
    virtual chat_result<sent_message> send_message(core::channel_id channel, const message& body,
                                                   std::span<const outbound_file> files = {}) = 0;
    /// Replaces a message the bot sent; attachments already on it are kept.
    virtual chat_result<sent_message> edit_message(core::channel_id channel, core::message_id id,
                                                   const message& body) = 0;
    /// Deletes a message (others' messages need manage_messages). `reason` goes to the audit log.
    virtual chat_result<chat_done> delete_message(core::channel_id channel, core::message_id id,
                                                  std::string_view reason = {}) = 0;
    /// Sends a direct message. `dm_closed` when the member does not accept DMs from the bot.
    virtual chat_result<sent_message> send_dm(core::user_id user, const message& body,
                                              std::span<const outbound_file> files = {}) = 0;

    /// Creates a text channel or a category in a guild.
    virtual chat_result<channel_info> create_channel(core::guild_id guild, const channel_spec& spec,
                                                     std::string_view reason = {}) = 0;
    /// Renames, re-topics, moves or re-permissions a channel.
    virtual chat_result<channel_info> modify_channel(core::channel_id channel, const channel_changes& changes,
                                                     std::string_view reason = {}) = 0;
    /// Deletes a channel or a category (its channels stay, outside any category).
    virtual chat_result<chat_done> delete_channel(core::channel_id channel, std::string_view reason = {}) = 0;

    /// The guild's text channels and categories (other kinds are left out), for /setup to see
    /// what exists. Discord: GET /guilds/{id}/channels (REFERENCE.md §7).
    virtual chat_result<std::vector<channel_info>> list_channels(core::guild_id guild) = 0;
    /// The guild's roles, @everyone included (its id is the guild's). Discord: GET /guilds/{id}/roles.
    virtual chat_result<std::vector<role_info>> list_roles(core::guild_id guild) = 0;

    /// Creates a role, placed just above @everyone.
    virtual chat_result<role_info> create_role(core::guild_id guild, const role_spec& spec,
                                               std::string_view reason = {}) = 0;
    /// Grants a role. `role_hierarchy` when the role is not below the bot's highest role.
    virtual chat_result<chat_done> add_member_role(core::guild_id guild, core::user_id user, core::role_id role,
                                                   std::string_view reason = {}) = 0;
    /// Takes a role away. Same errors as add_member_role.
    virtual chat_result<chat_done> remove_member_role(core::guild_id guild, core::user_id user, core::role_id role,
                                                      std::string_view reason = {}) = 0;
    /// Looks a member up.
    virtual chat_result<member_info> fetch_member(core::guild_id guild, core::user_id user) = 0;

    /// Downloads an attachment (a payment proof, a CSV import) of at most `max_bytes`, whose
    /// Content-Type starts with one of `content_types` (e.g. "image/", "text/csv"; empty = any).
    /// Only the platform's own file hosts are fetched (never a URL a member made up).
    /// `invalid_input`: too large (by its declared size or while reading), another content type,
    /// a URL not on the platform's hosts; `not_found`: gone (expired signed URL).
    virtual chat_result<std::string> download_attachment(const attachment_info& attachment, std::size_t max_bytes,
                                                         std::span<const std::string> content_types = {}) = 0;

    /// Up to `limit` (1..100) messages older than `before` (nullopt: the newest), oldest first.
    /// A channel the bot may see but not read the history of gives an empty page (Discord does).
    virtual chat_result<history_page> read_history(core::channel_id channel, std::optional<core::message_id> before,
                                                   int limit = history_page_max) = 0;

    /// The bot's own user id: for the overwrite that keeps the bot in a private channel it makes
    /// (REFERENCE.md's ticket example). `unavailable` when the platform cannot be asked.
    virtual chat_result<core::user_id> bot_user() = 0;

    /// What the bot lacks in `guild` for `needs`: one sentence per problem, naming the purpose
    /// (`why`), the right in the platform's own words and where, and what to do — e.g.
    /// "tickets: Manage Channels (server-wide)", "VIP tiers: the role VIP Gold (position 4) is not
    /// below the bot's highest role (position 3); move the bot's role above it". Empty when
    /// nothing is missing. `unavailable` while the guild's state is not known yet (on Discord:
    /// before its GUILD_CREATE) or the bot's own identity cannot be read.
    virtual chat_result<std::vector<std::string>> missing(core::guild_id guild, std::span<const requirement> needs) = 0;
};

}  // namespace apexcore::ports
