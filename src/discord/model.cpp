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

/// Valid UTF-8 of at most `max_chars` code points, ending in "…" when cut (core/text.hpp).
std::string clip(const std::string& s, std::size_t max_chars) { return core::truncate_utf8(s, max_chars); }

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

/// A web link or an upload sent with the message (REFERENCE.md §5: attachment://name).
bool is_link(const std::string& url) {
    return url.starts_with("https://") || url.starts_with("http://") || url.starts_with("attachment://");
}

json to_component(const ports::button& b) {
    if (!b.url.empty()) {  // a link button: style 5, a url, no custom_id (REFERENCE.md §4)
        json j{{"type", 2}, {"style", 5}, {"label", clip(b.label, 80)}, {"url", core::truncate_utf8_bytes(core::to_valid_utf8(b.url), 512)}};
        if (b.disabled) j["disabled"] = true;
        return j;
    }
    const int style = b.style == ports::button_style::link ? static_cast<int>(ports::button_style::primary) : static_cast<int>(b.style);
    json j{{"type", 2}, {"style", style}, {"label", clip(b.label, 80)},
           {"custom_id", core::truncate_utf8(b.custom_id, ports::custom_id_length_max, "")}};
    if (b.disabled) j["disabled"] = true;
    return j;
}

/// min_values / max_values within 0..25 and in order (REFERENCE.md §4).
void select_counts(json& j, int min_values, int max_values, std::size_t options) {
    const int cap = options == 0 ? 25 : static_cast<int>(std::min<std::size_t>(options, 25));
    const int lo = std::clamp(min_values, 0, cap);
    const int hi = std::clamp(max_values, std::max(lo, 1), cap);
    if (lo != 1) j["min_values"] = lo;
    if (hi != 1) j["max_values"] = hi;
}

json to_component(const ports::entity_select& s) {
    int type = 5;
    switch (s.of) {
        case ports::entity_select::kind::user: type = 5; break;
        case ports::entity_select::kind::role: type = 6; break;
        case ports::entity_select::kind::mentionable: type = 7; break;
        case ports::entity_select::kind::channel: type = 8; break;
    }
    json j{{"type", type}, {"custom_id", core::truncate_utf8(s.custom_id, ports::custom_id_length_max, "")}};
    if (!s.placeholder.empty()) j["placeholder"] = clip(s.placeholder, 150);
    select_counts(j, s.min_values, s.max_values, 0);
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
    const std::size_t count = options.size();
    json j{{"type", 3},
           {"custom_id", core::truncate_utf8(s.custom_id, ports::custom_id_length_max, "")},
           {"options", std::move(options)}};
    if (!s.placeholder.empty()) j["placeholder"] = clip(s.placeholder, 150);
    select_counts(j, s.min_values, s.max_values, count);
    return j;
}

