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
};

/// An interaction the sandbox sent and is waiting on.
struct pending_interaction {
    std::string id;
    std::string token;
    int type = 2;
    std::string user_id;  ///< who "clicked"
    steady::time_point created;
    std::optional<std::string> source_message_id;  ///< component interactions: the message clicked
    bool acknowledged = false;
    bool deferred = false;         ///< answered with type 5/6; the result comes as an edit
    steady::time_point acknowledged_at{};
    json callback;                 ///< the body the bot posted
    std::optional<json> original;  ///< the latest PATCH of @original (deferred answers)
    int followups = 0;
    std::optional<std::string> message_id;  ///< message created or updated by the callback
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
    [[nodiscard]] std::variant<json, api_failure> component_interaction(const json& request);

    /// POST /interactions/{id}/{token}/callback. Returns nullopt on success (204).
    [[nodiscard]] std::optional<api_failure> interaction_callback(const std::string& id, const std::string& token,
                                                                  const json& body);
    /// PATCH /webhooks/{application}/{token}/messages/@original: the edited message, or a failure.
    [[nodiscard]] std::variant<json, api_failure> edit_original(const std::string& application, const std::string& token,
                                                                const json& body);
    /// POST /webhooks/{application}/{token}: a follow-up message, or a failure.
    [[nodiscard]] std::variant<json, api_failure> followup(const std::string& application, const std::string& token,
                                                           const json& body);
    /// POST /channels/{channel}/messages.
    [[nodiscard]] std::variant<json, api_failure> create_message(const std::string& channel, const json& body);
    /// Messages created in a channel through POST /channels/{id}/messages.
    [[nodiscard]] std::size_t channel_message_count() const { return channel_messages_; }
    /// The ids of the guild's text channels.
    [[nodiscard]] const std::vector<std::string>& channel_ids() const { return channel_ids_; }
    [[nodiscard]] const pending_interaction* find_interaction(const std::string& id) const;
    [[nodiscard]] const json* find_message(const std::string& id) const;

private:
    [[nodiscard]] const member* find_member(const std::string& user_id) const;
    [[nodiscard]] json member_json(const member& m, bool with_user) const;
    [[nodiscard]] json channels_json() const;
    void register_interaction(const std::string& id, const std::string& token, int type, const std::string& user_id,
                              std::optional<std::string> source_message_id);
    [[nodiscard]] json interaction_base(const member& m, int type, const std::string& id, const std::string& token) const;

    std::string token_;
    world_ids ids_;
    std::vector<member> members_;
    json commands_ = json::array();
    std::map<std::string, json> messages_;
    std::map<std::string, pending_interaction> interactions_;
    std::map<std::string, std::string> interaction_by_token_;
    std::vector<std::string> channel_ids_;
    std::size_t channel_messages_ = 0;
    std::uint64_t last_snowflake_ = 0;
};

/// Discord's deadline for the initial interaction response (REFERENCE.md §3.5).
inline constexpr std::chrono::seconds interaction_deadline{3};

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
