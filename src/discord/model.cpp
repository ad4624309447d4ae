#include <apexcore/discord/model.hpp>

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

/// Valid UTF-8 of at most `max_chars` code points, ending in "…" when cut (core/text.hpp).
std::string clip(const std::string& s, std::size_t max_chars) { return core::truncate_utf8(s, max_chars); }

/// Sub-command groups nest at most two levels (REFERENCE.md §3.6); deeper input is refused.
constexpr int option_depth_max = 3;
/// Options Discord sends for one command: at most 25 per level (REFERENCE.md §3.6).
constexpr std::size_t options_per_level_max = 25;

/// Flattens options; sub-command names become the command name "parent sub". False when the
/// options are malformed beyond what Discord can send (too deep, too many).
bool collect_options(const json& options, ports::command_invocation& out, int depth) {
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
                if (!collect_options(*nested, out, depth + 1)) return false;
            }
            continue;
        }
        const auto value = o.find("value");
        if (value == o.end()) continue;
        if (*type == 6) {  // USER: value is a snowflake string
            if (!value->is_string()) continue;
            if (auto id = core::user_id::parse(value->get_ref<const std::string&>())) {
                out.options.push_back({name, *id});
            }
        } else if (value->is_string()) {
            out.options.push_back({name, value->get<std::string>()});
        } else if (value->is_number_integer()) {
            // INTEGER options are within +-2^53 (REFERENCE.md §3.6); anything beyond is dropped.
            constexpr std::int64_t safe = (std::int64_t{1} << 53);
            if (auto i = integer(*value, -safe, safe)) out.options.push_back({name, *i});
        } else if (value->is_number()) {
            const double d = value->get<double>();
            if (std::isfinite(d)) out.options.push_back({name, d});
        } else if (value->is_boolean()) {
            out.options.push_back({name, std::string(value->get<bool>() ? "true" : "false")});
        }
    }
    return true;
}

json to_component(const ports::button& b) {
    json j{{"type", 2}, {"style", static_cast<int>(b.style)}, {"label", clip(b.label, 80)},
           {"custom_id", core::truncate_utf8(b.custom_id, ports::custom_id_length_max, "")}};
    if (b.disabled) j["disabled"] = true;
    return j;
}

json to_component(const ports::string_select& s) {
    json options = json::array();
    for (std::size_t i = 0; i < s.options.size() && i < ports::select_options_max; ++i) {
        const auto& o = s.options[i];
        json opt{{"label", clip(o.label, 100)}, {"value", core::truncate_utf8(o.value, 100, "")}};
        if (!o.description.empty()) opt["description"] = clip(o.description, 100);
        options.push_back(std::move(opt));
    }
    json j{{"type", 3},
           {"custom_id", core::truncate_utf8(s.custom_id, ports::custom_id_length_max, "")},
           {"options", std::move(options)}};
    if (!s.placeholder.empty()) j["placeholder"] = clip(s.placeholder, 150);
    return j;
}

json to_embed(const ports::embed& e) {
    json j = json::object();
    if (!e.title.empty()) j["title"] = clip(e.title, 256);
    if (!e.description.empty()) j["description"] = clip(e.description, 4096);
    if (e.color) j["color"] = *e.color;
    if (!e.footer.empty()) j["footer"] = {{"text", clip(e.footer, 2048)}};
    if (!e.fields.empty()) {
        json fields = json::array();
        for (std::size_t i = 0; i < e.fields.size() && i < 25; ++i) {
            fields.push_back({{"name", clip(e.fields[i].name, 256)},
                              {"value", clip(e.fields[i].value, 1024)},
                              {"inline", e.fields[i].inline_}});
        }
        j["fields"] = std::move(fields);
    }
    return j;
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
    }
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
    if (env.type == 2) {  // APPLICATION_COMMAND
        if (!has_data) return model_error{"interaction: command without 'data'"};
        ports::command_invocation c;
        c.name = text_field(*data, "name");
        if (c.name.empty()) return model_error{"interaction: command without 'data.name'"};
        if (const json* options = detail::array_field(*data, "options")) {
            if (!collect_options(*options, c, 1)) return model_error{"interaction: options nested or repeated beyond Discord's limits"};
        }
        env.neutral.action = std::move(c);
    } else if (env.type == 3) {  // MESSAGE_COMPONENT
        if (!has_data) return model_error{"interaction: component without 'data'"};
        ports::component_action a;
        a.custom_id = text_field(*data, "custom_id");
        if (a.custom_id.empty()) return model_error{"interaction: component without 'data.custom_id'"};
        if (const auto values = data->find("values"); values != data->end() && values->is_array()) {
            for (const auto& v : *values) {
                if (v.is_string()) a.values.push_back(v.get<std::string>());
            }
        }
        env.neutral.action = std::move(a);
    } else if (env.type != 1) {
        return model_error{"interaction: unsupported type " + std::to_string(env.type)};
    }
    return env;
}

