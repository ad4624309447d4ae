#include <apexcore/discord/model.hpp>

#include <apexcore/discord/chat_model.hpp>

#include "detail/json_access.hpp"

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace apexcore::discord {
namespace {

using detail::integer;
using detail::integer_field;

using detail::snowflake_field;
using detail::text_field;


/// Sub-command groups nest at most two levels (REFERENCE.md §3.6); deeper input is refused.
constexpr int option_depth_max = 3;
/// Options Discord sends for one command: at most 25 per level (REFERENCE.md §3.6).
constexpr std::size_t options_per_level_max = 25;

/// An attachment of `data.resolved.attachments` by id.
std::optional<ports::attachment_info> resolved_attachment(const json* resolved, const std::string& id) {
    if (resolved == nullptr) return std::nullopt;
    const json* attachments = detail::object_field(*resolved, "attachments");
    if (attachments == nullptr) return std::nullopt;
    const auto it = attachments->find(id);
    if (it == attachments->end() || !it->is_object()) return std::nullopt;
    const auto aid = snowflake_field<struct attachment_tag>(*it, "id");
    const auto size = integer_field(*it, "size", 0, std::numeric_limits<std::int64_t>::max());
    if (!aid || !size) return std::nullopt;
    return ports::attachment_info{aid->value, text_field(*it, "filename"), text_field(*it, "content_type"),
                                  static_cast<std::uint64_t>(*size), text_field(*it, "url")};
}

/// Whether `id` is a user in `data.resolved.users` (mentionable options name a user or a role).
bool resolved_user(const json* resolved, const std::string& id) {
    if (resolved == nullptr) return false;
    const json* users = detail::object_field(*resolved, "users");
    return users != nullptr && users->contains(id);
}

/// One option's value by its type (REFERENCE.md §3.6: 3 string, 4 integer, 5 boolean, 6 user,
/// 7 channel, 8 role, 9 mentionable, 10 number, 11 attachment); nullopt when malformed.
std::optional<ports::option_value> option_value_of(std::int64_t type, const json& value, const json* resolved) {
    const auto id_text = [&]() -> const std::string* { return value.is_string() ? &value.get_ref<const std::string&>() : nullptr; };
    switch (type) {
        case 3:
            if (value.is_string()) return ports::option_value{value.get<std::string>()};
            return std::nullopt;
        case 4: {
            // INTEGER options are within +-2^53 (REFERENCE.md §3.6); anything beyond is dropped.
            constexpr std::int64_t safe = (std::int64_t{1} << 53);
            if (auto i = integer(value, -safe, safe)) return ports::option_value{*i};
            return std::nullopt;
        }
        case 5:
            if (value.is_boolean()) return ports::option_value{value.get<bool>()};
            return std::nullopt;
        case 6:
            if (const auto* t = id_text()) {
                if (auto id = core::user_id::parse(*t)) return ports::option_value{*id};
            }
            return std::nullopt;
        case 7:
            if (const auto* t = id_text()) {
                if (auto id = core::channel_id::parse(*t)) return ports::option_value{*id};
            }
            return std::nullopt;
        case 8:
            if (const auto* t = id_text()) {
                if (auto id = core::role_id::parse(*t)) return ports::option_value{*id};
            }
            return std::nullopt;
        case 9:
            if (const auto* t = id_text()) {
                if (resolved_user(resolved, *t)) {
                    if (auto id = core::user_id::parse(*t)) return ports::option_value{*id};
                } else if (auto id = core::role_id::parse(*t)) {
                    return ports::option_value{*id};
                }
            }
            return std::nullopt;
        case 10:
            if (value.is_number()) {
                const double d = value.get<double>();
                if (std::isfinite(d)) return ports::option_value{d};
            }
            return std::nullopt;
        case 11:
            if (const auto* t = id_text()) {
                if (auto a = resolved_attachment(resolved, *t)) return ports::option_value{std::move(*a)};
            }
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

/// Flattens options; sub-command names become the command name "parent sub". The focused option
/// of an autocomplete interaction goes to `focused` (name, partial text). False when the
/// options are malformed beyond what Discord can send (too deep, too many).
bool collect_options(const json& options, ports::command_invocation& out, int depth, const json* resolved,
                     std::optional<std::pair<std::string, std::string>>* focused = nullptr) {
    if (!options.is_array()) return true;
    if (depth > option_depth_max || options.size() > options_per_level_max) return false;
    for (const auto& o : options) {
        if (!o.is_object()) continue;
        const std::string name = text_field(o, "name");
        const auto type = integer_field(o, "type", 1, 255);
        if (!type) continue;
        if (*type == 1 || *type == 2) {  // SUB_COMMAND, SUB_COMMAND_GROUP
            out.name += " " + name;
            if (const json* nested = detail::array_field(o, "options")) {
                if (!collect_options(*nested, out, depth + 1, resolved, focused)) return false;
            }
            continue;
        }
        const auto value = o.find("value");
        if (value == o.end()) continue;
        if (focused != nullptr && detail::bool_field(o, "focused").value_or(false)) {
            // While typing, Discord sends the partial input as a string whatever the type.
            *focused = std::pair{name, value->is_string() ? value->get<std::string>() : value->dump()};
            continue;
        }
        if (auto v = option_value_of(*type, *value, resolved)) out.options.push_back({name, std::move(*v)});
    }
    return true;
}

/// The text inputs of a MODAL_SUBMIT: in Label components (type 18, `component`) or, in the
/// legacy form, in action rows (type 1, `components`) (REFERENCE.md §4).
void collect_modal_fields(const json& components, ports::modal_submit& out, int depth) {
    if (!components.is_array() || depth > 3) return;
    for (const auto& c : components) {
        if (!c.is_object()) continue;
        if (const json* child = detail::object_field(c, "component")) collect_modal_fields(json::array({*child}), out, depth + 1);
        if (const json* children = detail::array_field(c, "components")) collect_modal_fields(*children, out, depth + 1);
        const auto type = integer_field(c, "type", 0, 255);
        if (type && *type == 4 && out.fields.size() < 25) {
            out.fields.emplace_back(text_field(c, "custom_id"), text_field(c, "value"));
        }
    }
}

}  // namespace

core::result<gateway_payload, model_error> parse_gateway_payload(std::string_view text) {
    if (text.size() > gateway_frame_bytes_max) return model_error{"gateway frame is larger than 16 MiB"};
    json j = json::parse(text, nullptr, false);  // invalid UTF-8 in a string is a parse error too
    if (j.is_discarded()) return model_error{"gateway frame is not valid JSON (or not UTF-8)"};
    if (!j.is_object()) return model_error{"gateway frame is not a JSON object"};
    const auto op = integer_field(j, "op", 0, gateway_opcode_max);
    if (!op) return model_error{"gateway frame has no integer 'op' in 0..255"};
    gateway_payload p;
    p.op = static_cast<int>(*op);
    if (auto d = j.find("d"); d != j.end()) p.d = std::move(*d);
    if (auto s = j.find("s"); s != j.end() && !s->is_null()) {
        const auto seq = integer(*s, 0, std::numeric_limits<std::int64_t>::max());
        if (!seq) return model_error{"gateway frame has a malformed 's' (not an integer in 0..2^63-1)"};
        p.s = *seq;
    }
    if (auto t = j.find("t"); t != j.end() && !t->is_null()) {
        if (!t->is_string()) return model_error{"gateway frame has a non-string 't'"};
        p.t = t->get<std::string>();
    }
    return p;
}

std::string make_heartbeat(std::optional<std::int64_t> last_sequence) {
    json j{{"op", static_cast<int>(opcode::heartbeat)}, {"d", nullptr}};
    if (last_sequence) j["d"] = *last_sequence;
    return j.dump();
}

std::string make_identify(std::string_view token, std::uint32_t intents, std::string_view library) {
    return json{{"op", static_cast<int>(opcode::identify)},
                {"d",
                 {{"token", core::to_valid_utf8(token)},
                  {"intents", intents},
                  {"properties", {{"os", "linux"}, {"browser", core::to_valid_utf8(library)}, {"device", core::to_valid_utf8(library)}}}}}}
        .dump();
}

std::string make_resume(std::string_view token, std::string_view session_id, std::int64_t seq) {
    return json{{"op", static_cast<int>(opcode::resume)},
                {"d", {{"token", core::to_valid_utf8(token)}, {"session_id", core::to_valid_utf8(session_id)}, {"seq", seq}}}}
        .dump();
}

core::result<ready_event, model_error> parse_ready(const json& d) {
    if (!d.is_object()) return model_error{"READY: d is not an object"};
    ready_event r;
    r.session_id = text_field(d, "session_id");
    if (r.session_id.empty()) return model_error{"READY: missing 'session_id'"};
    r.resume_gateway_url = text_field(d, "resume_gateway_url");
    const auto app = d.find("application");
    if (app == d.end() || !app->is_object()) return model_error{"READY: missing 'application'"};
    const auto app_id = snowflake_field<core::application_tag>(*app, "id");
    if (!app_id) return model_error{"READY: missing 'application.id'"};
    r.application = *app_id;
    if (const auto user = d.find("user"); user != d.end() && user->is_object()) {
        if (auto id = snowflake_field<core::user_tag>(*user, "id")) r.bot_user = *id;
    }
    return r;
}

core::result<ports::channel_message, model_error> parse_message_create(const json& d) {
    if (!d.is_object()) return model_error{"MESSAGE_CREATE: d is not an object"};
    ports::channel_message m;
    const auto id = snowflake_field<core::message_tag>(d, "id");
    const auto channel = snowflake_field<core::channel_tag>(d, "channel_id");
    if (!id || !channel) return model_error{"MESSAGE_CREATE: missing or malformed 'id' or 'channel_id'"};
    m.id = *id;
    m.channel = *channel;
    if (const auto guild = snowflake_field<core::guild_tag>(d, "guild_id")) m.guild = *guild;
    const auto author = d.find("author");
    if (author == d.end() || !author->is_object()) return model_error{"MESSAGE_CREATE: missing 'author'"};
    const auto author_id = snowflake_field<core::user_tag>(*author, "id");
    if (!author_id) return model_error{"MESSAGE_CREATE: missing or malformed 'author.id'"};
    m.author = *author_id;
    m.author_is_bot = detail::bool_field(*author, "bot").value_or(false) || d.contains("webhook_id");
    if (const auto member = d.find("member"); member != d.end() && member->is_object()) {
        if (const auto roles = member->find("roles"); roles != member->end() && roles->is_array()) {
            for (const auto& r : *roles) {
                if (!r.is_string()) continue;
                if (auto role = core::role_id::parse(r.get_ref<const std::string&>())) m.author_roles.push_back(*role);
                if (m.author_roles.size() >= 250) break;  // Discord: at most 250 roles in a guild
            }
        }
    }
    return m;
}

core::result<interaction_envelope, model_error> parse_interaction(const json& d) {
    if (!d.is_object()) return model_error{"interaction: not an object"};
    interaction_envelope env;
    const auto id = snowflake_field<core::interaction_tag>(d, "id");
    if (!id) return model_error{"interaction: missing or malformed 'id'"};
    env.neutral.id = *id;
    // application_id is needed only for webhook follow-ups; some payloads omit it.
    if (d.contains("application_id")) {
        const auto app = snowflake_field<core::application_tag>(d, "application_id");
        if (!app) return model_error{"interaction: malformed 'application_id'"};
        env.application = *app;
    }
    env.token = text_field(d, "token");
    if (env.token.empty()) return model_error{"interaction: missing 'token'"};
    const auto type = integer_field(d, "type", 1, 255);
    if (!type) return model_error{"interaction: missing or malformed 'type'"};
    env.type = static_cast<int>(*type);
    env.neutral.guild = snowflake_field<core::guild_tag>(d, "guild_id");
    env.neutral.channel = snowflake_field<core::channel_tag>(d, "channel_id");

    // Invoker: member.user in guilds, user in DMs (REFERENCE.md §3.2).
    const json* user = nullptr;
    if (const auto member = d.find("member"); member != d.end() && member->is_object()) {
        if (const auto u = member->find("user"); u != member->end() && u->is_object()) user = &*u;
        if (const auto roles = member->find("roles"); roles != member->end() && roles->is_array()) {
            for (const auto& r : *roles) {
                if (!r.is_string()) continue;
                if (auto role = core::role_id::parse(r.get_ref<const std::string&>())) {
                    env.neutral.from.roles.push_back(*role);
                }
            }
        }
        env.neutral.from.display_name = text_field(*member, "nick");
        if (const std::string* bits = detail::string_field(*member, "permissions")) {
            const auto parsed = core::snowflake<struct permission_bits_tag>::parse(*bits);
            const std::uint64_t p = parsed ? parsed->value : 0;
            env.neutral.from.administrator = (p & permission_bits::administrator) != 0;
            env.neutral.from.in_channel = from_permission_bits(p);
        }
    }
    env.neutral.locale = text_field(d, "locale");
    if (user == nullptr) {
        if (const auto u = d.find("user"); u != d.end() && u->is_object()) user = &*u;
    }
    if (user == nullptr) return model_error{"interaction: no invoking user (member.user or user)"};
    const auto user_id = snowflake_field<core::user_tag>(*user, "id");
    if (!user_id) return model_error{"interaction: malformed user id"};
    env.neutral.from.user = *user_id;
    if (env.neutral.from.display_name.empty()) {
        env.neutral.from.display_name = text_field(*user, "global_name");
        if (env.neutral.from.display_name.empty()) env.neutral.from.display_name = text_field(*user, "username");
    }

    const auto data = d.find("data");
    const bool has_data = data != d.end() && data->is_object();
    const json* resolved = has_data ? detail::object_field(*data, "resolved") : nullptr;
    if (env.type == 2) {  // APPLICATION_COMMAND
        if (!has_data) return model_error{"interaction: command without 'data'"};
        ports::command_invocation c;
        c.name = text_field(*data, "name");
        if (c.name.empty()) return model_error{"interaction: command without 'data.name'"};
        if (const json* options = detail::array_field(*data, "options")) {
            if (!collect_options(*options, c, 1, resolved)) return model_error{"interaction: options nested or repeated beyond Discord's limits"};
        }
        env.neutral.action = std::move(c);
    } else if (env.type == 3) {  // MESSAGE_COMPONENT
        if (!has_data) return model_error{"interaction: component without 'data'"};
        ports::component_action a;
        a.custom_id = text_field(*data, "custom_id");
        if (a.custom_id.empty()) return model_error{"interaction: component without 'data.custom_id'"};
        switch (integer_field(*data, "component_type", 0, 255).value_or(2)) {
            case 3: a.kind = ports::component_kind::string_select; break;
            case 5: a.kind = ports::component_kind::user_select; break;
            case 6: a.kind = ports::component_kind::role_select; break;
            case 7: a.kind = ports::component_kind::mentionable_select; break;
            case 8: a.kind = ports::component_kind::channel_select; break;
            default: a.kind = ports::component_kind::button; break;
        }
        if (const auto values = data->find("values"); values != data->end() && values->is_array()) {
            for (const auto& v : *values) {
                if (v.is_string() && a.values.size() < 25) a.values.push_back(v.get<std::string>());
            }
        }
        env.neutral.action = std::move(a);
    } else if (env.type == 4) {  // APPLICATION_COMMAND_AUTOCOMPLETE
        if (!has_data) return model_error{"interaction: autocomplete without 'data'"};
        ports::command_invocation c;
        c.name = text_field(*data, "name");
        std::optional<std::pair<std::string, std::string>> focused;
        if (const json* options = detail::array_field(*data, "options")) {
            if (!collect_options(*options, c, 1, resolved, &focused)) return model_error{"interaction: options nested or repeated beyond Discord's limits"};
        }
        if (c.name.empty() || !focused) return model_error{"interaction: autocomplete without a command name or a focused option"};
        env.neutral.action = ports::autocomplete_request{c.name, focused->first, focused->second, std::move(c.options)};
    } else if (env.type == 5) {  // MODAL_SUBMIT
        if (!has_data) return model_error{"interaction: modal submission without 'data'"};
        ports::modal_submit m;
        m.custom_id = text_field(*data, "custom_id");
        if (m.custom_id.empty()) return model_error{"interaction: modal submission without 'data.custom_id'"};
        if (const json* components = detail::array_field(*data, "components")) collect_modal_fields(*components, m, 1);
        env.neutral.action = std::move(m);
    } else if (env.type != 1) {
        return model_error{"interaction: unsupported type " + std::to_string(env.type)};
    }
    return env;
}

std::optional<api_error> parse_api_error(std::string_view body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    const auto code = integer_field(j, "code", 0, std::numeric_limits<int>::max());
    const std::string* message = detail::string_field(j, "message");
    if (!code || message == nullptr) return std::nullopt;
    return api_error{static_cast<int>(*code), *message};
}

}  // namespace apexcore::discord
