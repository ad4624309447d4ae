#pragma once
// The sandbox's Discord-side state and rules, free of networking: one guild with roles,
// channels and members; the commands the bot registered; the messages its interaction responses
// created; pending interactions with their 3 s deadline. Requests are checked the way Discord
// checks them (shared/discord/REFERENCE.md) and refused with Discord's error bodies.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace apexcore::sandbox {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

/// An HTTP status and a Discord JSON error body.
struct api_failure {
    unsigned status = 400;
    json body;
};

/// One member of the sandbox guild.
struct member {
    std::string user_id;
    std::string username;
    std::vector<std::string> role_ids;
    bool accepts_dms = true;  ///< false: DMs from the bot are refused with 50007
    std::string locale = "en-US";  ///< their client's language: the `locale` of their interactions
};

/// A role of the sandbox guild (REFERENCE.md §7.4).
struct role_record {
    std::string id;
    std::string name;
    int position = 0;
    std::uint64_t permissions = 0;
    std::uint32_t color = 0;
    bool hoist = false;
    bool mentionable = false;
    bool managed = false;  ///< the bot's own role
};

/// A channel of the sandbox guild, or a DM channel (REFERENCE.md §7.5).
struct channel_record {
    std::string id;
    int type = 0;  ///< 0 text, 1 DM, 4 category
    std::string name;
    std::string topic;
    std::optional<std::string> parent_id;
    int position = 0;
    json overwrites = json::array();   ///< [{id, type, allow, deny}] with string bits
    std::optional<std::string> recipient_id;  ///< DM channels
    std::vector<std::string> history;  ///< message ids, oldest first; the newest history_max are kept
};

/// Discord permission bits the sandbox checks (REFERENCE.md §7.2).
namespace perm {
inline constexpr std::uint64_t administrator = 1ULL << 3;
inline constexpr std::uint64_t manage_channels = 1ULL << 4;
inline constexpr std::uint64_t add_reactions = 1ULL << 6;
inline constexpr std::uint64_t view_channel = 1ULL << 10;
inline constexpr std::uint64_t send_messages = 1ULL << 11;
inline constexpr std::uint64_t manage_messages = 1ULL << 13;
inline constexpr std::uint64_t embed_links = 1ULL << 14;
inline constexpr std::uint64_t attach_files = 1ULL << 15;
inline constexpr std::uint64_t read_message_history = 1ULL << 16;
inline constexpr std::uint64_t manage_roles = 1ULL << 28;
inline constexpr std::uint64_t all = (1ULL << 53) - 1;
/// @everyone in the sandbox guild: Discord's default set for a new server.
inline constexpr std::uint64_t everyone_default = 2248473465835073ULL;
/// The bot's own role: what a shop bot is invited with (docs/sandbox.md).
inline constexpr std::uint64_t bot_default = manage_channels | manage_roles | view_channel | send_messages |
                                             manage_messages | embed_links | attach_files | read_message_history |
                                             add_reactions;
}  // namespace perm

/// Messages kept per channel (history for transcripts); older ones are forgotten.
inline constexpr std::size_t history_max = 1000;

/// An interaction the sandbox sent and is waiting on.
struct pending_interaction {
    std::string id;
    std::string token;
    int type = 2;
    std::string user_id;  ///< who "clicked"
    std::string command_name;  ///< application commands: the command's name
    steady::time_point created;
    std::optional<std::string> source_message_id;  ///< component interactions: the message clicked
    std::string channel_id;        ///< where it happened (its answers are posted there)
    bool acknowledged = false;
    bool deferred = false;         ///< answered with type 5/6; the result comes as an edit
    steady::time_point acknowledged_at{};
    json callback;                 ///< the body the bot posted
    std::optional<json> original;  ///< the latest PATCH of @original (deferred answers)
    int followups = 0;
    std::optional<std::string> message_id;  ///< message created or updated by the callback
    std::optional<json> modal;              ///< the modal the bot opened (type 9 data), until submitted
    std::optional<json> parent_modal_source;  ///< modal submissions: the message the modal was opened from
};

/// The fixed ids a sandbox session uses; printed at start-up and in docs/sandbox.md.
struct world_ids {
    std::string application_id = "1300000000000000001";
    std::string bot_user_id = "1300000000000000001";
    std::string guild_id = "1300000000000000100";
    std::string staff_role_id = "1300000000000000200";
    std::string customer_role_id = "1300000000000000201";
    std::string shop_channel_id = "1300000000000000300";
    std::string staff_user_id = "1300000000000001000";
    std::string customer_user_id = "1300000000000002000";
    std::string visitor_user_id = "1300000000000003000";  ///< a second customer (who must not see others' tickets)
    std::string bot_role_id = "1300000000000000202";    ///< managed, position 3
    std::string owner_role_id = "1300000000000000203";  ///< position 4, above the bot's role
};