json to_embed(const ports::embed& e) {
    json j = json::object();
    if (!e.title.empty()) j["title"] = clip(e.title, 256);
    if (!e.description.empty()) j["description"] = clip(e.description, 4096);
    if (e.color) j["color"] = *e.color;
    if (!e.footer.empty()) j["footer"] = {{"text", clip(e.footer, 2048)}};
    // Links and pictures: only web links and uploads (attachment://); anything else is left out.
    const auto link = [](const std::string& url) { return core::truncate_utf8_bytes(core::to_valid_utf8(url), 2048); };
    if (is_link(e.url) && !e.url.starts_with("attachment://")) j["url"] = link(e.url);
    if (is_link(e.image_url)) j["image"] = {{"url", link(e.image_url)}};
    if (is_link(e.thumbnail_url)) j["thumbnail"] = {{"url", link(e.thumbnail_url)}};
    if (!e.author_name.empty()) {
        json author{{"name", clip(e.author_name, 256)}};
        if (is_link(e.author_url) && !e.author_url.starts_with("attachment://")) author["url"] = link(e.author_url);
        if (is_link(e.author_icon_url)) author["icon_url"] = link(e.author_icon_url);
        j["author"] = std::move(author);
    }
    // ISO 8601 (REFERENCE.md §5); text that is not one would make Discord refuse the message.
    if (e.timestamp.size() >= 20 && e.timestamp.size() <= 35 && e.timestamp[4] == '-' && e.timestamp[7] == '-' &&
        e.timestamp[10] == 'T' && core::is_valid_utf8(e.timestamp)) {
        j["timestamp"] = e.timestamp;
    }
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

namespace {

/// Characters an embed counts toward the 6000 total (REFERENCE.md §5: title, description,
/// field names and values, footer text, author name).
std::size_t embed_characters(const json& e) {
    std::size_t n = 0;
    const auto add = [&n](const json& v) {
        if (v.is_string()) n += core::utf8_length(v.get_ref<const std::string&>());
    };
    if (e.contains("title")) add(e["title"]);
    if (e.contains("description")) add(e["description"]);
    if (e.contains("footer")) add(e["footer"]["text"]);
    if (e.contains("author")) add(e["author"]["name"]);
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
    if (!message.files.empty()) {  // metadata of files[n] sent with it as multipart (REFERENCE.md §2.4)
        json attachments = json::array();
        for (std::size_t i = 0; i < message.files.size() && i < ports::files_per_message_max; ++i) {
            json a{{"id", i}, {"filename", safe_filename(message.files[i].filename)}};
            if (!message.files[i].description.empty()) a["description"] = clip(message.files[i].description, 1024);
            attachments.push_back(std::move(a));
        }
        data["attachments"] = std::move(attachments);
    }
    return data;
}

std::string safe_filename(std::string_view name) {
    std::string out = core::truncate_utf8_bytes(core::to_valid_utf8(name), 255);
    for (char& c : out) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F || c == '/' || c == '\\' || c == '"') c = '_';
    }
    return out.empty() ? std::string("file") : out;
}

json to_interaction_callback(const ports::interaction_response& response) {
    if (response.kind == ports::response_kind::open_modal) {
        // Type 9 (REFERENCE.md §4): each text input in a Label (type 18), the current form.
        json components = json::array();
        for (std::size_t i = 0; i < response.form.inputs.size() && i < 5; ++i) {
            const auto& in = response.form.inputs[i];
            const int max_length = std::clamp(in.max_length, 1, 4000);
            const int min_length = std::clamp(in.min_length, 0, max_length);
            json input{{"type", 4},
                       {"custom_id", core::truncate_utf8(in.custom_id, ports::custom_id_length_max, "")},
                       {"style", in.paragraph ? 2 : 1},
                       {"min_length", min_length},
                       {"max_length", max_length},
                       {"required", in.required}};
            if (!in.value.empty()) input["value"] = clip(in.value, static_cast<std::size_t>(max_length));
            if (!in.placeholder.empty()) input["placeholder"] = clip(in.placeholder, 100);
            components.push_back({{"type", 18}, {"label", clip(in.label, 45)}, {"component", std::move(input)}});
        }
        return json{{"type", 9},
                    {"data",
                     {{"custom_id", core::truncate_utf8(response.form.custom_id, ports::custom_id_length_max, "")},
                      {"title", clip(response.form.title, 45)},
                      {"components", std::move(components)}}}};
    }
    if (response.kind == ports::response_kind::suggest) {
        // Type 8: at most 25 choices, names 1-100, string values <= 100 (REFERENCE.md §3.5).
        json choices = json::array();
        for (std::size_t i = 0; i < response.choices.size() && i < 25; ++i) {
            const auto& c = response.choices[i];
            json value = std::visit([](const auto& v) -> json {
                if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) return core::truncate_utf8(v, 100, "");
                else return v;
            }, c.value);
            if (value.is_number_float() && !std::isfinite(value.get<double>())) continue;
            choices.push_back({{"name", clip(c.name.empty() ? std::string("-") : c.name, 100)}, {"value", std::move(value)}});
        }
        return json{{"type", 8}, {"data", {{"choices", std::move(choices)}}}};
    }
    const int type = response.kind == ports::response_kind::update_message ? 7 : 4;
    json data = to_message_data(response.body);
    if (type == 7) data.erase("flags");  // ephemeral state of an existing message cannot change
    return json{{"type", type}, {"data", std::move(data)}};
}

