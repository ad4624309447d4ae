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
            } else if (type == 3) {
                if (children.size() != 1) {
                    e.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select must be alone in its action row.");
                }
                check_string(e, child, "custom_id", cp, 1, 100, true);
                check_string(e, child, "placeholder", cp, 0, 150, false);
                const json& options = child.value("options", json::array());
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
    if (!has_content && !has_embeds && !has_components) {
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
    if (t == 4 || t == 7) {
        if (t == 7 && !component) {
            e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "UPDATE_MESSAGE is only valid for component interactions.");
        }
        const auto data = body.find("data");
        if (data == body.end()) e.add({"data"}, "BASE_TYPE_REQUIRED", "This field is required");
        else check_message_data(e, *data, {"data"}, t == 4);
    } else if (t == 5) {
        // deferred: data may only carry flags
    } else if (t == 6) {
        if (!component) e.add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID", "DEFERRED_UPDATE_MESSAGE is only valid for component interactions.");
    } else {
        e.add({"type"}, "BASE_TYPE_CHOICES", "Value must be one of (4, 5, 6, 7) for this interaction.");
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
