// Discord JSON from the neutral model, outbound (model.hpp: to_message_data, to_interaction_callback,
// to_command, safe_filename): every string made valid UTF-8 and cut to Discord's limits.
#include <apexcore/discord/model.hpp>

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <cmath>

namespace apexcore::discord {
namespace {

/// Valid UTF-8 of at most `max_chars` code points, ending in "…" when cut (core/text.hpp).
std::string clip(const std::string& s, std::size_t max_chars) { return core::truncate_utf8(s, max_chars); }

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


}  // namespace apexcore::discord
