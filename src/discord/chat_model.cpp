#include <apexcore/discord/chat_model.hpp>

#include "detail/json_access.hpp"

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <utility>

namespace apexcore::discord {
namespace {

using detail::integer_field;
using detail::snowflake_field;
using detail::text_field;

constexpr std::size_t channel_name_max = 100;
constexpr std::size_t channel_topic_max = 1024;
constexpr std::size_t overwrites_max = 100;
constexpr std::size_t role_name_max = 100;
constexpr std::size_t filename_bytes_max = 255;
constexpr std::size_t file_description_max = 1024;
constexpr std::uint32_t color_max = 0xFFFFFF;

constexpr std::array<std::pair<ports::ability, std::uint64_t>, 7> ability_bits{{
    {ports::ability::view, permission_bits::view_channel},
    {ports::ability::send, permission_bits::send_messages},
    {ports::ability::attach_files, permission_bits::attach_files},
    {ports::ability::read_history, permission_bits::read_message_history},
    {ports::ability::embed_links, permission_bits::embed_links},
    {ports::ability::add_reactions, permission_bits::add_reactions},
    {ports::ability::manage_messages, permission_bits::manage_messages},
}};

ports::chat_error invalid(std::string what) { return {ports::chat_errc::invalid_input, std::move(what)}; }

/// A name (one line) or a topic (line breaks allowed): valid UTF-8, no control characters,
/// within [min, max] code points.
std::optional<std::string> check_text(std::string_view field, const std::string& text, std::size_t min, std::size_t max,
                                      bool one_line = true) {
    if (!core::is_valid_utf8(text)) return std::string(field) + " is not valid UTF-8";
    if (core::has_control_characters(text) || (one_line && text.find_first_of("\t\r\n") != std::string::npos)) {
        return std::string(field) + " contains control characters";
    }
    const std::size_t n = core::utf8_length(text);
    if (n < min || n > max) {
        return std::string(field) + " must be " + std::to_string(min) + ".." + std::to_string(max) + " characters (got " +
               std::to_string(n) + ")";
    }
    return std::nullopt;
}

core::result<json, ports::chat_error> overwrites_json(const std::vector<ports::overwrite>& overwrites) {
    if (overwrites.size() > overwrites_max) {
        return invalid("at most " + std::to_string(overwrites_max) + " permission overwrites");
    }
    json out = json::array();
    for (const auto& o : overwrites) {
        if (o.target == 0) return invalid("a permission overwrite has no target id");
        out.push_back({{"id", std::to_string(o.target)},
                       {"type", o.kind == ports::overwrite::target_kind::role ? 0 : 1},
                       {"allow", std::to_string(to_permission_bits(o.allow))},
                       {"deny", std::to_string(to_permission_bits(o.deny))}});
    }
    return out;
}

std::optional<std::uint64_t> permission_string(const json& obj, std::string_view key) {
    const std::string* text = detail::string_field(obj, key);
    if (text == nullptr) return std::nullopt;
    if (*text == "0") return 0;
    const auto parsed = core::snowflake<struct bits_tag>::parse(*text);  // canonical decimal uint64
    if (!parsed) return std::nullopt;
    return parsed->value;
}

std::optional<ports::embed> parse_embed(const json& e) {
    if (!e.is_object()) return std::nullopt;
    ports::embed out;
    out.title = text_field(e, "title");
    out.description = text_field(e, "description");
    if (const auto c = integer_field(e, "color", 0, color_max)) out.color = static_cast<std::uint32_t>(*c);
    if (const json* footer = detail::object_field(e, "footer")) out.footer = text_field(*footer, "text");
    if (const json* fields = detail::array_field(e, "fields")) {
        for (const auto& f : *fields) {
            if (!f.is_object()) continue;
            out.fields.push_back({text_field(f, "name"), text_field(f, "value"), detail::bool_field(f, "inline").value_or(false)});
        }
    }
    return out;
}

}  // namespace

std::uint64_t to_permission_bits(ports::abilities a) {
    std::uint64_t bits = 0;
    for (const auto& [ability, bit] : ability_bits) {
        if (a.has(ability)) bits |= bit;
    }
    return bits;
}

ports::abilities from_permission_bits(std::uint64_t bits) {
    ports::abilities a;
    for (const auto& [ability, bit] : ability_bits) {
        if ((bits & bit) != 0) a = a | ability;
    }
    return a;
}

build_result to_create_channel_body(const ports::channel_spec& spec) {
    if (auto e = check_text("channel name", spec.name, 1, channel_name_max)) return invalid(*e);
    const bool category = spec.kind == ports::channel_kind::category;
    if (spec.kind == ports::channel_kind::other) return invalid("only text channels and categories can be created");
    json body{{"name", spec.name}, {"type", category ? 4 : 0}};
    if (!spec.topic.empty()) {
        if (category) return invalid("a category has no topic");
        if (auto e = check_text("channel topic", spec.topic, 0, channel_topic_max, false)) return invalid(*e);
        body["topic"] = spec.topic;
    }
    if (spec.parent) {
        if (category) return invalid("a category cannot be inside another category");
        if (spec.parent->empty()) return invalid("parent category id is 0");
        body["parent_id"] = spec.parent->str();
    }
    if (!spec.overwrites.empty()) {
        auto o = overwrites_json(spec.overwrites);
        if (!o) return o.error();
        body["permission_overwrites"] = std::move(o).value();
    }
    return body;
}

build_result to_modify_channel_body(const ports::channel_changes& changes) {
    json body = json::object();
    if (changes.name) {
        if (auto e = check_text("channel name", *changes.name, 1, channel_name_max)) return invalid(*e);
        body["name"] = *changes.name;
    }
    if (changes.topic) {
        if (auto e = check_text("channel topic", *changes.topic, 0, channel_topic_max, false)) return invalid(*e);
        body["topic"] = *changes.topic;
    }
    if (changes.parent) {
        if (*changes.parent && (*changes.parent)->empty()) return invalid("parent category id is 0");
        body["parent_id"] = *changes.parent ? json((*changes.parent)->str()) : json(nullptr);
    }
    if (changes.overwrites) {
        auto o = overwrites_json(*changes.overwrites);
        if (!o) return o.error();
        body["permission_overwrites"] = std::move(o).value();
    }
    if (body.empty()) return invalid("no change given");
    return body;
}

build_result to_create_role_body(const ports::role_spec& spec) {
    if (auto e = check_text("role name", spec.name, 1, role_name_max)) return invalid(*e);
    if (spec.color > color_max) return invalid("role colour must be 0xRRGGBB");
    return json{{"name", spec.name},
                {"permissions", "0"},
                {"colors", {{"primary_color", spec.color}}},
                {"hoist", spec.hoist},
                {"mentionable", spec.mentionable}};
}

build_result to_channel_message_body(const ports::message& body, std::span<const ports::outbound_file> given) {
    const std::span<const ports::outbound_file> files = given.empty() ? std::span<const ports::outbound_file>(body.files) : given;
    if (files.size() > ports::files_per_message_max) {
        return invalid("at most " + std::to_string(ports::files_per_message_max) + " files a message");
    }
    if (body.content.empty() && body.embeds.empty() && body.rows.empty() && files.empty()) {
        return invalid("cannot send an empty message");
    }
    ports::message copy = body;
    copy.ephemeral = false;  // only interaction answers can be ephemeral
    copy.files.clear();      // described below, after their checks
    json data = to_message_data(copy);
    if (!files.empty()) {
        json attachments = json::array();
        for (std::size_t i = 0; i < files.size(); ++i) {
            const auto& f = files[i];
            if (f.filename.empty() || f.filename.size() > filename_bytes_max) {
                return invalid("file " + std::to_string(i) + ": a filename is 1.." + std::to_string(filename_bytes_max) + " bytes");
            }
            if (!core::is_valid_utf8(f.filename) || core::has_control_characters(f.filename) ||
                f.filename.find_first_of("/\\\"") != std::string::npos) {
                return invalid("file " + std::to_string(i) + ": the filename may not contain '/', '\\', '\"' or control characters");
            }
            if (f.bytes.size() > ports::file_size_max) {
                return invalid("file " + std::to_string(i) + " (" + f.filename + ") is over 10 MiB");
            }
            json a{{"id", i}, {"filename", f.filename}};
            if (!f.description.empty()) a["description"] = core::truncate_utf8(f.description, file_description_max);
            attachments.push_back(std::move(a));
        }
        data["attachments"] = std::move(attachments);
    }
    return data;
}

std::string make_multipart_boundary(std::string_view payload_text, std::span<const ports::outbound_file> files) {
    static constexpr char hex[] = "0123456789abcdef";
    std::random_device seed;
    std::mt19937_64 gen(seed());
    for (;;) {
        std::string b = "apexcore-";
        for (int i = 0; i < 32; ++i) b.push_back(hex[gen() % 16]);
        const bool clash = payload_text.find(b) != std::string_view::npos ||
                           std::any_of(files.begin(), files.end(), [&](const auto& f) { return f.bytes.find(b) != std::string::npos; });
        if (!clash) return b;
    }
}

std::string to_multipart(const json& payload, std::span<const ports::outbound_file> files, std::string_view boundary) {
    std::string out;
    const std::string dash = "--" + std::string(boundary);
    out += dash + "\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n";
    out += payload.dump(-1, ' ', false, json::error_handler_t::replace);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& f = files[i];
        out += "\r\n" + dash + "\r\nContent-Disposition: form-data; name=\"files[" + std::to_string(i) + "]\"; filename=\"" +
               f.filename + "\"\r\nContent-Type: " + (f.content_type.empty() ? std::string("application/octet-stream") : f.content_type) +
               "\r\n\r\n";
        out += f.bytes;
    }
    out += "\r\n" + dash + "--\r\n";
    return out;
}

