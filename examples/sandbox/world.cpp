#include "world.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

namespace apexcore::sandbox {
namespace {

constexpr std::uint64_t discord_epoch_ms = 1420070400000ULL;

}  // namespace

json user_json(const std::string& id, const std::string& username, bool bot) {
    // openapi.json UserResponse: every required field, nullable ones as null.
    json u{{"id", id},          {"username", username}, {"discriminator", "0"}, {"global_name", username},
           {"avatar", nullptr}, {"public_flags", 0},    {"flags", 0},           {"primary_guild", nullptr}};
    if (bot) u["bot"] = true;
    return u;
}

std::string iso8601_from_snowflake(const std::string& id) {
    std::uint64_t value = 0;
    try {
        value = std::stoull(id);
    } catch (const std::exception&) {
        return "2015-01-01T00:00:00.000000+00:00";
    }
    const std::uint64_t ms = (value >> 22) + discord_epoch_ms;
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03u000+00:00", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                  utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<unsigned>(ms % 1000));
    return buf;
}

api_failure control_error(unsigned status, const std::string& message) {
    return {status, json{{"error", message}}};
}


world::world(std::string token, world_ids ids, int text_channels) : token_(std::move(token)), ids_(std::move(ids)) {
    channel_ids_.push_back(ids_.shop_channel_id);
    const std::uint64_t base = std::stoull(ids_.shop_channel_id);
    for (int i = 1; i < text_channels; ++i) channel_ids_.push_back(std::to_string(base + static_cast<std::uint64_t>(i)));
    for (std::size_t i = 0; i < channel_ids_.size(); ++i) {
        channel_record c;
        c.id = channel_ids_[i];
        c.name = i == 0 ? "shop" : "channel-" + std::to_string(i);
        c.position = static_cast<int>(i);
        channels_[c.id] = std::move(c);
    }
    roles_ = {
        {ids_.guild_id, "@everyone", 0, perm::everyone_default, 0, false, false, false},
        {ids_.customer_role_id, "Customer", 1, 0, 3447003, false, false, false},
        {ids_.staff_role_id, "Staff", 2, perm::manage_roles, 15844367, true, false, false},
        {ids_.bot_role_id, "apexbot", 3, perm::bot_default, 0, false, false, true},
        {ids_.owner_role_id, "Owner", 4, perm::administrator, 15158332, true, false, false},
    };
    members_.push_back({ids_.staff_user_id, "shop-owner", {ids_.staff_role_id}});
    members_.push_back({ids_.customer_user_id, "customer", {ids_.customer_role_id}});
    members_.push_back({ids_.visitor_user_id, "visitor", {ids_.customer_role_id}});
    members_.push_back({ids_.bot_user_id, "apexbot", {ids_.bot_role_id}});
}

std::string world::next_snowflake() {
    const auto now_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::uint64_t id = (now_ms - discord_epoch_ms) << 22;
    if (id <= last_snowflake_) id = last_snowflake_ + 1;
    last_snowflake_ = id;
    return std::to_string(id);
}

json world::ready(const std::string& session_id, const std::string& resume_url) const {
    return json{{"v", 10},
                {"user", user_json(ids_.bot_user_id, "apexbot", true)},
                {"guilds", json::array({{{"id", ids_.guild_id}, {"unavailable", true}}})},
                {"session_id", session_id},
                {"resume_gateway_url", resume_url},
                {"application", {{"id", ids_.application_id}, {"flags", 0}}}};
}

json world::guild_create() const {
    json roles = json::array();
    for (const auto& r : roles_) roles.push_back(role_json(r));
    json members = json::array();
    for (const auto& m : members_) members.push_back(member_json(m, true));
    return json{{"id", ids_.guild_id},
                {"name", "apexcore sandbox shop"},
                {"icon", nullptr},
                {"owner_id", ids_.staff_user_id},
                {"roles", std::move(roles)},
                {"emojis", json::array()},
                {"features", json::array()},
                {"preferred_locale", "en-US"},
                {"system_channel_id", ids_.shop_channel_id},
                {"joined_at", "2026-11-01T00:00:00.000000+00:00"},
                {"large", false},
                {"unavailable", false},
                {"member_count", members_.size()},
                {"voice_states", json::array()},
                {"members", std::move(members)},
                {"channels", channels_json()},
                {"threads", json::array()},
                {"presences", json::array()},
                {"stage_instances", json::array()},
                {"guild_scheduled_events", json::array()},
                {"soundboard_sounds", json::array()}};
}

json world::channels_json() const {
    json out = json::array();
    for (const auto& [id, c] : channels_) {
        if (c.type != 1) out.push_back(channel_json(c));
    }
    return out;
}

json world::member_json(const member& m, bool with_user) const {
    // openapi.json GuildMemberResponse: every required field, nullable ones as null.
    json j{{"roles", m.role_ids}, {"nick", nullptr},         {"avatar", nullptr},
           {"banner", nullptr},   {"premium_since", nullptr}, {"communication_disabled_until", nullptr},
           {"joined_at", "2026-11-01T00:00:00.000000+00:00"},
           {"deaf", false},       {"mute", false},           {"flags", 0}, {"pending", false}};
    if (with_user) j["user"] = user_json(m.user_id, m.username, m.user_id == ids_.bot_user_id);
    return j;
}

json world::members_json() const {
    json out = json::array();
    for (const auto& m : members_) {
        out.push_back({{"user_id", m.user_id}, {"username", m.username}, {"roles", m.role_ids}});
    }
    return out;
}

const member* world::find_member(const std::string& user_id) const {
    const auto it = std::find_if(members_.begin(), members_.end(), [&](const member& m) { return m.user_id == user_id; });
    return it == members_.end() ? nullptr : &*it;
}

std::variant<json, api_failure> world::overwrite_guild_commands(const std::string& app, const std::string& guild,
                                                                const json& body) {
    if (app != ids_.application_id) return error_body(404, 10002, "Unknown Application");
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    if (auto failure = validate_commands(body)) return *failure;
    json stored = json::array();
    for (const auto& c : body) {
        json command = c;
        command["id"] = next_snowflake();
        command["application_id"] = ids_.application_id;
        command["guild_id"] = ids_.guild_id;
        command["version"] = next_snowflake();
        if (!command.contains("type")) command["type"] = 1;
        stored.push_back(std::move(command));
    }
    commands_ = stored;
    return stored;
}

json world::interaction_base(const member& m, int type, const std::string& id, const std::string& token,
                             const std::string& channel_id) const {
    const channel_record* where = find_channel(channel_id);
    json base{{"id", id},
              {"application_id", ids_.application_id},
              {"type", type},
              {"token", token},
              {"version", 1},
              {"locale", m.locale},
              {"entitlements", json::array()},
              {"attachment_size_limit", 10485760},
              {"channel_id", channel_id}};
    if (where != nullptr && where->type == 1) {
        // A DM with the bot (REFERENCE.md §3.2): `user` instead of `member`, no guild, context 1.
        base["user"] = user_json(m.user_id, m.username, false);
        base["channel"] = {{"id", channel_id}, {"type", 1}};
        base["app_permissions"] = std::to_string(perm::all & ~perm::administrator);
        base["authorizing_integration_owners"] = {{"0", ids_.guild_id}};
        base["context"] = 1;
        return base;
    }
    // Discord: the member's permissions in the channel the interaction came from, overwrites
    // included; app_permissions: the bot's there (REFERENCE.md §3.2).
    json member = member_json(m, true);
    member["permissions"] = std::to_string(member_permissions(m.user_id, where));
    base["guild_id"] = ids_.guild_id;
    base["guild"] = {{"id", ids_.guild_id}, {"locale", "en-US"}, {"features", json::array()}};
    base["channel"] = {{"id", channel_id},
                       {"type", where != nullptr ? where->type : 0},
                       {"name", where != nullptr ? where->name : "shop"},
                       {"guild_id", ids_.guild_id}};
    base["member"] = std::move(member);
    base["app_permissions"] = std::to_string(bot_permissions(where));
    base["guild_locale"] = "en-US";
    base["authorizing_integration_owners"] = {{"0", ids_.guild_id}};
    base["context"] = 0;
    return base;
}

std::variant<std::string, api_failure> world::acting_channel(const member& m, const std::string& requested) const {
    const std::string id = requested.empty() ? ids_.shop_channel_id : requested;
    const channel_record* c = find_channel(id);
    if (c == nullptr || c->type == 4) return control_error(404, "no text channel " + id);
    if (c->type == 1) {
        if (c->recipient_id != m.user_id) return control_error(403, "that DM is another member's");
        return id;
    }
    if ((member_permissions(m.user_id, c) & perm::view_channel) == 0) {
        return control_error(403, "the member cannot see #" + c->name + " (its permission overwrites)");
    }
    return id;
}

void world::mark_as_response(json& message, const pending_interaction& p) const {
    const member* m = find_member(p.user_id);
    const json user = user_json(p.user_id, m != nullptr ? m->username : "", false);
    message["application_id"] = ids_.application_id;
    message["webhook_id"] = ids_.application_id;
    message["type"] = p.type == 2 ? 20 : 0;  // CHAT_INPUT_COMMAND for a command's reply (REFERENCE.md §6.1)
    message["interaction"] = {{"id", p.id}, {"type", p.type}, {"name", p.command_name}, {"user", user}};
    json metadata{{"id", p.id}, {"type", p.type}, {"user", user}, {"authorizing_integration_owners", {{"0", ids_.guild_id}}}};
    if (p.type == 3 && p.source_message_id) metadata["interacted_message_id"] = *p.source_message_id;
    message["interaction_metadata"] = std::move(metadata);
}

void world::register_interaction(const std::string& id, const std::string& token, int type, const std::string& user_id,
                                 std::optional<std::string> source_message_id, std::string command_name,
                                 std::string channel_id) {
    pending_interaction pending;
    pending.channel_id = std::move(channel_id);
    pending.command_name = std::move(command_name);
    pending.id = id;
    pending.token = token;
    pending.type = type;
    pending.user_id = user_id;
    pending.created = steady::now();
    pending.source_message_id = std::move(source_message_id);
    interactions_[id] = std::move(pending);
    interaction_by_token_[token] = id;
}

const pending_interaction* world::find_interaction(const std::string& id) const {
    const auto it = interactions_.find(id);
    return it == interactions_.end() ? nullptr : &it->second;
}

const json* world::find_message(const std::string& id) const {
    const auto it = messages_.find(id);
    return it == messages_.end() ? nullptr : &it->second;
}

}  // namespace apexcore::sandbox
