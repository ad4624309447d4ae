// Discord-style validation of what the bot sends the sandbox: interaction callbacks and command
// lists. Failures carry Discord's 50035 "Invalid Form Body" with an `errors` tree whose leaves
// are {"_errors":[{"code","message"}]} (REFERENCE.md §2.2; examples/error.form_*.json).
#include "world.hpp"

#include <regex>
#include <set>

namespace apexcore::sandbox {
namespace {

/// Collects field errors into Discord's nested error tree.
class form_errors {
public:
    void add(const std::vector<std::string>& path, const std::string& code, const std::string& message) {
        json* node = &tree_;
        for (const auto& p : path) node = &(*node)[p];
        (*node)["_errors"].push_back({{"code", code}, {"message", message}});
    }
    [[nodiscard]] bool empty() const { return tree_.is_null(); }
    [[nodiscard]] api_failure failure() const {
        return {400, json{{"code", 50035}, {"message", "Invalid Form Body"}, {"errors", tree_}}};
    }

private:
    json tree_;
};

using path_t = std::vector<std::string>;

path_t sub(path_t p, const std::string& key) {
    p.push_back(key);
    return p;
}

/// Counts UTF-8 code points, as Discord counts characters.
std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

void check_string(form_errors& e, const json& obj, const char* key, const path_t& path, std::size_t min,
                  std::size_t max, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required) e.add(sub(path, key), "BASE_TYPE_REQUIRED", "This field is required");
        return;
    }
    if (!it->is_string()) {
        e.add(sub(path, key), "BASE_TYPE_STRING", "Must be a string.");
        return;
    }
    const std::size_t n = chars(it->get<std::string>());
    if (n < min || n > max) {
        e.add(sub(path, key), "BASE_TYPE_BAD_LENGTH",
              "Must be between " + std::to_string(min) + " and " + std::to_string(max) + " in length.");
    }
}