class world {
public:
    /// `text_channels` text channels are created: #shop plus #channel-1 ... (for load tests).
    world(std::string token, world_ids ids, int text_channels = 25);

    [[nodiscard]] const std::string& token() const { return token_; }
    [[nodiscard]] const world_ids& ids() const { return ids_; }
    /// A fresh snowflake (current time, increasing).
    std::string next_snowflake();

    /// The READY dispatch data for a new session (REFERENCE.md §1.9).
    [[nodiscard]] json ready(const std::string& session_id, const std::string& resume_url) const;
    /// The GUILD_CREATE dispatch data (REFERENCE.md §1.14).
    [[nodiscard]] json guild_create() const;
    /// The member list as the control API shows it.
    [[nodiscard]] json members_json() const;

    /// PUT /applications/{app}/guilds/{guild}/commands.
    [[nodiscard]] std::variant<json, api_failure> overwrite_guild_commands(const std::string& app, const std::string& guild,
                                                                           const json& body);
    [[nodiscard]] const json& commands() const { return commands_; }

    /// Builds an APPLICATION_COMMAND interaction from a control request
    /// {"user_id","name","options":{name:value}}; errors are control-API errors.
    [[nodiscard]] std::variant<json, api_failure> command_interaction(const json& request);
    /// Builds a MESSAGE_COMPONENT interaction from {"user_id","message_id","custom_id","values"}.
    /// Values are option values (string selects) or ids of members, roles or channels (user /
    /// role / mentionable / channel selects, which get `resolved`).
    [[nodiscard]] std::variant<json, api_failure> component_interaction(const json& request);
    /// Builds a MODAL_SUBMIT interaction from {"user_id","interaction_id","values":{custom_id: text}}:
    /// the member fills in the modal the bot opened in answer to interaction_id (checked: required
    /// inputs, lengths, no unknown inputs, one submission).
    [[nodiscard]] std::variant<json, api_failure> modal_submit_interaction(const json& request);
    /// Builds an APPLICATION_COMMAND_AUTOCOMPLETE interaction from {"user_id","name","option","value",
    /// "options"?}: the member is typing `value` into the option, which must have autocomplete.
    [[nodiscard]] std::variant<json, api_failure> autocomplete_interaction(const json& request);

