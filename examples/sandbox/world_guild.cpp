// The sandbox guild's channels, roles and message history, checked as Discord
// checks them (shared/discord/REFERENCE.md §2.5, §6, §7): the bot's effective permissions with
// channel overwrites, 50001 Missing Access, 50013 Missing Permissions (also for a role at or
// above the bot's highest), 10003/10007/10008/10011 for unknown resources, 50035 for bodies
// outside Discord's limits.
#include "world.hpp"
#include "world_checks.hpp"

#include <algorithm>
#include <charconv>

namespace apexcore::sandbox {
namespace {

using namespace checks;

constexpr std::size_t overwrites_max = 1000;  // REFERENCE.md §2.2 (30060)
constexpr std::size_t category_children_max = 50;
constexpr std::size_t guild_channels_max = 500;
constexpr std::size_t guild_roles_max = 250;

std::optional<api_failure> check_name(const json& body, const char* field, std::size_t max, bool required) {
    if (!body.contains(field)) {
        if (required) return form_error(field, "BASE_TYPE_REQUIRED", "This field is required");
        return std::nullopt;
    }
    const json& v = body[field];
    if (!v.is_string()) return form_error(field, "BASE_TYPE_STRING", "Must be a string.");
    const std::size_t n = length(v.get<std::string>());
    if (n < (required ? 1U : 0U) || n > max) {
        return form_error(field, "BASE_TYPE_BAD_LENGTH", "Must be between " + std::string(required ? "1" : "0") + " and " +
                                                             std::to_string(max) + " in length.");
    }
    return std::nullopt;
}

/// Discord lower-cases text channel names and turns spaces into dashes.
std::string text_channel_name(std::string name) {
    for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == ' ') c = '-';
    }
    return name;
}

int query_int(const std::map<std::string, std::string>& query, const std::string& key, int fallback) {
    const auto it = query.find(key);
    if (it == query.end()) return fallback;
    int v = 0;
    const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc{} || end != it->second.data() + it->second.size()) return -1;
    return v;
}

}  // namespace

json world::role_json(const role_record& r) const {
    // openapi.json GuildRoleResponse: every required field, nullable ones as null.
    return json{{"id", r.id},
                {"name", r.name},
                {"permissions", std::to_string(r.permissions)},
                {"position", r.position},
                {"color", r.color},
                {"colors", {{"primary_color", r.color}, {"secondary_color", nullptr}, {"tertiary_color", nullptr}}},
                {"hoist", r.hoist},
                {"managed", r.managed},
                {"mentionable", r.mentionable},
                {"icon", nullptr},
                {"unicode_emoji", nullptr},
                {"description", nullptr},
                {"flags", 0},
                {"tags", r.managed ? json{{"bot_id", ids_.bot_user_id}} : json::object()}};
}

json world::channel_json(const channel_record& c) const {
    if (c.type == 1) {
        const member* m = c.recipient_id ? find_member(*c.recipient_id) : nullptr;
        return json{{"id", c.id},
                    {"type", 1},
                    {"flags", 0},
                    {"last_message_id", c.history.empty() ? json(nullptr) : json(c.history.back())},
                    {"recipients", json::array({user_json(m ? m->user_id : "", m ? m->username : "", false)})}};
    }
    // openapi.json GuildChannelResponse.
    json j{{"id", c.id},
           {"type", c.type},
           {"flags", 0},
           {"guild_id", ids_.guild_id},
           {"name", c.name},
           {"position", c.position},
           {"parent_id", c.parent_id ? json(*c.parent_id) : json(nullptr)},
           {"permission_overwrites", c.overwrites},
           {"nsfw", false}};
    if (c.type == 0) {
        j["topic"] = c.topic.empty() ? json(nullptr) : json(c.topic);
        j["last_message_id"] = c.history.empty() ? json(nullptr) : json(c.history.back());
        j["rate_limit_per_user"] = 0;
    }
    return j;
}

