// The sandbox guild's members as Discord sees them: member roles (Manage Roles and hierarchy),
// member lookups, DM channels, and what the control API lets a member do (post, attach files) or
// changes for a test (the bot's permissions, a member's DMs) — REFERENCE.md §2.5, §7.
#include "world.hpp"
#include "world_checks.hpp"

#include <algorithm>

namespace apexcore::sandbox {

using namespace checks;

std::optional<api_failure> world::member_role(const std::string& guild, const std::string& user, const std::string& role,
                                              bool add) {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    const role_record* r = find_role(role);
    if (r == nullptr || r->id == ids_.guild_id) return error_body(404, 10011, "Unknown Role");
    const auto m = std::find_if(members_.begin(), members_.end(), [&](const member& x) { return x.user_id == user; });
    if (m == members_.end()) return error_body(404, 10007, "Unknown Member");
    const std::uint64_t held = bot_permissions();
    if ((held & perm::manage_roles) == 0) return missing_permissions();
    // REFERENCE.md §7.3: only roles below the bot's highest role (administrators too).
    if (r->position >= bot_highest_position() || r->managed) return missing_permissions();
    auto& roles = m->role_ids;
    const bool has = std::find(roles.begin(), roles.end(), role) != roles.end();
    if (add && !has) roles.push_back(role);
    if (!add && has) std::erase(roles, role);
    return std::nullopt;
}

std::variant<json, api_failure> world::get_member(const std::string& guild, const std::string& user) const {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    const member* m = find_member(user);
    if (m == nullptr) return error_body(404, 10007, "Unknown Member");
    return member_json(*m, true);
}

std::variant<json, api_failure> world::open_dm(const json& body) {
    if (!body.is_object() || !body.contains("recipient_id") || !id_of(body["recipient_id"])) {
        return form_error("recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
    }
    const std::string user = *id_of(body["recipient_id"]);
    const member* m = find_member(user);
    if (m == nullptr || user == ids_.bot_user_id) return error_body(400, 50278, "Cannot message this user: no mutual guilds");
    for (const auto& [id, c] : channels_) {
        if (c.type == 1 && c.recipient_id == user) return channel_json(c);
    }
    channel_record c;
    c.id = next_snowflake();
    c.type = 1;
    c.recipient_id = user;
    const std::string id = c.id;
    channels_[id] = std::move(c);
    return channel_json(channels_[id]);
}

std::optional<std::string> world::dm_channel_of(const std::string& user) const {
    for (const auto& [id, c] : channels_) {
        if (c.type == 1 && c.recipient_id == user) return id;
    }
    return std::nullopt;
}

std::variant<json, api_failure> world::member_says(const std::string& channel, const json& request, const json& attachments) {
    if (!request.is_object()) return control_error(400, "body must be a JSON object");
    const member* m = find_member(request.value("user_id", ""));
    if (m == nullptr) return control_error(404, "user_id is not a member of the sandbox guild");
    channel_record* c = find_channel(channel);
    if (c == nullptr || c->type == 4) return control_error(404, "no text channel " + channel);
    // A client lets a member write only where they can see and send (REFERENCE.md §7.3).
    const std::uint64_t may = member_permissions(m->user_id, c);
    if ((may & perm::view_channel) == 0 || (may & perm::send_messages) == 0) {
        return control_error(403, "the member may not send messages in #" + c->name + " (its permission overwrites)");
    }
    if (!attachments.empty() && (may & perm::attach_files) == 0) {
        return control_error(403, "the member may not attach files in #" + c->name + " (its permission overwrites)");
    }
    const std::string content = request.value("content", "");
    if ((content.empty() && attachments.empty()) || length(content) > 2000) {
        return control_error(400, "content must be 1..2000 characters (or send files)");
    }
    const std::string id = next_snowflake();
    json message = message_json(id, channel, user_json(m->user_id, m->username, false), json{{"content", content}});
    message["attachments"] = attachments;
    messages_[id] = message;
    remember(*c, id);
    // As MESSAGE_CREATE carries it in a guild: with guild_id and the author's partial member.
    message["guild_id"] = ids_.guild_id;
    message["member"] = member_json(*m, false);
    return message;
}

std::optional<api_failure> world::set_bot_permissions(const json& request) {
    const auto bits = request.is_object() && request.contains("permissions") ? bits_of(request["permissions"]) : std::nullopt;
    if (!bits) return control_error(400, "permissions must be a decimal string, e.g. \"268435456\"");
    for (auto& r : roles_) {
        if (r.id == ids_.bot_role_id) r.permissions = *bits;
    }
    return std::nullopt;
}

std::optional<api_failure> world::set_member_dms(const json& request) {
    if (!request.is_object() || !request.contains("accepts_dms") || !request["accepts_dms"].is_boolean()) {
        return control_error(400, "body must be {\"user_id\": \"...\", \"accepts_dms\": true|false}");
    }
    const auto m = std::find_if(members_.begin(), members_.end(), [&](const member& x) { return x.user_id == request.value("user_id", ""); });
    if (m == members_.end()) return control_error(404, "user_id is not a member of the sandbox guild");
    m->accepts_dms = request["accepts_dms"].get<bool>();
    return std::nullopt;
}

std::optional<api_failure> world::set_member_locale(const json& request) {
    // Discord's locales are "da", "de", "en-GB", "pt-BR", … (REFERENCE.md §3.2 interaction `locale`).
    const bool shaped = request.is_object() && request.contains("locale") && request["locale"].is_string() &&
                        request["locale"].get<std::string>().size() >= 2 && request["locale"].get<std::string>().size() <= 5;
    if (!shaped) return control_error(400, "body must be {\"user_id\": \"...\", \"locale\": \"de\"}");
    const auto m = std::find_if(members_.begin(), members_.end(), [&](const member& x) { return x.user_id == request.value("user_id", ""); });
    if (m == members_.end()) return control_error(404, "user_id is not a member of the sandbox guild");
    m->locale = request["locale"].get<std::string>();
    return std::nullopt;
}

}  // namespace apexcore::sandbox
