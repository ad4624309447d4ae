// The sandbox world, interactions: what members do (commands with their options, autocomplete,
// modal submissions, clicks and picks) as Discord builds the INTERACTION_CREATE, and the bot's
// answers to them (callbacks, edits of @original, follow-ups), checked as Discord checks them.
#include "world.hpp"

#include <algorithm>
#include <set>

namespace apexcore::sandbox {

std::variant<json, api_failure> world::build_options(const json& specs, const json& given, json& resolved) {
    if (!given.is_object()) return control_error(400, "options must be an object of name -> value");
    json options = json::array();
    for (const auto& spec : specs) {
        const std::string oname = spec.value("name", "");
        const int type = spec.value("type", 3);
        if (!given.contains(oname)) {
            if (spec.value("required", false)) return control_error(400, "missing required option '" + oname + "'");
            continue;
        }
        const json& v = given[oname];
        json value = v;
        const auto fail = [&](const std::string& what) { return control_error(400, "option '" + oname + "' must be " + what); };
        switch (type) {
            case 3:
                if (!v.is_string()) return fail("a string");
                break;
            case 4:
                if (!v.is_number_integer()) return fail("an integer");
                break;
            case 5:
                if (!v.is_boolean()) return fail("true or false");
                break;
            case 10:
                if (!v.is_number()) return fail("a number");
                break;
            case 6:
            case 9: {
                const member* target = v.is_string() ? find_member(v.get<std::string>()) : nullptr;
                const role_record* role = v.is_string() && type == 9 ? find_role(v.get<std::string>()) : nullptr;
                if (target != nullptr) {
                    resolved["users"][target->user_id] = user_json(target->user_id, target->username, false);
                    resolved["members"][target->user_id] = member_json(*target, false);
                } else if (role != nullptr) {
                    resolved["roles"][role->id] = role_json(*role);
                } else {
                    return fail(type == 6 ? "the user_id of a guild member" : "a member's or a role's id");
                }
                break;
            }
            case 7: {
                const channel_record* c = v.is_string() ? find_channel(v.get<std::string>()) : nullptr;
                if (c == nullptr || c->type == 1) return fail("the id of a guild channel");
                resolved["channels"][c->id] = {{"id", c->id}, {"name", c->name}, {"type", c->type}, {"permissions", "2248473465835073"}};
                break;
            }
            case 8: {
                const role_record* role = v.is_string() ? find_role(v.get<std::string>()) : nullptr;
                if (role == nullptr) return fail("the id of a role");
                resolved["roles"][role->id] = role_json(*role);
                break;
            }
            case 11: {
                // An upload: {"filename", "size", "content_type"?}; Discord stores it and sends its id.
                if (!v.is_object() || !v.contains("filename") || !v["filename"].is_string() || !v.contains("size") ||
                    !v["size"].is_number_unsigned()) {
                    return fail("a file: {\"filename\", \"size\", \"content_type\"}");
                }
                if (v["size"].get<std::uint64_t>() > 10 * 1024 * 1024) return fail("at most 10 MiB (the upload limit)");
                const std::string id = next_snowflake();
                const std::string filename = v["filename"].get<std::string>();
                // With "url" (an upload whose bytes the sandbox keeps, control_api.cpp) the bot can fetch it.
                const bool kept = v.contains("url") && v["url"].is_string();
                resolved["attachments"][id] = {
                    {"id", id}, {"filename", filename}, {"size", v["size"]},
                    {"content_type", v.value("content_type", "application/octet-stream")},
                    {"url", kept ? v["url"].get<std::string>() : "https://cdn.discordapp.com/ephemeral-attachments/sandbox/" + id + "/" + filename},
                    {"proxy_url", kept ? v["url"].get<std::string>()
                                       : "https://media.discordapp.net/ephemeral-attachments/sandbox/" + id + "/" + filename},
                    {"ephemeral", true}};
                value = id;
                break;
            }
            default:
                break;
        }
        // Fixed choices: only those values (REFERENCE.md §3.6).
        if (spec.contains("choices") && spec["choices"].is_array() && !spec["choices"].empty()) {
            const json& choices = spec["choices"];
            const bool offered = std::any_of(choices.begin(), choices.end(), [&](const json& c) { return c.value("value", json()) == value; });
            if (!offered) return fail("one of its choices");
        }
        if ((type == 4 || type == 10) && value.is_number()) {
            const double d = value.get<double>();
            if (spec.contains("min_value") && d < spec["min_value"].get<double>()) return fail(">= " + spec["min_value"].dump());
            if (spec.contains("max_value") && d > spec["max_value"].get<double>()) return fail("<= " + spec["max_value"].dump());
        }
        options.push_back({{"name", oname}, {"type", type}, {"value", std::move(value)}});
    }
    for (const auto& [key, _] : given.items()) {
        const auto known = std::any_of(specs.begin(), specs.end(), [&](const json& s) { return s.value("name", "") == key; });
        if (!known) return control_error(400, "no option '" + key + "'");
    }
    return options;
}

std::variant<json, api_failure> world::command_interaction(const json& request) {
    if (!request.is_object()) return control_error(400, "body must be a JSON object");
    const member* m = find_member(request.value("user_id", ""));
    if (m == nullptr) return control_error(404, "user_id is not a member of the sandbox guild");
    // "name" is the command, or "command sub" / "command group sub" for sub-commands.
    const std::string full = request.value("name", "");
    std::vector<std::string> words;
    for (std::size_t pos = 0; pos <= full.size();) {
        const std::size_t space = full.find(' ', pos);
        words.push_back(full.substr(pos, space == std::string::npos ? std::string::npos : space - pos));
        if (space == std::string::npos) break;
        pos = space + 1;
    }
    const std::string name = words.front();
    const auto command = std::find_if(commands_.begin(), commands_.end(),
                                      [&](const json& c) { return c.value("name", "") == name; });
    if (command == commands_.end()) return control_error(404, "the bot has not registered a command named '" + name + "'");
    // Walk down the sub-command path; the leaf's options are the member's.
    json specs = command->value("options", json::array());
    std::vector<std::pair<std::string, int>> path;  // (name, type 1 or 2)
    for (std::size_t i = 1; i < words.size(); ++i) {
        const auto sub = std::find_if(specs.begin(), specs.end(), [&](const json& o) {
            return o.value("name", "") == words[i] && (o.value("type", 0) == 1 || o.value("type", 0) == 2);
        });
        if (sub == specs.end()) return control_error(404, "command '" + name + "' has no sub-command '" + words[i] + "'");
        path.emplace_back(words[i], sub->value("type", 0));
        specs = sub->value("options", json::array());
    }
    const bool needs_sub = std::any_of(specs.begin(), specs.end(), [](const json& o) { return o.value("type", 0) == 1 || o.value("type", 0) == 2; });
    if (needs_sub) return control_error(400, "'" + full + "' needs a sub-command (name it: \"" + full + " <sub>\")");
    json resolved = json::object();
    auto built = build_options(specs, request.value("options", json::object()), resolved);
    if (auto* f = std::get_if<api_failure>(&built)) return *f;
    json options = std::get<json>(built);
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        options = json::array({{{"name", it->first}, {"type", it->second}, {"options", options}}});
    }