json world::message_json(const std::string& id, const std::string& channel, const json& author, const json& body) const {
    // openapi.json MessageResponse: every required field, nullable ones as null.
    return json{{"id", id},
                {"channel_id", channel},
                {"type", 0},
                {"author", author},
                {"content", body.value("content", "")},
                {"timestamp", iso8601_from_snowflake(id)},
                {"edited_timestamp", nullptr},
                {"tts", false},
                {"mention_everyone", false},
                {"mentions", json::array()},
                {"mention_roles", json::array()},
                {"attachments", json::array()},
                {"embeds", body.value("embeds", json::array())},
                {"components", body.value("components", json::array())},
                {"pinned", false},
                {"flags", body.value("flags", 0)}};
}

channel_record* world::find_channel(const std::string& id) {
    const auto it = channels_.find(id);
    return it == channels_.end() ? nullptr : &it->second;
}

const channel_record* world::find_channel(const std::string& id) const {
    const auto it = channels_.find(id);
    return it == channels_.end() ? nullptr : &it->second;
}

const role_record* world::find_role(const std::string& id) const {
    const auto it = std::find_if(roles_.begin(), roles_.end(), [&](const role_record& r) { return r.id == id; });
    return it == roles_.end() ? nullptr : &*it;
}

int world::bot_highest_position() const {
    int highest = 0;
    if (const member* bot = find_member(ids_.bot_user_id)) {
        for (const auto& id : bot->role_ids) {
            if (const role_record* r = find_role(id)) highest = std::max(highest, r->position);
        }
    }
    return highest;
}

std::uint64_t world::bot_permissions(const channel_record* channel) const { return member_permissions(ids_.bot_user_id, channel); }

std::uint64_t world::member_permissions(const std::string& user_id, const channel_record* channel) const {
    // REFERENCE.md §7.3: the owner has all; @everyone | member roles; ADMINISTRATOR → all and
    // ignores overwrites; then the @everyone overwrite, the member's role overwrites combined,
    // the member overwrite.
    if (user_id == ids_.staff_user_id) return perm::all;  // the guild's owner_id
    const member* who = find_member(user_id);
    std::uint64_t p = 0;
    if (const role_record* everyone = find_role(ids_.guild_id)) p = everyone->permissions;
    if (who != nullptr) {
        for (const auto& id : who->role_ids) {
            if (const role_record* r = find_role(id)) p |= r->permissions;
        }
    }
    if ((p & perm::administrator) != 0) return perm::all;
    if (channel == nullptr || channel->type == 1) return p;
    const auto apply = [&p](const json& o) {
        p &= ~bits_of(o.value("deny", json("0"))).value_or(0);
        p |= bits_of(o.value("allow", json("0"))).value_or(0);
    };
    for (const auto& o : channel->overwrites) {
        if (o.value("id", "") == ids_.guild_id) apply(o);
    }
    std::uint64_t role_allow = 0;
    std::uint64_t role_deny = 0;
    for (const auto& o : channel->overwrites) {
        const std::string id = o.value("id", "");
        if (o.value("type", 0) == 0 && id != ids_.guild_id && who != nullptr &&
            std::find(who->role_ids.begin(), who->role_ids.end(), id) != who->role_ids.end()) {
            role_deny |= bits_of(o.value("deny", json("0"))).value_or(0);
            role_allow |= bits_of(o.value("allow", json("0"))).value_or(0);
        }
    }
    p = (p & ~role_deny) | role_allow;
    for (const auto& o : channel->overwrites) {
        if (o.value("type", 0) == 1 && o.value("id", "") == user_id) apply(o);
    }
    if ((p & perm::view_channel) == 0) return 0;
    return p;
}