core::result<ports::channel_info, model_error> parse_channel(const json& j) {
    if (!j.is_object()) return model_error{"channel: not an object"};
    const auto id = snowflake_field<core::channel_tag>(j, "id");
    if (!id) return model_error{"channel: missing or malformed 'id'"};
    const auto type = integer_field(j, "type", 0, 255);
    if (!type) return model_error{"channel: missing or malformed 'type'"};
    ports::channel_info out;
    out.id = *id;
    out.kind = *type == 0 ? ports::channel_kind::text : *type == 4 ? ports::channel_kind::category : ports::channel_kind::other;
    out.name = text_field(j, "name");
    out.topic = text_field(j, "topic");
    out.parent = snowflake_field<core::channel_tag>(j, "parent_id");
    if (const json* overwrites = detail::array_field(j, "permission_overwrites")) {
        for (const auto& o : *overwrites) {
            const auto target = snowflake_field<core::user_tag>(o, "id");
            const auto kind = integer_field(o, "type", 0, 1);
            const auto allow = permission_string(o, "allow");
            const auto deny = permission_string(o, "deny");
            if (!target || !kind || !allow || !deny) return model_error{"channel: malformed permission overwrite"};
            out.overwrites.push_back({*kind == 0 ? ports::overwrite::target_kind::role : ports::overwrite::target_kind::member,
                                      target->value, from_permission_bits(*allow), from_permission_bits(*deny)});
        }
    }
    return out;
}