void check_embeds(form_errors& e, const json& embeds, const path_t& path) {
    if (!embeds.is_array()) return e.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    if (embeds.size() > 10) e.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
    std::size_t total = 0;
    for (std::size_t i = 0; i < embeds.size(); ++i) {
        const json& em = embeds[i];
        const path_t p = sub(path, std::to_string(i));
        if (!em.is_object()) {
            e.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
            continue;
        }
        check_string(e, em, "title", p, 0, 256, false);
        check_string(e, em, "description", p, 0, 4096, false);
        total += chars(em.value("title", "")) + chars(em.value("description", ""));
        if (em.contains("color") && !em["color"].is_number_integer()) {
            e.add(sub(p, "color"), "NUMBER_TYPE_COERCE", "Value is not int.");
        }
        if (em.contains("footer")) {
            check_string(e, em["footer"], "text", sub(p, "footer"), 1, 2048, true);
            if (em["footer"].is_object()) total += chars(em["footer"].value("text", ""));
        }
        if (em.contains("author")) {
            check_string(e, em["author"], "name", sub(p, "author"), 1, 256, true);
            if (em["author"].is_object()) total += chars(em["author"].value("name", ""));
        }
        // Links: http(s) for url; http(s) or attachment:// for pictures (REFERENCE.md §5).
        const auto link = [&](const json& holder, const char* key, const path_t& at, bool uploads) {
            if (!holder.is_object() || !holder.contains(key)) return;
            const std::string url = holder[key].is_string() ? holder[key].get<std::string>() : std::string();
            const bool ok = url.starts_with("https://") || url.starts_with("http://") || (uploads && url.starts_with("attachment://"));
            if (!ok) e.add(sub(at, key), "URL_TYPE_INVALID_URL", "Not a well formed URL.");
        };
        link(em, "url", p, false);
        if (em.contains("image")) link(em["image"], "url", sub(p, "image"), true);
        if (em.contains("thumbnail")) link(em["thumbnail"], "url", sub(p, "thumbnail"), true);
        if (em.contains("author")) {
            link(em["author"], "url", sub(p, "author"), false);
            link(em["author"], "icon_url", sub(p, "author"), true);
        }
        if (em.contains("timestamp") && (!em["timestamp"].is_string() || em["timestamp"].get<std::string>().size() < 20)) {
            e.add(sub(p, "timestamp"), "DATE_TIME_TYPE_PARSE", "Could not parse the timestamp. Should be ISO8601.");
        }
        if (em.contains("fields")) {
            const json& fields = em["fields"];
            if (!fields.is_array() || fields.size() > 25) {
                e.add(sub(p, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
                continue;
            }
            for (std::size_t f = 0; f < fields.size(); ++f) {
                const path_t fp = sub(sub(p, "fields"), std::to_string(f));
                check_string(e, fields[f], "name", fp, 1, 256, true);
                check_string(e, fields[f], "value", fp, 1, 1024, true);
                if (fields[f].is_object()) {
                    total += chars(fields[f].value("name", "")) + chars(fields[f].value("value", ""));
                }
            }
        }
    }
    if (total > 6000) e.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
}

/// min_values 0..25 (default 1), max_values 1..25 (default 1), min <= max <= options.
void check_select_counts(form_errors& e, const json& select, const path_t& path, std::size_t options) {
    const auto read = [&](const char* key, int fallback) {
        if (!select.contains(key)) return fallback;
        if (!select[key].is_number_integer()) {
            e.add(sub(path, key), "NUMBER_TYPE_COERCE", "Value is not int.");
            return fallback;
        }
        return select[key].get<int>();
    };
    const int lo = read("min_values", 1);
    const int hi = read("max_values", 1);
    if (lo < 0 || lo > 25) e.add(sub(path, "min_values"), "NUMBER_TYPE_MAX", "int value should be between 0 and 25.");
    if (hi < 1 || hi > 25) e.add(sub(path, "max_values"), "NUMBER_TYPE_MAX", "int value should be between 1 and 25.");
    if (lo > hi) e.add(sub(path, "min_values"), "SELECT_COMPONENT_MIN_VALUES_EXCEEDS_MAX", "min_values must be <= max_values.");
    if (static_cast<std::size_t>(hi) > options) {
        e.add(sub(path, "max_values"), "SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS", "max_values must be <= the number of options.");
    }
}

void check_components(form_errors& e, const json& rows, const path_t& path) {
    if (!rows.is_array()) return e.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    if (rows.size() > 5) e.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
    std::set<std::string> custom_ids;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const path_t rp = sub(path, std::to_string(r));
        const json& row = rows[r];
        if (!row.is_object() || row.value("type", 0) != 1) {
            e.add(sub(rp, "type"), "COMPONENT_LAYOUT_INVALID", "Top-level components must be action rows (type 1).");
            continue;
        }
        const json& children = row.value("components", json::array());
        if (!children.is_array() || children.empty() || children.size() > 5) {
            e.add(sub(rp, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
            continue;
        }
        for (std::size_t c = 0; c < children.size(); ++c) {
            const path_t cp = sub(sub(rp, "components"), std::to_string(c));
            const json& child = children[c];
            const int type = child.is_object() ? child.value("type", 0) : 0;
            if (type == 2) {
                const int style = child.value("style", 0);
                if (style < 1 || style > 6) e.add(sub(cp, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6).");
                check_string(e, child, "label", cp, 0, 80, false);
                if (style >= 1 && style <= 4) {
                    check_string(e, child, "custom_id", cp, 1, 100, true);
                    if (child.contains("url")) e.add(sub(cp, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url is not allowed on this button style.");
                }
                if (style == 5 && child.contains("custom_id")) {
                    e.add(sub(cp, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id is not allowed on link buttons.");
                }
                if (style == 5) {
                    check_string(e, child, "url", cp, 1, 512, true);
                    const std::string url = child.value("url", "");
                    if (!url.starts_with("https://") && !url.starts_with("http://") && !url.starts_with("discord://")) {
                        e.add(sub(cp, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.");
                    }
                }
            } else if (type >= 5 && type <= 8) {  // user, role, mentionable, channel selects
                if (children.size() != 1) {
                    e.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select must be alone in its action row.");
                }
                check_string(e, child, "custom_id", cp, 1, 100, true);
                check_string(e, child, "placeholder", cp, 0, 150, false);
                check_select_counts(e, child, cp, 25);
            } else if (type == 3) {
                if (children.size() != 1) {
                    e.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select must be alone in its action row.");
                }
                check_string(e, child, "custom_id", cp, 1, 100, true);
                check_string(e, child, "placeholder", cp, 0, 150, false);
                const json& options = child.value("options", json::array());
                check_select_counts(e, child, cp, options.is_array() ? options.size() : 0);
                if (!options.is_array() || options.empty() || options.size() > 25) {
                    e.add(sub(cp, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.");
                } else {
                    std::set<std::string> values;
                    for (std::size_t o = 0; o < options.size(); ++o) {
                        const path_t op = sub(sub(cp, "options"), std::to_string(o));
                        check_string(e, options[o], "label", op, 1, 100, true);
                        check_string(e, options[o], "value", op, 1, 100, true);
                        check_string(e, options[o], "description", op, 0, 100, false);
                        if (options[o].is_object() && options[o].contains("value") && options[o]["value"].is_string() &&
                            !values.insert(options[o]["value"].get<std::string>()).second) {
                            e.add(sub(op, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique.");
                        }
                    }
                }
            } else {
                e.add(sub(cp, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).");
                continue;
            }
            if (child.contains("custom_id") && child["custom_id"].is_string() &&
                !custom_ids.insert(child["custom_id"].get<std::string>()).second) {
                e.add(sub(cp, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
            }
        }
    }
}

/// A text input (type 4) in a modal (REFERENCE.md §4): custom_id 1-100, style 1|2, lengths.
void check_text_input(form_errors& e, const json& input, const path_t& path, bool legacy) {
    check_string(e, input, "custom_id", path, 1, 100, true);
    const int style = input.value("style", 0);
    if (style != 1 && style != 2) e.add(sub(path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).");
    const int lo = input.value("min_length", 0);
    const int hi = input.value("max_length", 4000);
    if (lo < 0 || lo > 4000) e.add(sub(path, "min_length"), "NUMBER_TYPE_MAX", "int value should be between 0 and 4000.");
    if (hi < 1 || hi > 4000 || hi < lo) e.add(sub(path, "max_length"), "NUMBER_TYPE_MAX", "int value should be between 1 and 4000 and >= min_length.");
    check_string(e, input, "value", path, 0, 4000, false);
    check_string(e, input, "placeholder", path, 0, 100, false);
    if (legacy) check_string(e, input, "label", path, 1, 45, true);
    else if (input.contains("label")) e.add(sub(path, "label"), "COMPONENT_LABEL_NOT_ALLOWED", "A text input inside a Label has no label.");
}

/// A modal's data: custom_id 1-100, title 1-45, 1-5 Labels (18) or legacy action rows (1).
void check_modal(form_errors& e, const json& data) {
    const path_t dp{"data"};
    check_string(e, data, "custom_id", dp, 1, 100, true);
    check_string(e, data, "title", dp, 1, 45, true);
    const json components = data.value("components", json());
    if (!components.is_array() || components.empty() || components.size() > 5) {
        return e.add(sub(dp, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < components.size(); ++i) {
        const path_t cp = sub(sub(dp, "components"), std::to_string(i));
        const json& c = components[i];
        const int type = c.is_object() ? c.value("type", 0) : 0;
        json input;
        if (type == 18) {
            check_string(e, c, "label", cp, 1, 45, true);
            check_string(e, c, "description", cp, 0, 100, false);
            input = c.value("component", json());
            if (!input.is_object() || input.value("type", 0) != 4) {
                e.add(sub(cp, "component"), "UNION_TYPE_CHOICES", "The sandbox's modals hold text inputs (type 4).");
                continue;
            }
            check_text_input(e, input, sub(cp, "component"), false);
        } else if (type == 1) {
            const json inner = c.value("components", json());
            if (!inner.is_array() || inner.size() != 1 || !inner[0].is_object() || inner[0].value("type", 0) != 4) {
                e.add(sub(cp, "components"), "COMPONENT_LAYOUT_INVALID", "A modal action row holds one text input.");
                continue;
            }
            input = inner[0];
            check_text_input(e, input, sub(sub(cp, "components"), "0"), true);
        } else {
            e.add(sub(cp, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1, 18).");
            continue;
        }
        if (input.contains("custom_id") && input["custom_id"].is_string() && !ids.insert(input["custom_id"].get<std::string>()).second) {
            e.add(cp, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
        }
    }
}

void check_message_data(form_errors& e, const json& data, const path_t& path, bool allow_flags) {
    if (!data.is_object()) return e.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    check_string(e, data, "content", path, 0, 2000, false);
    if (data.contains("embeds")) check_embeds(e, data["embeds"], sub(path, "embeds"));
    if (data.contains("components")) check_components(e, data["components"], sub(path, "components"));
    if (data.contains("flags")) {
        constexpr std::int64_t settable = 4 | 64 | 4096 | 8192 | 32768;
        if (!data["flags"].is_number_integer() || (data["flags"].get<std::int64_t>() & ~settable) != 0) {
            e.add(sub(path, "flags"), "MESSAGE_FLAGS_INVALID", "Invalid flags for an interaction response.");
        } else if (!allow_flags && (data["flags"].get<std::int64_t>() & 64) != 0) {
            e.add(sub(path, "flags"), "MESSAGE_FLAGS_INVALID", "The ephemeral state of a message cannot change.");
        }
    }
    if (data.contains("allowed_mentions") && !data["allowed_mentions"].is_object()) {
        e.add(sub(path, "allowed_mentions"), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    }
    const bool has_content = data.contains("content") && data["content"].is_string() && !data["content"].get<std::string>().empty();
    const bool has_embeds = data.contains("embeds") && data["embeds"].is_array() && !data["embeds"].empty();
    const bool has_components = data.contains("components") && data["components"].is_array() && !data["components"].empty();
    const bool has_files = data.contains("attachments") && data["attachments"].is_array() && !data["attachments"].empty();
    if (!has_content && !has_embeds && !has_components && !has_files) {
        e.add(path, "MESSAGE_EMPTY", "Cannot send an empty message");
    }
}

}  // namespace

api_failure error_body(unsigned status, int code, const std::string& message) {
    return {status, json{{"code", code}, {"message", message}}};
}

std::optional<api_failure> validate_callback(const json& body, int interaction_type) {
    form_errors e;
    if (!body.is_object()) return error_body(400, 50109, "The request body contains invalid JSON.");
    const auto type = body.find("type");
    if (type == body.end() || !type->is_number_integer()) {
        e.add({"type"}, "BASE_TYPE_REQUIRED", "This field is required");
        return e.failure();
    }
    const int t = type->get<int>();
    const bool component = interaction_type == 3;
    const bool autocomplete = interaction_type == 4;
    const bool modal_submit = interaction_type == 5;
    const auto data = body.find("data");
    if (autocomplete && t != 8) {
        e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "An autocomplete interaction is answered with type 8 only.");
    } else if (t == 4 || t == 7) {
        if (t == 7 && !component && !modal_submit) {
            e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "UPDATE_MESSAGE is only valid for component interactions.");
        }
        if (data == body.end()) e.add({"data"}, "BASE_TYPE_REQUIRED", "This field is required");
        else check_message_data(e, *data, {"data"}, t == 4);
    } else if (t == 5) {
        // deferred: data may only carry flags
    } else if (t == 6) {
        if (!component && !modal_submit) {
            e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "DEFERRED_UPDATE_MESSAGE is only valid for component interactions.");
        }
    } else if (t == 8) {
        if (!autocomplete) e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "Type 8 answers autocomplete interactions only.");
        const json choices = data != body.end() && data->is_object() ? data->value("choices", json()) : json();
        if (!choices.is_array() || choices.size() > 25) {
            e.add({"data", "choices"}, "BASE_TYPE_MAX_LENGTH", "Must be an array of 25 or fewer.");
        } else {
            for (std::size_t i = 0; i < choices.size(); ++i) {
                const path_t cp{"data", "choices", std::to_string(i)};
                check_string(e, choices[i], "name", cp, 1, 100, true);
                if (!choices[i].is_object() || !choices[i].contains("value") ||
                    !(choices[i]["value"].is_string() || choices[i]["value"].is_number())) {
                    e.add(sub(cp, "value"), "BASE_TYPE_REQUIRED", "This field is required");
                } else if (choices[i]["value"].is_string()) {
                    check_string(e, choices[i], "value", cp, 1, 100, true);
                }
            }
        }
    } else if (t == 9) {
        if (modal_submit) e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "A modal cannot answer a modal submission.");
        if (data == body.end() || !data->is_object()) {
            e.add({"data"}, "BASE_TYPE_REQUIRED", "This field is required");
        } else {
            check_modal(e, *data);
        }
    } else {
        e.add({"type"}, "BASE_TYPE_CHOICES", "Value must be one of (4, 5, 6, 7, 8, 9) for this interaction.");
    }
    if (!e.empty()) return e.failure();
    return std::nullopt;
}

std::optional<api_failure> validate_message(const json& body) {
    form_errors e;
    if (!body.is_object()) return error_body(400, 50109, "The request body contains invalid JSON.");
    check_message_data(e, body, {}, true);
    if (!e.empty()) return e.failure();
    return std::nullopt;
}

std::optional<api_failure> validate_commands(const json& body) {
    form_errors e;
    if (!body.is_array()) return error_body(400, 50035, "Invalid Form Body: expected an array of commands");
    if (body.size() > 100) e.add({}, "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    static const std::regex name_re("^[-_'a-z0-9]{1,32}$");
    std::set<std::string> names;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const path_t p{std::to_string(i)};
        const json& c = body[i];
        if (!c.is_object()) {
            e.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
            continue;
        }
        const std::string name = c.value("name", "");
        if (!std::regex_match(name, name_re)) {
            e.add(sub(p, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
        } else if (!names.insert(name).second) {
            e.add(sub(p, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique");
        }
        if (c.value("type", 1) != 1) continue;
        check_string(e, c, "description", p, 1, 100, true);
        if (c.contains("default_member_permissions") && !c["default_member_permissions"].is_null() &&
            !c["default_member_permissions"].is_string()) {
            e.add(sub(p, "default_member_permissions"), "BASE_TYPE_STRING", "Must be a string (permission bits).");
        }
        const json& options = c.value("options", json::array());
        if (!options.is_array() || options.size() > 25) {
            e.add(sub(p, "options"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
            continue;
        }
        bool seen_optional = false;
        std::set<std::string> option_names;
        for (std::size_t o = 0; o < options.size(); ++o) {
            const path_t op = sub(sub(p, "options"), std::to_string(o));
            const json& opt = options[o];
            const int type = opt.is_object() ? opt.value("type", 0) : 0;
            if (type < 1 || type > 11) e.add(sub(op, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1..11).");
            const std::string oname = opt.is_object() ? opt.value("name", "") : "";
            if (!std::regex_match(oname, name_re)) e.add(sub(op, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Option name is invalid");
            else if (!option_names.insert(oname).second) e.add(sub(op, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique");
            check_string(e, opt, "description", op, 1, 100, true);
            const bool required = opt.is_object() && opt.value("required", false);
            if (required && seen_optional) {
                e.add(sub(op, "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
            }
            seen_optional = seen_optional || !required;
        }
    }
    if (!e.empty()) return e.failure();
    return std::nullopt;
}

}  // namespace apexcore::sandbox