std::optional<api_failure> world::check_overwrites(const json& overwrites, bool creating) const {
    if (!overwrites.is_array()) return form_error("permission_overwrites", "BASE_TYPE_ARRAY", "Must be an array.");
    if (overwrites.size() > overwrites_max) return error_body(400, 30060, "Maximum number of permission overwrites reached (1000)");
    const std::uint64_t held = bot_permissions();
    for (std::size_t i = 0; i < overwrites.size(); ++i) {
        const json& o = overwrites[i];
        const std::string at = "permission_overwrites." + std::to_string(i);
        if (!o.is_object() || !o.contains("id") || !id_of(o["id"])) return form_error(at + ".id", "BASE_TYPE_REQUIRED", "This field is required");
        const int type = o.value("type", -1);
        if (type != 0 && type != 1) return form_error(at + ".type", "BASE_TYPE_CHOICES", "Value must be one of (0, 1).");
        const auto allow = bits_of(o.value("allow", json(nullptr)));
        const auto deny = bits_of(o.value("deny", json(nullptr)));
        if (!allow || !deny) return form_error(at + ".allow", "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
        const std::string id = *id_of(o["id"]);
        const bool exists = type == 0 ? find_role(id) != nullptr : find_member(id) != nullptr;
        if (!exists) return form_error(at + ".id", type == 0 ? "UNKNOWN_ROLE" : "UNKNOWN_USER", "Unknown overwrite target.");
        // Only permissions the bot has may be allowed or denied; MANAGE_ROLES needs ADMINISTRATOR.
        if (held != perm::all && (((*allow | *deny) & ~held) != 0 || ((*allow & perm::manage_roles) != 0))) {
            return missing_permissions();
        }
    }
    (void)creating;
    return std::nullopt;
}

void world::remember_in(const std::string& channel_id, const std::string& message_id) {
    const auto c = channels_.find(channel_id);
    if (c != channels_.end()) remember(c->second, message_id);
}

void world::remember(channel_record& c, const std::string& message_id) {
    c.history.push_back(message_id);
    if (c.history.size() > history_max) {
        messages_.erase(c.history.front());
        c.history.erase(c.history.begin());
    }
}

std::variant<json, api_failure> world::create_message(const std::string& channel, const json& body, const json& attachments) {
    channel_record* c = find_channel(channel);
    if (c == nullptr) return error_body(404, 10003, "Unknown Channel");
    if (c->type == 4) return error_body(400, 50008, "Cannot send messages in a non-text channel");
    if (c->type == 1) {
        const member* m = c->recipient_id ? find_member(*c->recipient_id) : nullptr;
        if (m == nullptr || !m->accepts_dms) return error_body(403, 50007, "Cannot send messages to this user");
    } else {
        const std::uint64_t p = bot_permissions(c);
        if ((p & perm::view_channel) == 0) return missing_access();
        if ((p & perm::send_messages) == 0) return missing_permissions();
        if (!attachments.empty() && (p & perm::attach_files) == 0) return missing_permissions();
    }
    if (attachments.empty() || body.contains("content") || body.contains("embeds") || body.contains("components")) {
        if (auto failure = validate_message(body)) return *failure;
    }
    ++channel_messages_;
    const std::string id = next_snowflake();
    json message = message_json(id, channel, user_json(ids_.bot_user_id, "apexbot", true), body);
    message["attachments"] = attachments;
    messages_[id] = message;
    remember(*c, id);
    return message;
}

std::variant<json, api_failure> world::edit_message(const std::string& channel, const std::string& id, const json& body) {
    if (find_channel(channel) == nullptr) return error_body(404, 10003, "Unknown Channel");
    const auto it = messages_.find(id);
    if (it == messages_.end() || it->second.value("channel_id", "") != channel) return error_body(404, 10008, "Unknown Message");
    if (it->second["author"].value("id", "") != ids_.bot_user_id) {
        return error_body(403, 50005, "Cannot edit a message authored by another user");
    }
    if (auto failure = validate_message(body)) return *failure;
    for (const char* key : {"content", "embeds", "components", "flags"}) {
        if (body.contains(key)) it->second[key] = body[key];
    }
    it->second["edited_timestamp"] = iso8601_from_snowflake(next_snowflake());
    return it->second;
}

std::optional<api_failure> world::delete_message(const std::string& channel, const std::string& id) {
    channel_record* c = find_channel(channel);
    if (c == nullptr) return error_body(404, 10003, "Unknown Channel");
    const auto it = messages_.find(id);
    if (it == messages_.end() || it->second.value("channel_id", "") != channel) return error_body(404, 10008, "Unknown Message");
    const bool own = it->second["author"].value("id", "") == ids_.bot_user_id;
    if (!own && c->type != 1 && (bot_permissions(c) & perm::manage_messages) == 0) return missing_permissions();
    if (!own && c->type == 1) return missing_permissions();
    messages_.erase(it);
    c->history.erase(std::remove(c->history.begin(), c->history.end(), id), c->history.end());
    return std::nullopt;
}

std::variant<json, api_failure> world::channel_messages(const std::string& channel,
                                                        const std::map<std::string, std::string>& query) const {
    const channel_record* c = find_channel(channel);
    if (c == nullptr) return error_body(404, 10003, "Unknown Channel");
    const int limit = query_int(query, "limit", 50);
    if (limit < 1 || limit > 100) return form_error("limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.");
    const int anchors = static_cast<int>(query.count("before") + query.count("after") + query.count("around"));
    if (anchors > 1) return form_error("_errors", "BASE_TYPE_BAD_REQUEST", "Only one of around, before, after may be set.");
    if (c->type != 1) {
        const std::uint64_t p = bot_permissions(c);
        if ((p & perm::view_channel) == 0) return missing_access();
        if ((p & perm::read_message_history) == 0) return json::array();  // REFERENCE.md §2.5: empty, not an error
    }
    // Ids are increasing snowflakes of equal length here, so string order is id order.
    const auto numeric_less = [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    };
    std::vector<std::string> chosen;
    const auto& h = c->history;  // oldest first
    if (query.count("after") != 0) {
        const std::string& after = query.at("after");
        for (const auto& id : h) {
            if (numeric_less(after, id) && chosen.size() < static_cast<std::size_t>(limit)) chosen.push_back(id);
        }
    } else if (query.count("around") != 0) {
        const std::string& around = query.at("around");
        const auto mid = std::lower_bound(h.begin(), h.end(), around, numeric_less);
        const auto half = static_cast<std::ptrdiff_t>(limit / 2);
        const auto first = std::max(h.begin(), mid - std::min(half, mid - h.begin()));
        for (auto it = first; it != h.end() && chosen.size() < static_cast<std::size_t>(limit); ++it) chosen.push_back(*it);
    } else {
        const std::string before = query.count("before") != 0 ? query.at("before") : std::string();
        for (auto it = h.rbegin(); it != h.rend() && chosen.size() < static_cast<std::size_t>(limit); ++it) {
            if (before.empty() || numeric_less(*it, before)) chosen.insert(chosen.begin(), *it);
        }
    }
    json out = json::array();
    for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {  // newest first, as Discord answers
        if (const auto m = messages_.find(*it); m != messages_.end()) {
            json shown = m->second;
            shown.erase("ephemeral_user_id");
            out.push_back(std::move(shown));
        }
    }
    return out;
}

std::variant<json, api_failure> world::get_channel(const std::string& channel) const {
    const channel_record* c = find_channel(channel);
    if (c == nullptr) return error_body(404, 10003, "Unknown Channel");
    if (c->type != 1 && (bot_permissions(c) & perm::view_channel) == 0) return missing_access();
    return channel_json(*c);
}

std::variant<json, api_failure> world::create_channel(const std::string& guild, const json& body) {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    if (!body.is_object()) return form_error("_errors", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    if ((bot_permissions() & perm::manage_channels) == 0) return missing_permissions();
    if (auto f = check_name(body, "name", 100, true)) return *f;
    const int type = body.value("type", 0);
    if (type != 0 && type != 4) return form_error("type", "BASE_TYPE_CHOICES", "The sandbox creates text channels (0) and categories (4).");
    if (auto f = check_name(body, "topic", 1024, false)) return *f;
    channel_record c;
    c.type = type;
    c.name = type == 0 ? text_channel_name(body["name"].get<std::string>()) : body["name"].get<std::string>();
    if (body.contains("topic") && body["topic"].is_string()) c.topic = body["topic"].get<std::string>();
    if (body.contains("parent_id") && !body["parent_id"].is_null()) {
        const auto parent_id = id_of(body["parent_id"]);
        if (!parent_id) return form_error("parent_id", "BASE_TYPE_STRING", "Must be a snowflake.");
        const channel_record* parent = find_channel(*parent_id);
        if (parent == nullptr || parent->type != 4 || type == 4) {
            return form_error("parent_id", "CHANNEL_PARENT_INVALID", "Not a category.");
        }
        const auto children = std::count_if(channels_.begin(), channels_.end(),
                                            [&](const auto& kv) { return kv.second.parent_id == parent->id; });
        if (static_cast<std::size_t>(children) >= category_children_max) {
            return form_error("parent_id", "CHANNEL_PARENT_MAX_CHANNELS", "Maximum number of channels in category reached (50)");
        }
        c.parent_id = parent->id;
    }
    if (body.contains("permission_overwrites")) {
        if (auto f = check_overwrites(body["permission_overwrites"], true)) return *f;
        for (const auto& o : body["permission_overwrites"]) {
            c.overwrites.push_back({{"id", *id_of(o["id"])}, {"type", o["type"]},
                                    {"allow", std::to_string(bits_of(o.value("allow", json(nullptr))).value_or(0))},
                                    {"deny", std::to_string(bits_of(o.value("deny", json(nullptr))).value_or(0))}});
        }
    }
    const auto guild_channels = std::count_if(channels_.begin(), channels_.end(), [](const auto& kv) { return kv.second.type != 1; });
    if (static_cast<std::size_t>(guild_channels) >= guild_channels_max) {
        return error_body(400, 30013, "Maximum number of guild channels reached (500)");
    }
    c.id = next_snowflake();
    c.position = static_cast<int>(guild_channels);
    const std::string id = c.id;
    channels_[id] = std::move(c);
    return channel_json(channels_[id]);
}

std::variant<json, api_failure> world::modify_channel(const std::string& channel, const json& body) {
    channel_record* c = find_channel(channel);
    if (c == nullptr || c->type == 1) return error_body(404, 10003, "Unknown Channel");
    if (!body.is_object()) return form_error("_errors", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    const std::uint64_t p = bot_permissions(c);
    if ((p & perm::view_channel) == 0) return missing_access();
    if ((p & perm::manage_channels) == 0) return missing_permissions();
    if (auto f = check_name(body, "name", 100, false); f || (body.contains("name") && length(body["name"].get<std::string>()) == 0)) {
        return f ? *f : form_error("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
    }
    if (auto f = check_name(body, "topic", 1024, false)) return *f;
    std::optional<std::optional<std::string>> parent;
    if (body.contains("parent_id")) {
        if (body["parent_id"].is_null()) {
            parent = std::optional<std::string>();
        } else {
            const auto parent_id = id_of(body["parent_id"]);
            const channel_record* target = parent_id ? find_channel(*parent_id) : nullptr;
            if (target == nullptr || target->type != 4 || c->type == 4) {
                return form_error("parent_id", "CHANNEL_PARENT_INVALID", "Not a category.");
            }
            parent = target->id;
        }
    }
    if (body.contains("permission_overwrites")) {
        if ((bot_permissions() & perm::manage_roles) == 0) return missing_permissions();  // REFERENCE.md §2.5
        if (auto f = check_overwrites(body["permission_overwrites"], false)) return *f;
    }
    if (body.contains("name")) c->name = c->type == 0 ? text_channel_name(body["name"].get<std::string>()) : body["name"].get<std::string>();
    if (body.contains("topic")) c->topic = body["topic"].is_string() ? body["topic"].get<std::string>() : std::string();
    if (parent) c->parent_id = *parent;
    if (body.contains("permission_overwrites")) {
        c->overwrites = json::array();
        for (const auto& o : body["permission_overwrites"]) {
            c->overwrites.push_back({{"id", *id_of(o["id"])}, {"type", o["type"]},
                                     {"allow", std::to_string(bits_of(o.value("allow", json(nullptr))).value_or(0))},
                                     {"deny", std::to_string(bits_of(o.value("deny", json(nullptr))).value_or(0))}});
        }
    }
    return channel_json(*c);
}

std::variant<json, api_failure> world::delete_channel(const std::string& channel) {
    channel_record* c = find_channel(channel);
    if (c == nullptr || c->type == 1) return error_body(404, 10003, "Unknown Channel");
    const std::uint64_t p = bot_permissions(c);
    if ((p & perm::view_channel) == 0) return missing_access();
    if ((p & perm::manage_channels) == 0) return missing_permissions();
    json deleted = channel_json(*c);
    for (const auto& id : c->history) messages_.erase(id);
    if (c->type == 4) {  // children are orphaned, not deleted (REFERENCE.md §2.5)
        for (auto& [id, child] : channels_) {
            if (child.parent_id == c->id) child.parent_id.reset();
        }
    }
    std::erase(channel_ids_, channel);
    channels_.erase(channel);
    return deleted;
}

std::variant<json, api_failure> world::delete_role(const std::string& role) {
    const role_record* r = find_role(role);
    if (r == nullptr) return error_body(404, 10011, "Unknown Role");
    if (r->id == ids_.guild_id || r->managed) return error_body(400, 50028, "Invalid Role");
    const int position = r->position;
    for (auto& m : members_) std::erase(m.role_ids, role);
    std::erase_if(roles_, [&](const role_record& x) { return x.id == role; });
    for (auto& other : roles_) {
        if (other.position > position) --other.position;
    }
    return json{{"guild_id", ids_.guild_id}, {"role_id", role}};
}

std::variant<json, api_failure> world::list_channels(const std::string& guild) const {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    return channels_json();
}

std::variant<json, api_failure> world::list_roles(const std::string& guild) const {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    json out = json::array();
    for (const auto& r : roles_) out.push_back(role_json(r));
    return out;
}

std::variant<json, api_failure> world::create_role(const std::string& guild, const json& body) {
    if (guild != ids_.guild_id) return error_body(404, 10004, "Unknown Guild");
    if (!body.is_object()) return form_error("_errors", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    const std::uint64_t held = bot_permissions();
    if ((held & perm::manage_roles) == 0) return missing_permissions();
    if (auto f = check_name(body, "name", 100, false)) return *f;
    if (roles_.size() >= guild_roles_max) return error_body(400, 30005, "Maximum number of guild roles reached (250)");
    role_record r;
    r.id = next_snowflake();
    r.name = body.contains("name") ? body["name"].get<std::string>() : "new role";
    const role_record* everyone = find_role(ids_.guild_id);
    r.permissions = everyone != nullptr ? everyone->permissions : 0;
    if (body.contains("permissions")) {
        const auto bits = bits_of(body["permissions"]);
        if (!bits) return form_error("permissions", "NUMBER_TYPE_COERCE", "Value is not a valid permission set.");
        if (held != perm::all && (*bits & ~held) != 0) return missing_permissions();  // only what the bot has
        r.permissions = *bits;
    }
    std::int64_t color = 0;
    if (body.contains("colors") && body["colors"].is_object()) color = body["colors"].value("primary_color", std::int64_t{0});
    else if (body.contains("color")) color = body.value("color", std::int64_t{0});
    if (color < 0 || color > 0xFFFFFF) return form_error("colors.primary_color", "NUMBER_TYPE_MAX", "Colour must be 0..16777215.");
    r.color = static_cast<std::uint32_t>(color);
    r.hoist = body.value("hoist", false);
    r.mentionable = body.value("mentionable", false);
    // A new role goes just above @everyone; the others move up (REFERENCE.md §7.3).
    for (auto& other : roles_) {
        if (other.position >= 1) ++other.position;
    }
    r.position = 1;
    roles_.push_back(r);
    return role_json(r);
}

std::optional<json> world::history_json(const std::string& channel) const {
    const channel_record* c = find_channel(channel);
    if (c == nullptr) return std::nullopt;
    json out = json::array();
    for (const auto& id : c->history) {
        if (const auto m = messages_.find(id); m != messages_.end()) out.push_back(m->second);
    }
    return out;
}

json world::guild_json() const {
    json channels = json::array();
    for (const auto& [id, c] : channels_) {
        json j = channel_json(c);
        j["history_size"] = c.history.size();
        channels.push_back(std::move(j));
    }
    json roles = json::array();
    for (const auto& r : roles_) roles.push_back(role_json(r));
    json members = json::array();
    for (const auto& m : members_) {
        members.push_back({{"user_id", m.user_id}, {"username", m.username}, {"roles", m.role_ids}, {"accepts_dms", m.accepts_dms}});
    }
    return json{{"channels", std::move(channels)}, {"roles", std::move(roles)}, {"members", std::move(members)},
                {"bot_permissions", std::to_string(bot_permissions())}};
}

}  // namespace apexcore::sandbox