core::result<role_with_permissions, model_error> parse_role_with_permissions(const json& j) {
    if (!j.is_object()) return model_error{"role: not an object"};
    const auto id = snowflake_field<core::role_tag>(j, "id");
    if (!id) return model_error{"role: missing or malformed 'id'"};
    const auto position = integer_field(j, "position", 0, 65535);
    if (!position) return model_error{"role: missing or malformed 'position'"};
    const auto permissions = permission_string(j, "permissions");
    if (!permissions) return model_error{"role: missing or malformed 'permissions'"};
    return role_with_permissions{{*id, text_field(j, "name"), static_cast<int>(*position)}, *permissions};
}

core::result<ports::role_info, model_error> parse_role(const json& j) {
    auto r = parse_role_with_permissions(j);
    if (!r) return r.error();
    return r->role;
}

core::result<ports::member_info, model_error> parse_member(const json& j) {
    if (!j.is_object()) return model_error{"member: not an object"};
    const json* user = detail::object_field(j, "user");
    if (user == nullptr) return model_error{"member: missing 'user'"};
    const auto id = snowflake_field<core::user_tag>(*user, "id");
    if (!id) return model_error{"member: missing or malformed 'user.id'"};
    ports::member_info out;
    out.user = *id;
    out.username = text_field(*user, "username");
    out.bot = detail::bool_field(*user, "bot").value_or(false);
    out.display_name = text_field(j, "nick");
    if (out.display_name.empty()) out.display_name = text_field(*user, "global_name");
    if (out.display_name.empty()) out.display_name = out.username;
    if (const json* roles = detail::array_field(j, "roles")) {
        for (const auto& r : *roles) {
            const auto role = r.is_string() ? core::role_id::parse(r.get_ref<const std::string&>()) : std::nullopt;
            if (!role) return model_error{"member: malformed role id"};
            out.roles.push_back(*role);
        }
    }
    return out;
}

