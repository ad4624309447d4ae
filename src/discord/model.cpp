#include <apexcore/discord/model.hpp>

#include <algorithm>

namespace apexcore::discord {
namespace {

template <class Tag>
std::optional<core::snowflake<Tag>> snowflake_field(const json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    return core::snowflake<Tag>::parse(it->get_ref<const std::string&>());
}

std::string string_field(const json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

/// Truncates UTF-8 text to at most `max_chars` code points (Discord counts characters).
std::string clip(const std::string& s, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) return s.substr(0, i);
            ++chars;
        }
    }
    return s;
}

/// Flattens options; sub-command names become the command name "parent sub".
void collect_options(const json& options, ports::command_invocation& out) {
    if (!options.is_array()) return;
    for (const auto& o : options) {
        if (!o.is_object()) continue;
        const std::string name = string_field(o, "name");
        const int type = o.value("type", 0);
        if (type == 1 || type == 2) {  // SUB_COMMAND, SUB_COMMAND_GROUP
            out.name += " " + name;
            collect_options(o.value("options", json::array()), out);
            continue;
        }
        const auto value = o.find("value");
        if (value == o.end()) continue;
        if (type == 6) {  // USER: value is a snowflake string
            if (!value->is_string()) continue;
            if (auto id = core::user_id::parse(value->get_ref<const std::string&>())) {
                out.options.push_back({name, *id});
            }
        } else if (value->is_string()) {
            out.options.push_back({name, value->get<std::string>()});
        } else if (value->is_number_integer()) {
            out.options.push_back({name, value->get<std::int64_t>()});
        } else if (value->is_number()) {
            out.options.push_back({name, value->get<double>()});
        } else if (value->is_boolean()) {
            out.options.push_back({name, std::string(value->get<bool>() ? "true" : "false")});
        }
    }
}

json to_component(const ports::button& b) {
    json j{{"type", 2}, {"style", static_cast<int>(b.style)}, {"label", clip(b.label, 80)},
           {"custom_id", b.custom_id}};
    if (b.disabled) j["disabled"] = true;
    return j;
}

json to_component(const ports::string_select& s) {
    json options = json::array();
    for (std::size_t i = 0; i < s.options.size() && i < ports::select_options_max; ++i) {
        const auto& o = s.options[i];
        json opt{{"label", clip(o.label, 100)}, {"value", clip(o.value, 100)}};
        if (!o.description.empty()) opt["description"] = clip(o.description, 100);
        options.push_back(std::move(opt));
    }
    json j{{"type", 3}, {"custom_id", s.custom_id}, {"options", std::move(options)}};
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
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return model_error{"gateway frame is not valid JSON"};
    if (!j.is_object()) return model_error{"gateway frame is not a JSON object"};
    const auto op = j.find("op");
    if (op == j.end() || !op->is_number_integer()) return model_error{"gateway frame has no integer 'op'"};
    gateway_payload p;
    p.op = op->get<int>();
    if (auto d = j.find("d"); d != j.end()) p.d = std::move(*d);
    if (auto s = j.find("s"); s != j.end() && s->is_number_integer()) p.s = s->get<std::int64_t>();
    if (auto t = j.find("t"); t != j.end() && t->is_string()) p.t = t->get<std::string>();
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
                 {{"token", token},
                  {"intents", intents},
                  {"properties", {{"os", "linux"}, {"browser", library}, {"device", library}}}}}}
        .dump();
}

std::string make_resume(std::string_view token, std::string_view session_id, std::int64_t seq) {
    return json{{"op", static_cast<int>(opcode::resume)},
                {"d", {{"token", token}, {"session_id", session_id}, {"seq", seq}}}}
        .dump();
}

core::result<ready_event, model_error> parse_ready(const json& d) {
    if (!d.is_object()) return model_error{"READY: d is not an object"};
    ready_event r;
    r.session_id = string_field(d, "session_id");
    if (r.session_id.empty()) return model_error{"READY: missing 'session_id'"};
    r.resume_gateway_url = string_field(d, "resume_gateway_url");
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
    env.token = string_field(d, "token");
    if (env.token.empty()) return model_error{"interaction: missing 'token'"};
    const auto type = d.find("type");
    if (type == d.end() || !type->is_number_integer()) return model_error{"interaction: missing 'type'"};
    env.type = type->get<int>();
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
        env.neutral.from.display_name = string_field(*member, "nick");
    }
    if (user == nullptr) {
        if (const auto u = d.find("user"); u != d.end() && u->is_object()) user = &*u;
    }
    if (user == nullptr) return model_error{"interaction: no invoking user (member.user or user)"};
    const auto user_id = snowflake_field<core::user_tag>(*user, "id");
    if (!user_id) return model_error{"interaction: malformed user id"};
    env.neutral.from.user = *user_id;
    if (env.neutral.from.display_name.empty()) {
        env.neutral.from.display_name = string_field(*user, "global_name");
        if (env.neutral.from.display_name.empty()) env.neutral.from.display_name = string_field(*user, "username");
    }

    const auto data = d.find("data");
    const bool has_data = data != d.end() && data->is_object();
    if (env.type == 2) {  // APPLICATION_COMMAND
        if (!has_data) return model_error{"interaction: command without 'data'"};
        ports::command_invocation c;
        c.name = string_field(*data, "name");
        if (c.name.empty()) return model_error{"interaction: command without 'data.name'"};
        collect_options(data->value("options", json::array()), c);
        env.neutral.action = std::move(c);
    } else if (env.type == 3) {  // MESSAGE_COMPONENT
        if (!has_data) return model_error{"interaction: component without 'data'"};
        ports::component_action a;
        a.custom_id = string_field(*data, "custom_id");
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

json to_message_data(const ports::message& message) {
    json data = json::object();
    if (!message.content.empty()) data["content"] = clip(message.content, ports::content_length_max);
    if (!message.embeds.empty()) {
        json embeds = json::array();
        for (std::size_t i = 0; i < message.embeds.size() && i < 10; ++i) embeds.push_back(to_embed(message.embeds[i]));
        data["embeds"] = std::move(embeds);
    }
    json rows = json::array();
    for (std::size_t r = 0; r < message.rows.size() && r < ports::action_rows_max; ++r) {
        json components = json::array();
        for (const auto& c : message.rows[r].components) {
            std::visit([&](const auto& component) { components.push_back(to_component(component)); }, c);
        }
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
        options.push_back({{"type", type}, {"name", o.name}, {"description", o.description}, {"required", o.required}});
    }
    json j{{"name", spec.name}, {"type", 1}, {"description", spec.description}, {"options", std::move(options)}};
    j["default_member_permissions"] = spec.staff_only ? json("0") : json(nullptr);
    j["contexts"] = json::array({0});
    return j;
}

std::optional<api_error> parse_api_error(std::string_view body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    const auto code = j.find("code");
    const auto message = j.find("message");
    if (code == j.end() || !code->is_number_integer() || message == j.end() || !message->is_string()) {
        return std::nullopt;
    }
    return api_error{code->get<int>(), message->get<std::string>()};
}

}  // namespace apexcore::discord