namespace {

/// Characters an embed counts toward the 6000 total (REFERENCE.md §5: title, description,
/// field names and values, footer text).
std::size_t embed_characters(const json& e) {
    std::size_t n = 0;
    const auto add = [&n](const json& v) {
        if (v.is_string()) n += core::utf8_length(v.get_ref<const std::string&>());
    };
    if (e.contains("title")) add(e["title"]);
    if (e.contains("description")) add(e["description"]);
    if (e.contains("footer")) add(e["footer"]["text"]);
    if (e.contains("fields")) {
        for (const auto& f : e["fields"]) {
            add(f["name"]);
            add(f["value"]);
        }
    }
    return n;
}

constexpr std::size_t embeds_max = 10;
constexpr std::size_t embeds_characters_max = 6000;

}  // namespace

json to_message_data(const ports::message& message) {
    json data = json::object();
    if (!message.content.empty()) data["content"] = clip(message.content, ports::content_length_max);
    if (!message.embeds.empty()) {
        json embeds = json::array();
        std::size_t total = 0;
        for (std::size_t i = 0; i < message.embeds.size() && i < embeds_max; ++i) {
            json e = to_embed(message.embeds[i]);
            total += embed_characters(e);
            if (total > embeds_characters_max) break;  // later embeds would make Discord refuse the message
            embeds.push_back(std::move(e));
        }
        data["embeds"] = std::move(embeds);
    }
    json rows = json::array();
    for (std::size_t r = 0; r < message.rows.size() && r < ports::action_rows_max; ++r) {
        json components = json::array();
        for (const auto& c : message.rows[r].components) {
            const bool select = std::holds_alternative<ports::string_select>(c);
            // A row holds up to five buttons, or exactly one select (REFERENCE.md §4).
            if (select && !components.empty()) break;
            if (components.size() >= ports::buttons_per_row_max) break;
            std::visit([&](const auto& component) { components.push_back(to_component(component)); }, c);
            if (select) break;
        }
        if (components.empty()) continue;
        rows.push_back({{"type", 1}, {"components", std::move(components)}});
    }
    data["components"] = std::move(rows);
    data["allowed_mentions"] = {{"parse", json::array()}};
    if (message.ephemeral) data["flags"] = 64;
    return data;
}

json to_interaction_callback(const ports::interaction_response& response) {
    const int type = response.kind == ports::response_kind::update_message ? 7 : 4;
    json data = to_message_data(response.body);
    if (type == 7) data.erase("flags");  // ephemeral state of an existing message cannot change
    return json{{"type", type}, {"data", std::move(data)}};
}

json to_command(const ports::command_spec& spec) {
    json options = json::array();
    for (const auto& o : spec.options) {
        int type = 3;
        switch (o.type) {
            case ports::option_type::string: type = 3; break;
            case ports::option_type::integer: type = 4; break;
            case ports::option_type::user: type = 6; break;
            case ports::option_type::number: type = 10; break;
        }
        options.push_back({{"type", type},
                           {"name", core::truncate_utf8(o.name, 32, "")},
                           {"description", clip(o.description, 100)},
                           {"required", o.required}});
    }
    // Names are 1-32 characters, descriptions 1-100 (REFERENCE.md §3.6).
    json j{{"name", core::truncate_utf8(spec.name, 32, "")},
           {"type", 1},
           {"description", clip(spec.description, 100)},
           {"options", std::move(options)}};
    j["default_member_permissions"] = spec.staff_only ? json("0") : json(nullptr);
    j["contexts"] = json::array({0});
    return j;
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