    const auto where = acting_channel(*m, request.value("channel_id", ""));
    if (auto* f = std::get_if<api_failure>(&where)) return *f;
    const std::string& channel = std::get<std::string>(where);
    const std::string id = next_snowflake();
    const std::string token = "aW50ZXJhY3Rpb246" + id;
    json interaction = interaction_base(*m, 2, id, token, channel);
    json data{{"id", (*command)["id"]}, {"name", name}, {"type", 1}, {"guild_id", ids_.guild_id}};
    if (!options.empty()) data["options"] = std::move(options);
    if (!resolved.empty()) data["resolved"] = std::move(resolved);
    interaction["data"] = std::move(data);
    register_interaction(id, token, 2, m->user_id, std::nullopt, full, channel);
    return interaction;
}

std::variant<json, api_failure> world::autocomplete_interaction(const json& request) {
    if (!request.is_object()) return control_error(400, "body must be a JSON object");
    const member* m = find_member(request.value("user_id", ""));
    if (m == nullptr) return control_error(404, "user_id is not a member of the sandbox guild");
    const std::string name = request.value("name", "");
    const std::string option = request.value("option", "");
    const auto command = std::find_if(commands_.begin(), commands_.end(), [&](const json& c) { return c.value("name", "") == name; });
    if (command == commands_.end()) return control_error(404, "the bot has not registered a command named '" + name + "'");
    const json specs = command->value("options", json::array());
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const json& o) { return o.value("name", "") == option; });
    if (spec == specs.end() || !spec->value("autocomplete", false)) {
        return control_error(400, "option '" + option + "' of '" + name + "' does not have autocomplete");
    }
    json options = json::array();
    const json given = request.value("options", json::object());  // kept alive: items() refers into it
    if (!given.is_object()) return control_error(400, "options must be an object of name -> value");
    for (const auto& [key, value] : given.items()) {
        const auto other = std::find_if(specs.begin(), specs.end(), [&](const json& o) { return o.value("name", "") == key; });
        if (other == specs.end()) return control_error(400, "no option '" + key + "'");
        options.push_back({{"name", key}, {"type", other->value("type", 3)}, {"value", value}});
    }
    // While typing, the focused option's value is the partial text (REFERENCE.md §3.4).
    options.push_back({{"name", option}, {"type", spec->value("type", 3)}, {"value", request.value("value", "")}, {"focused", true}});
    const std::string id = next_snowflake();
    const std::string token = "aW50ZXJhY3Rpb246" + id;
    json interaction = interaction_base(*m, 4, id, token, ids_.shop_channel_id);
    interaction["data"] = {{"id", (*command)["id"]}, {"name", name}, {"type", 1}, {"options", std::move(options)}};
    register_interaction(id, token, 4, m->user_id, std::nullopt, name, ids_.shop_channel_id);
    return interaction;
}

