#pragma once
/// @file rest_chat_actions.hpp
/// The outbound chat port (ports/chat_actions.hpp) over Discord's REST API (REFERENCE.md §2.5).
///
/// | call               | route                                              | permission the bot needs          |
/// |--------------------|----------------------------------------------------|-----------------------------------|
/// | send_message       | POST /channels/{id}/messages (multipart with files) | View Channel, Send Messages (+ Attach Files) |
/// | edit_message       | PATCH /channels/{id}/messages/{id}                 | its own message                   |
/// | delete_message     | DELETE /channels/{id}/messages/{id}                | Manage Messages for others'       |
/// | send_dm            | POST /users/@me/channels, then send_message        | the member accepts DMs (else 50007) |
/// | create_channel     | POST /guilds/{id}/channels                         | Manage Channels (+ Manage Roles for overwrites) |
/// | modify_channel     | PATCH /channels/{id}                               | Manage Channels (+ Manage Roles for overwrites) |
/// | delete_channel     | DELETE /channels/{id}                              | Manage Channels                   |
/// | list_channels      | GET /guilds/{id}/channels                          | —                                 |
/// | list_roles         | GET /guilds/{id}/roles                             | —                                 |
/// | create_role        | POST /guilds/{id}/roles                            | Manage Roles                      |
/// | add/remove_member_role | PUT/DELETE /guilds/{id}/members/{id}/roles/{id} | Manage Roles, role below the bot's highest |
/// | fetch_member       | GET /guilds/{id}/members/{id}                      | —                                 |
/// | read_history       | GET /channels/{id}/messages?before=&limit=         | View Channel, Read Message History |
/// | download_attachment | GET of the attachment's signed CDN URL (not the API) | — (only `attachment_hosts`) |
/// | missing            | GET /users/@me (once), /guilds/{id}/roles, /guilds/{id}/channels, /guilds/{id}/members/{bot} | — |
///
/// Audit-log reasons go as `X-Audit-Log-Reason` (URL-encoded, REFERENCE.md §2.1).
///
/// Errors (classify_failure): 404 and Discord's "unknown ..." codes → not_found; 403, 50001 and
/// 50013 → missing_permissions — except that a 50013 on a role grant is checked against the
/// bot's roles (GET /users/@me, /guilds/{id}/roles, /guilds/{id}/members/{bot}) and reported as
/// role_hierarchy when the bot does hold Manage Roles; 400s (50035, 50006, 50007, ...) →
/// invalid_input; a 429 still refused after the REST client's retries, or a request still
/// queued when `timeout` ran out (then withdrawn, never sent) → rate_limited_timeout; transport
/// failures, timeouts and 5xx → unavailable.
///
/// Thread-safety: thread-safe; each call blocks its caller until answered. A call made on a
/// thread that runs `io` (where the answer would be produced) returns `unavailable` at once.

#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/ports/chat_actions.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include <optional>
#include <span>
#include <system_error>

namespace apexcore::discord {

/// How long a call may take.
struct chat_actions_options {
    /// The most a call waits for its request to be sent, rate limits included; a request still
    /// queued then is withdrawn (rate_limited_timeout). Once on the wire, the REST client's
    /// exchange timeout bounds the rest.
    std::chrono::milliseconds queue_timeout{10000};
    /// Hosts download_attachment fetches from (https only): Discord's CDN and media proxy. A URL
    /// on any other host is refused (a member cannot make the bot fetch what they like).
    std::vector<std::string> attachment_hosts{"cdn.discordapp.com", "media.discordapp.net"};
    std::string ca_file;                        ///< PEM file to trust instead of the system store (sandbox)
    std::chrono::seconds download_timeout{30};  ///< connect, TLS and the whole transfer
};

/// The port's error for a failed REST exchange (see the file comment). `ec` is the transport
/// error, if any; otherwise `response` has a status >= 300.
[[nodiscard]] ports::chat_error classify_failure(std::error_code ec, const rest_response& response);

/// What `bot` lacks in `guild` for `needs`, computed by the guild cache's permission arithmetic
/// (cache::guild_cache::missing, REFERENCE.md §7.3) over `state`: server-wide rights, abilities
/// in a channel (seeing it comes with anything done in it), roles the bot must be able to grant
/// (below its highest role), and roles that must exist. One sentence per problem; empty when all
/// is there. Used by rest_chat_actions::missing (over what REST just said) and by a bot's
/// start-up check (over the gateway's cache, discord_runtime's on_guild_ready).
[[nodiscard]] std::vector<std::string> missing_requirements(const cache::guild_cache& state, core::guild_id guild,
                                                            core::user_id bot, std::span<const ports::requirement> needs);

/// ports::chat_actions on a rest_client. Thread-safe; blocking (see the file comment).
class rest_chat_actions final : public ports::chat_actions {
public:
    /// `rest` and `io` must outlive this object; `io` is the context `rest` runs on.
    rest_chat_actions(rest_client& rest, boost::asio::io_context& io, chat_actions_options options = {});