    /// POST /interactions/{id}/{token}/callback. Returns nullopt on success (204).
    [[nodiscard]] std::optional<api_failure> interaction_callback(const std::string& id, const std::string& token,
                                                                  const json& body);
    /// PATCH /webhooks/{application}/{token}/messages/@original: the edited message, or a failure.
    /// `attachments`: files uploaded with the edit (multipart), added to the message.
    [[nodiscard]] std::variant<json, api_failure> edit_original(const std::string& application, const std::string& token,
                                                                const json& body, const json& attachments = json::array());
    /// GET / PATCH / DELETE /webhooks/{application}/{token}/messages/{id or @original}: an
    /// interaction's original response or one of its follow-ups (REFERENCE.md §2.5). PATCH of
    /// @original is edit_original. DELETE answers null on success (204).
    [[nodiscard]] std::variant<json, api_failure> webhook_message(const std::string& method, const std::string& application,
                                                                  const std::string& token, const std::string& message,
                                                                  const json& body);
    /// POST /webhooks/{application}/{token}: a follow-up message, or a failure.
    [[nodiscard]] std::variant<json, api_failure> followup(const std::string& application, const std::string& token,
                                                           const json& body, const json& attachments = json::array());
    /// POST /channels/{channel}/messages. `attachments` are the uploaded files' attachment objects
    /// (multipart bodies, REFERENCE.md §2.4); sending them needs ATTACH_FILES.
    [[nodiscard]] std::variant<json, api_failure> create_message(const std::string& channel, const json& body,
                                                                 const json& attachments = json::array());
    /// PATCH /channels/{channel}/messages/{id}: the bot edits its own message.
    [[nodiscard]] std::variant<json, api_failure> edit_message(const std::string& channel, const std::string& id, const json& body);
    /// DELETE /channels/{channel}/messages/{id}. Returns nullopt on success (204).
    [[nodiscard]] std::optional<api_failure> delete_message(const std::string& channel, const std::string& id);
    /// GET /channels/{channel}/messages with `limit`, `before`, `after`, `around` (query values).
    [[nodiscard]] std::variant<json, api_failure> channel_messages(const std::string& channel,
                                                                   const std::map<std::string, std::string>& query) const;
    /// GET /channels/{channel}.
    [[nodiscard]] std::variant<json, api_failure> get_channel(const std::string& channel) const;
    /// POST /guilds/{guild}/channels.
    [[nodiscard]] std::variant<json, api_failure> create_channel(const std::string& guild, const json& body);
    /// PATCH /channels/{channel}.
    [[nodiscard]] std::variant<json, api_failure> modify_channel(const std::string& channel, const json& body);
    /// DELETE /channels/{channel}: the deleted channel.
    [[nodiscard]] std::variant<json, api_failure> delete_channel(const std::string& channel);
    /// The owner deletes a role in Discord's client: it leaves every member. @everyone and the
    /// bot's managed role cannot be deleted (400). Returns {"guild_id", "role_id"}, the
    /// GUILD_ROLE_DELETE payload.
    [[nodiscard]] std::variant<json, api_failure> delete_role(const std::string& role);
    /// GET /guilds/{guild}/channels: every channel and category (no threads, no DMs).
    [[nodiscard]] std::variant<json, api_failure> list_channels(const std::string& guild) const;
    /// GET /guilds/{guild}/roles.
    [[nodiscard]] std::variant<json, api_failure> list_roles(const std::string& guild) const;
    /// POST /guilds/{guild}/roles.
    [[nodiscard]] std::variant<json, api_failure> create_role(const std::string& guild, const json& body);
    /// PUT (add) / DELETE (remove) /guilds/{guild}/members/{user}/roles/{role}; nullopt on success.
    [[nodiscard]] std::optional<api_failure> member_role(const std::string& guild, const std::string& user,
                                                         const std::string& role, bool add);
    /// GET /guilds/{guild}/members/{user}.
    [[nodiscard]] std::variant<json, api_failure> get_member(const std::string& guild, const std::string& user) const;
    /// POST /users/@me/channels {"recipient_id"}: the DM channel (the existing one if any).
    [[nodiscard]] std::variant<json, api_failure> open_dm(const json& body);
    /// The id of the bot's DM channel with `user`, if the bot opened one.
    [[nodiscard]] std::optional<std::string> dm_channel_of(const std::string& user) const;

    /// Control API: a member posts `content` in a channel where they may view and send (else a
    /// 403 control error); answers the MESSAGE_CREATE payload (with guild_id and the member).
    /// `attachments` (attachment objects of files the member uploads) need Attach Files there.
    [[nodiscard]] std::variant<json, api_failure> member_says(const std::string& channel, const json& request,
                                                              const json& attachments = json::array());
    /// Control API: sets the permissions of the bot's own role ({"permissions":"<decimal>"}).
    [[nodiscard]] std::optional<api_failure> set_bot_permissions(const json& request);
    /// Control API: whether a member accepts DMs from the bot ({"user_id","accepts_dms"}).
    [[nodiscard]] std::optional<api_failure> set_member_dms(const json& request);
    /// Control API: the language of a member's Discord client, sent as the `locale` of their
    /// interactions ({"user_id","locale"}; default "en-US").
    [[nodiscard]] std::optional<api_failure> set_member_locale(const json& request);
    /// Control API: a channel's kept history, oldest first, as members see it; nullopt if unknown.
    [[nodiscard]] std::optional<json> history_json(const std::string& channel) const;
    /// Control API: the guild's channels (with overwrites and history sizes) and roles.
    [[nodiscard]] json guild_json() const;

    /// The bot's effective permissions in the guild, or in a channel (REFERENCE.md §7.3).
    [[nodiscard]] std::uint64_t bot_permissions(const channel_record* channel = nullptr) const;
    /// A member's permissions, server-wide (nullptr) or in `channel` (REFERENCE.md §7.3).
    [[nodiscard]] std::uint64_t member_permissions(const std::string& user_id, const channel_record* channel = nullptr) const;