namespace {

int option_type_code(ports::option_type t) {
    switch (t) {
        case ports::option_type::string: return 3;
        case ports::option_type::integer: return 4;
        case ports::option_type::boolean: return 5;
        case ports::option_type::user: return 6;
        case ports::option_type::channel: return 7;
        case ports::option_type::role: return 8;
        case ports::option_type::mentionable: return 9;
        case ports::option_type::number: return 10;
        case ports::option_type::attachment: return 11;
    }
    return 3;
}

json to_option(const ports::command_option_spec& o) {
    const int type = option_type_code(o.type);
    json j{{"type", type},
           {"name", core::truncate_utf8(o.name, 32, "")},
           {"description", clip(o.description, 100)},
           {"required", o.required}};
    const bool numeric = type == 4 || type == 10;
    if ((type == 3 || numeric) && !o.choices.empty()) {
        json choices = json::array();
        for (std::size_t i = 0; i < o.choices.size() && i < 25; ++i) {
            const auto& c = o.choices[i];
            json value;
            if (const auto* text = std::get_if<std::string>(&c.value); text != nullptr && type == 3) value = core::truncate_utf8(*text, 100, "");
            else if (const auto* n = std::get_if<std::int64_t>(&c.value); n != nullptr && numeric) value = *n;
            else if (const auto* d = std::get_if<double>(&c.value); d != nullptr && type == 10 && std::isfinite(*d)) value = *d;
            else continue;  // a choice of another type than its option would be refused by Discord
            choices.push_back({{"name", clip(c.name, 100)}, {"value", std::move(value)}});
        }
        j["choices"] = std::move(choices);
    } else if (o.autocomplete && (type == 3 || numeric)) {
        j["autocomplete"] = true;  // not together with choices (REFERENCE.md §3.6)
    }
    if (numeric) {
        // Integer limits are integers and INTEGER options stay within +-2^53.
        constexpr double bound = 9007199254740992.0;
        const auto limit = [&](double v) -> json {
            v = std::clamp(v, -bound, bound);
            if (type == 4) return static_cast<std::int64_t>(v);
            return v;
        };
        if (o.min_value && std::isfinite(*o.min_value)) j["min_value"] = limit(*o.min_value);
        if (o.max_value && std::isfinite(*o.max_value)) j["max_value"] = limit(*o.max_value);
    }
    if (type == 3) {
        if (o.min_length) j["min_length"] = std::clamp(*o.min_length, 0, 6000);
        if (o.max_length) j["max_length"] = std::clamp(*o.max_length, 1, 6000);
    }
    return j;
}

json to_options(const std::vector<ports::command_option_spec>& options) {
    json out = json::array();
    for (std::size_t i = 0; i < options.size() && i < 25; ++i) out.push_back(to_option(options[i]));
    return out;
}

json to_subcommand(const ports::subcommand_spec& sub) {
    return json{{"type", 1},
                {"name", core::truncate_utf8(sub.name, 32, "")},
                {"description", clip(sub.description, 100)},
                {"options", to_options(sub.options)}};
}

}  // namespace

json to_command(const ports::command_spec& spec) {
    json options = json::array();
    if (spec.subcommands.empty() && spec.groups.empty()) {
        options = to_options(spec.options);
    } else {
        // Sub-commands and groups replace the command's own options (REFERENCE.md §3.6).
        for (const auto& sub : spec.subcommands) {
            if (options.size() < 25) options.push_back(to_subcommand(sub));
        }
        for (const auto& group : spec.groups) {
            if (options.size() >= 25) break;
            json subs = json::array();
            for (const auto& sub : group.subcommands) {
                if (subs.size() < 25) subs.push_back(to_subcommand(sub));
            }
            options.push_back({{"type", 2},
                               {"name", core::truncate_utf8(group.name, 32, "")},
                               {"description", clip(group.description, 100)},
                               {"options", std::move(subs)}});
        }
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