    ports::chat_result<ports::sent_message> send_message(core::channel_id channel, const ports::message& body,
                                                         std::span<const ports::outbound_file> files = {}) override;
    ports::chat_result<ports::sent_message> edit_message(core::channel_id channel, core::message_id id,
                                                         const ports::message& body) override;
    ports::chat_result<ports::chat_done> delete_message(core::channel_id channel, core::message_id id,
                                                        std::string_view reason = {}) override;
    ports::chat_result<ports::sent_message> send_dm(core::user_id user, const ports::message& body,
                                                    std::span<const ports::outbound_file> files = {}) override;
    ports::chat_result<ports::channel_info> create_channel(core::guild_id guild, const ports::channel_spec& spec,
                                                           std::string_view reason = {}) override;
    ports::chat_result<ports::channel_info> modify_channel(core::channel_id channel, const ports::channel_changes& changes,
                                                           std::string_view reason = {}) override;
    ports::chat_result<ports::chat_done> delete_channel(core::channel_id channel, std::string_view reason = {}) override;
    ports::chat_result<std::vector<ports::channel_info>> list_channels(core::guild_id guild) override;
    ports::chat_result<std::vector<ports::role_info>> list_roles(core::guild_id guild) override;
    ports::chat_result<ports::role_info> create_role(core::guild_id guild, const ports::role_spec& spec,
                                                     std::string_view reason = {}) override;
    ports::chat_result<ports::chat_done> add_member_role(core::guild_id guild, core::user_id user, core::role_id role,
                                                         std::string_view reason = {}) override;
    ports::chat_result<ports::chat_done> remove_member_role(core::guild_id guild, core::user_id user, core::role_id role,
                                                            std::string_view reason = {}) override;
    ports::chat_result<ports::member_info> fetch_member(core::guild_id guild, core::user_id user) override;
    ports::chat_result<ports::history_page> read_history(core::channel_id channel, std::optional<core::message_id> before,
                                                         int limit = ports::history_page_max) override;
    ports::chat_result<std::string> download_attachment(const ports::attachment_info& attachment, std::size_t max_bytes,
                                                        std::span<const std::string> content_types = {}) override;
    /// GET /users/@me, asked once and remembered.
    ports::chat_result<core::user_id> bot_user() override;
    /// Asks Discord for the guild's roles and channels and the bot's member (4 GETs, the first
    /// once), then missing_requirements over them: the state now, not a cache's.
    ports::chat_result<std::vector<std::string>> missing(core::guild_id guild,
                                                         std::span<const ports::requirement> needs) override;

private:
    struct answer {
        std::error_code ec;
        rest_response response;
    };
    ports::chat_result<answer> call(http_method method, std::string path, const std::optional<json>& body,
                                    std::optional<encoded_body> encoded, std::string_view reason);
    ports::chat_result<ports::chat_done> member_role(http_method method, core::guild_id guild, core::user_id user,
                                                     core::role_id role, std::string_view reason);
    /// After a 50013 on a role grant: role_hierarchy if the bot holds Manage Roles, else the error.
    ports::chat_error explain_role_refusal(core::guild_id guild, core::role_id role, ports::chat_error refusal);

    rest_client& rest_;
    boost::asio::io_context& io_;
    chat_actions_options options_;
    std::mutex mutex_;
    std::optional<core::user_id> bot_user_;             ///< from GET /users/@me, once
    std::map<core::user_id, core::channel_id> dm_channels_;  ///< bounded: cleared at 10,000
};

}  // namespace apexcore::discord