core::result<ports::history_message, model_error> parse_history_message(const json& j) {
    if (!j.is_object()) return model_error{"message: not an object"};
    const auto id = snowflake_field<core::message_tag>(j, "id");
    if (!id) return model_error{"message: missing or malformed 'id'"};
    const json* author = detail::object_field(j, "author");
    if (author == nullptr) return model_error{"message: missing 'author'"};
    const auto author_id = snowflake_field<core::user_tag>(*author, "id");
    if (!author_id) return model_error{"message: missing or malformed 'author.id'"};
    ports::history_message out;
    out.id = *id;
    out.author = *author_id;
    out.author_name = text_field(*author, "global_name");
    if (out.author_name.empty()) out.author_name = text_field(*author, "username");
    out.author_is_bot = detail::bool_field(*author, "bot").value_or(false);
    out.content = text_field(j, "content");
    out.sent_unix_ms = static_cast<std::int64_t>(id->unix_ms());
    if (const std::string* edited = detail::string_field(j, "edited_timestamp")) out.edited_at = *edited;
    if (const json* embeds = detail::array_field(j, "embeds")) {
        for (const auto& e : *embeds) {
            if (auto embed = parse_embed(e)) out.embeds.push_back(std::move(*embed));
        }
    }
    if (const json* attachments = detail::array_field(j, "attachments")) {
        for (const auto& a : *attachments) {
            const auto aid = snowflake_field<struct attachment_tag>(a, "id");
            const auto size = integer_field(a, "size", 0, std::numeric_limits<std::int64_t>::max());
            if (!aid || !size) return model_error{"message: malformed attachment"};
            out.attachments.push_back({aid->value, text_field(a, "filename"), text_field(a, "content_type"),
                                       static_cast<std::uint64_t>(*size), text_field(a, "url")});
        }
    }
    return out;
}

core::result<ports::history_page, model_error> parse_history_page(const json& j, int requested) {
    if (!j.is_array()) return model_error{"messages: not an array"};
    ports::history_page page;
    for (const auto& m : j) {
        auto parsed = parse_history_message(m);
        if (!parsed) return parsed.error();
        page.messages.push_back(std::move(parsed).value());
    }
    // Discord answers newest first; a transcript reads oldest first.
    std::sort(page.messages.begin(), page.messages.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    if (requested > 0 && page.messages.size() >= static_cast<std::size_t>(requested)) page.older = page.messages.front().id;
    return page;
}

}  // namespace apexcore::discord