std::variant<json, api_failure> world::modal_submit_interaction(const json& request) {
    if (!request.is_object()) return control_error(400, "body must be a JSON object");
    const member* m = find_member(request.value("user_id", ""));
    if (m == nullptr) return control_error(404, "user_id is not a member of the sandbox guild");
    const auto opened = interactions_.find(request.value("interaction_id", ""));
    if (opened == interactions_.end() || !opened->second.modal) {
        return control_error(404, "no modal is open for interaction_id (the bot answers with type 9 to open one)");
    }
    if (opened->second.user_id != m->user_id) return control_error(403, "that modal was opened for another member");
    const json modal = *opened->second.modal;
    const json values = request.value("values", json::object());
    if (!values.is_object()) return control_error(400, "values must be an object of text input custom_id -> text");
    json components = json::array();
    std::set<std::string> known;
    for (const auto& c : modal.value("components", json::array())) {
        json input = json::object();
        if (c.value("type", 0) == 18) {
            input = c.value("component", json::object());
        } else if (const json rows = c.value("components", json::array()); rows.is_array() && !rows.empty()) {
            input = rows[0];
        }
        const std::string id = input.value("custom_id", "");
        known.insert(id);
        const std::string text = values.contains(id) && values[id].is_string() ? values[id].get<std::string>() : input.value("value", "");
        const std::size_t length = static_cast<std::size_t>(
            std::count_if(text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
        if (input.value("required", true) && text.empty()) return control_error(400, "the input '" + id + "' is required");
        if (!text.empty() && (length < static_cast<std::size_t>(input.value("min_length", 0)) ||
                              length > static_cast<std::size_t>(input.value("max_length", 4000)))) {
            return control_error(400, "the input '" + id + "' must be " + std::to_string(input.value("min_length", 0)) + ".." +
                                          std::to_string(input.value("max_length", 4000)) + " characters");
        }
        // Discord sends the submission in the current form: each value inside its Label.
        components.push_back({{"type", 18}, {"id", components.size() + 1},
                              {"component", {{"type", 4}, {"id", components.size() + 100}, {"custom_id", id}, {"value", text}}}});
    }
    for (const auto& [key, _] : values.items()) {
        if (known.count(key) == 0) return control_error(400, "the modal has no input '" + key + "'");
    }
    opened->second.modal.reset();  // submitted once
    const std::string id = next_snowflake();
    const std::string token = "aW50ZXJhY3Rpb246" + id;
    const std::string channel = opened->second.channel_id;
    json interaction = interaction_base(*m, 5, id, token, channel);
    interaction["data"] = {{"custom_id", modal.value("custom_id", "")}, {"components", std::move(components)}};
    register_interaction(id, token, 5, m->user_id, opened->second.source_message_id, {}, channel);
    return interaction;
}

std::variant<json, api_failure> world::component_interaction(const json& request) {
    if (!request.is_object()) return control_error(400, "body must be a JSON object");
    const member* m = find_member(request.value("user_id", ""));
    if (m == nullptr) return control_error(404, "user_id is not a member of the sandbox guild");
    const std::string message_id = request.value("message_id", "");
    const auto message = messages_.find(message_id);
    if (message == messages_.end()) return control_error(404, "no message " + message_id + " from the bot");
    if (message->second.value("ephemeral_user_id", "") != "" &&
        message->second.value("ephemeral_user_id", "") != m->user_id) {
        return control_error(403, "that ephemeral message is visible only to the user who invoked it");
    }
    // A member clicks only what they can see: the message's channel must be visible to them.
    const bool ephemeral_for_them = message->second.value("ephemeral_user_id", "") == m->user_id;
    const std::string message_channel = message->second.value("channel_id", ids_.shop_channel_id);
    if (!ephemeral_for_them) {
        const auto visible = acting_channel(*m, message_channel);
        if (auto* f = std::get_if<api_failure>(&visible)) return *f;
    }
    const std::string custom_id = request.value("custom_id", "");
    const json values = request.value("values", json::array());
    // Find the component the way a client does: only components present on the message.
    const json rows = message->second.value("components", json::array());
    std::optional<json> found;
    for (const auto& row : rows) {
        for (const auto& c : row.value("components", json::array())) {
            if (c.value("custom_id", "") == custom_id) found = c;
        }
    }
    if (!found) return control_error(404, "message " + message_id + " has no component with that custom_id");
    const int component_type = found->value("type", 0);
    if (found->value("disabled", false)) return control_error(409, "that component is disabled");
    json data{{"custom_id", custom_id}, {"component_type", component_type}};
    if (component_type >= 5 && component_type <= 8) {
        // User / role / mentionable / channel selects: ids, with `resolved` (REFERENCE.md §4).
        if (!values.is_array() || values.empty() || values.size() > static_cast<std::size_t>(found->value("max_values", 1)) ||
            values.size() < static_cast<std::size_t>(found->value("min_values", 1))) {
            return control_error(400, "pick between min_values and max_values ids");
        }
        json resolved = json::object();
        for (const auto& v : values) {
            const std::string vid = v.is_string() ? v.get<std::string>() : "";
            const member* who = find_member(vid);
            const role_record* role = find_role(vid);
            const channel_record* ch = find_channel(vid);
            if ((component_type == 5 || component_type == 7) && who != nullptr) {
                resolved["users"][vid] = user_json(who->user_id, who->username, false);
                resolved["members"][vid] = member_json(*who, false);
            } else if ((component_type == 6 || component_type == 7) && role != nullptr) {
                resolved["roles"][vid] = role_json(*role);
            } else if (component_type == 8 && ch != nullptr && ch->type != 1) {
                resolved["channels"][vid] = {{"id", ch->id}, {"name", ch->name}, {"type", ch->type}, {"permissions", "2248473465835073"}};
            } else {
                return control_error(400, "'" + vid + "' is not something this select offers");
            }
        }
        data["values"] = values;
        data["resolved"] = std::move(resolved);
    }
    if (component_type == 3) {
        if (!values.is_array() || values.empty()) return control_error(400, "a select needs 'values'");
        const json options = found->value("options", json::array());
        for (const auto& v : values) {
            const bool offered = std::any_of(options.begin(), options.end(), [&](const json& o) { return o.value("value", "") == v; });
            if (!offered) return control_error(400, "the select does not offer that value");
        }
        data["values"] = values;
    }
    const std::string id = next_snowflake();
    const std::string token = "aW50ZXJhY3Rpb246" + id;
    json interaction = interaction_base(*m, 3, id, token, message_channel);
    json shown = message->second;
    shown.erase("ephemeral_user_id");
    interaction["message"] = shown;
    interaction["data"] = std::move(data);
    register_interaction(id, token, 3, m->user_id, message_id, {}, message_channel);
    return interaction;
}

std::optional<api_failure> world::interaction_callback(const std::string& id, const std::string& token,
                                                       const json& body) {
    auto it = interactions_.find(id);
    if (it == interactions_.end() || it->second.token != token) return error_body(404, 10062, "Unknown interaction");
    pending_interaction& p = it->second;
    if (p.acknowledged) return error_body(400, 40060, "Interaction has already been acknowledged.");
    if (steady::now() - p.created > interaction_deadline) return error_body(404, 10062, "Unknown interaction");
    if (auto failure = validate_callback(body, p.type)) return failure;
    p.acknowledged = true;
    p.acknowledged_at = steady::now();
    p.callback = body;
    const int type = body.value("type", 0);
    if (type == 9) p.modal = body["data"];  // the member may now fill it in (control: /_sandbox/modals)
    if (type == 5 || type == 6) {
        p.deferred = true;
        // type 5 shows a "thinking" message that @original edits; type 6 edits the clicked message.
        p.message_id = type == 6 && p.source_message_id ? *p.source_message_id : next_snowflake();
        if (type == 5) {
            const bool ephemeral = body.contains("data") && body["data"].is_object() &&
                                   (body["data"].value("flags", 0) & 64) != 0;
            json message = message_json(*p.message_id, p.channel_id, user_json(ids_.bot_user_id, "apexbot", true),
                                        json{{"flags", ephemeral ? 64 + 128 : 128}});  // 128 = LOADING
            mark_as_response(message, p);
            if (ephemeral) message["ephemeral_user_id"] = p.user_id;
            messages_[*p.message_id] = std::move(message);
            if (!ephemeral) remember_in(p.channel_id, *p.message_id);
        }
    }
    if (type == 4 || type == 7) {
        const json& data = body["data"];
        const std::string message_id = type == 7 && p.source_message_id ? *p.source_message_id : next_snowflake();
        if (type == 7) {
            // UPDATE_MESSAGE edits only the fields it carries: an update without `components`
            // keeps the message's buttons (discord.js's interaction.update({content}) relies on it).
            json& message = messages_[message_id];
            for (const char* key : {"content", "embeds", "components"}) {
                if (data.contains(key)) message[key] = data[key];
            }
            message["edited_timestamp"] = iso8601_from_snowflake(next_snowflake());
        } else {
            json message = message_json(message_id, p.channel_id, user_json(ids_.bot_user_id, "apexbot", true), data);
            mark_as_response(message, p);
            const bool ephemeral = (data.value("flags", 0) & 64) != 0;
            if (ephemeral) message["ephemeral_user_id"] = p.user_id;
            messages_[message_id] = std::move(message);
            if (!ephemeral) remember_in(p.channel_id, message_id);
        }
        p.message_id = message_id;
    }
    return std::nullopt;
}

std::variant<json, api_failure> world::edit_original(const std::string& application, const std::string& token,
                                                     const json& body, const json& attachments) {
    if (application != ids_.application_id) return error_body(404, 10015, "Unknown Webhook");
    const auto by_token = interaction_by_token_.find(token);
    if (by_token == interaction_by_token_.end()) return error_body(401, 50027, "Invalid Webhook Token");
    pending_interaction& p = interactions_.at(by_token->second);
    if (steady::now() - p.created > std::chrono::minutes(15)) return error_body(401, 50027, "Invalid Webhook Token");
    if (!p.acknowledged || !p.message_id) return error_body(404, 10008, "Unknown Message");
    if (auto failure = validate_message(body)) return *failure;
    json& message = messages_[*p.message_id];
    for (const char* key : {"content", "embeds", "components"}) {
        if (body.contains(key)) message[key] = body[key];
    }
    for (const auto& a : attachments) message["attachments"].push_back(a);
    if (message.contains("flags") && message["flags"].is_number_integer()) {
        message["flags"] = message["flags"].get<int>() & ~128;  // no longer loading
    }
    p.original = message;
    json shown = message;
    shown.erase("ephemeral_user_id");
    return shown;
}

std::variant<json, api_failure> world::webhook_message(const std::string& method, const std::string& application,
                                                       const std::string& token, const std::string& message, const json& body) {
    if (message == "@original" && method == "PATCH") return edit_original(application, token, body);
    if (application != ids_.application_id) return error_body(404, 10015, "Unknown Webhook");
    const auto by_token = interaction_by_token_.find(token);
    if (by_token == interaction_by_token_.end()) return error_body(401, 50027, "Invalid Webhook Token");
    pending_interaction& p = interactions_.at(by_token->second);
    if (steady::now() - p.created > std::chrono::minutes(15)) return error_body(401, 50027, "Invalid Webhook Token");
    const std::string id = message == "@original" ? p.message_id.value_or("") : message;
    const auto it = messages_.find(id);
    // Only this interaction's messages: its original response and its follow-ups.
    const bool ours = it != messages_.end() && it->second.contains("interaction") && it->second["interaction"].value("id", "") == p.id;
    if (id.empty() || !ours) return error_body(404, 10008, "Unknown Message");
    if (method == "GET") {
        json shown = it->second;
        shown.erase("ephemeral_user_id");
        return shown;
    }
    if (method == "PATCH") {
        if (auto failure = validate_message(body)) return *failure;
        for (const char* key : {"content", "embeds", "components"}) {
            if (body.contains(key)) it->second[key] = body[key];
        }
        it->second["edited_timestamp"] = iso8601_from_snowflake(next_snowflake());
        json shown = it->second;
        shown.erase("ephemeral_user_id");
        return shown;
    }
    if (method == "DELETE") {
        for (auto& [cid, c] : channels_) std::erase(c.history, id);
        messages_.erase(it);
        return json(nullptr);
    }
    return error_body(405, 0, "405: Method Not Allowed");
}

std::variant<json, api_failure> world::followup(const std::string& application, const std::string& token, const json& body,
                                                const json& attachments) {
    if (application != ids_.application_id) return error_body(404, 10015, "Unknown Webhook");
    const auto by_token = interaction_by_token_.find(token);
    if (by_token == interaction_by_token_.end()) return error_body(401, 50027, "Invalid Webhook Token");
    pending_interaction& p = interactions_.at(by_token->second);
    if (steady::now() - p.created > std::chrono::minutes(15)) return error_body(401, 50027, "Invalid Webhook Token");
    if (!p.acknowledged) return error_body(400, 10062, "Unknown interaction");
    if (auto failure = validate_message(body)) return *failure;
    ++p.followups;
    // REFERENCE.md §3.5: a follow-up right after a type-5 defer edits the loading message instead
    // of creating one, and keeps its ephemeral state.
    if (p.deferred && p.message_id) {
        const auto loading = messages_.find(*p.message_id);
        if (loading != messages_.end() && (loading->second.value("flags", 0) & 128) != 0) {
            json& message = loading->second;
            for (const char* key : {"content", "embeds", "components"}) {
                if (body.contains(key)) message[key] = body[key];
            }
            message["flags"] = message["flags"].get<int>() & ~128;
            for (const auto& a : attachments) message["attachments"].push_back(a);
            p.original = message;
            json shown = message;
            shown.erase("ephemeral_user_id");
            return shown;
        }
    }
    const std::string id = next_snowflake();
    json message = message_json(id, p.channel_id, user_json(ids_.bot_user_id, "apexbot", true), body);
    mark_as_response(message, p);
    message["type"] = 0;  // follow-ups are ordinary webhook messages
    message["attachments"] = attachments;
    const bool ephemeral = (body.value("flags", 0) & 64) != 0;
    if (ephemeral) message["ephemeral_user_id"] = p.user_id;
    messages_[id] = message;
    if (!ephemeral) remember_in(p.channel_id, id);
    message.erase("ephemeral_user_id");
    return message;
}

}  // namespace apexcore::sandbox