    /// Messages created in a channel through POST /channels/{id}/messages.
    [[nodiscard]] std::size_t channel_message_count() const { return channel_messages_; }
    /// The ids of the guild's text channels created at start-up (#shop first).
    [[nodiscard]] const std::vector<std::string>& channel_ids() const { return channel_ids_; }
    [[nodiscard]] const pending_interaction* find_interaction(const std::string& id) const;
    [[nodiscard]] const json* find_message(const std::string& id) const;

private:
    [[nodiscard]] const member* find_member(const std::string& user_id) const;
    [[nodiscard]] json member_json(const member& m, bool with_user) const;
    [[nodiscard]] json channels_json() const;
    [[nodiscard]] json channel_json(const channel_record& c) const;
    [[nodiscard]] json role_json(const role_record& r) const;
    [[nodiscard]] json message_json(const std::string& id, const std::string& channel, const json& author, const json& body) const;
    [[nodiscard]] channel_record* find_channel(const std::string& id);
    [[nodiscard]] const channel_record* find_channel(const std::string& id) const;
    [[nodiscard]] const role_record* find_role(const std::string& id) const;
    [[nodiscard]] int bot_highest_position() const;
    [[nodiscard]] std::optional<api_failure> check_overwrites(const json& overwrites, bool creating) const;
    void remember(channel_record& c, const std::string& message_id);
    /// remember() in the channel `channel_id` if it still exists (it may have been deleted meanwhile).
    void remember_in(const std::string& channel_id, const std::string& message_id);
    void register_interaction(const std::string& id, const std::string& token, int type, const std::string& user_id,
                              std::optional<std::string> source_message_id, std::string command_name, std::string channel_id);
    /// The fields Discord puts on a message created by an interaction response: `interaction`
    /// (MessageInteraction, which libraries such as discord.py use to route a click on it),
    /// `interaction_metadata`, `application_id`, `webhook_id`, and the message `type`.
    void mark_as_response(json& message, const pending_interaction& p) const;
    /// An interaction's common fields, as Discord sends them from `channel_id`: in a guild channel
    /// with the member and their permissions there; in a DM (channel type 1) with `user`, no guild
    /// and context 1 (BOT_DM).
    [[nodiscard]] json interaction_base(const member& m, int type, const std::string& id, const std::string& token,
                                        const std::string& channel_id) const;
    /// Where a member acts: `requested` (empty = #shop) if it is a text or DM channel the member
    /// can see, else a control error.
    [[nodiscard]] std::variant<std::string, api_failure> acting_channel(const member& m, const std::string& requested) const;
    /// The options a member filled in (control `options`: name -> value) against their declared
    /// specs, with the `resolved` objects Discord adds; a control error for what a client could not send.
    [[nodiscard]] std::variant<json, api_failure> build_options(const json& specs, const json& given, json& resolved);

    std::string token_;
    world_ids ids_;
    std::vector<member> members_;
    json commands_ = json::array();
    std::map<std::string, json> messages_;
    std::map<std::string, pending_interaction> interactions_;
    std::map<std::string, std::string> interaction_by_token_;
    std::vector<std::string> channel_ids_;
    std::map<std::string, channel_record> channels_;
    std::vector<role_record> roles_;
    std::size_t channel_messages_ = 0;
    std::uint64_t last_snowflake_ = 0;
};

/// Discord's deadline for the initial interaction response (REFERENCE.md §3.5).
inline constexpr std::chrono::seconds interaction_deadline{3};

/// A user object (REFERENCE.md §3.2) with the nullable fields Discord always sends.
[[nodiscard]] json user_json(const std::string& id, const std::string& username, bool bot);

/// A control-API error: {"error": message}.
[[nodiscard]] api_failure control_error(unsigned status, const std::string& message);

/// ISO 8601 with microseconds, as Discord writes timestamps ("2026-11-29T22:00:00.000000+00:00").
[[nodiscard]] std::string iso8601_from_snowflake(const std::string& id);

/// {"message","code"} error body.
[[nodiscard]] api_failure error_body(unsigned status, int code, const std::string& message);

/// Checks an interaction callback body; nullopt when valid, else a 50035 Invalid Form Body with the
/// offending paths (REFERENCE.md §2.2, §3.5, §4, §5).
[[nodiscard]] std::optional<api_failure> validate_callback(const json& body, int interaction_type);

/// Checks a message body (create message, edit original, follow-up: REFERENCE.md §6.2).
[[nodiscard]] std::optional<api_failure> validate_message(const json& body);

/// Checks a bulk-overwrite command list (REFERENCE.md §3.6).
[[nodiscard]] std::optional<api_failure> validate_commands(const json& body);

}  // namespace apexcore::sandbox
