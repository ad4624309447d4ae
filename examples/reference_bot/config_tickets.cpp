// The "tickets" section of apexbot's config (docs/tickets.md): built-in ticket types changed or
// switched off by key, new types added, and the limits.
#include "config_detail.hpp"

#include <algorithm>

namespace apexbot::detail {
namespace {

using apexcore::core::ticket_type;

std::optional<std::uint64_t> snowflake_text(const json& v) {
    if (!v.is_string()) return std::nullopt;
    const auto id = apexcore::core::snowflake<struct any_tag>::parse(v.get<std::string>());
    if (!id || id->empty()) return std::nullopt;
    return id->value;
}

std::uint64_t id_key(const json& obj, const std::string& path, const std::string& key, const std::string& where) {
    const auto id = snowflake_text(obj.at(key));
    if (!id) bad(path, where + key, "expected a Discord id as a string of digits, e.g. \"123456789012345678\"");
    return *id;
}

std::chrono::seconds duration_key(const json& obj, const std::string& path, const std::string& key, const std::string& where,
                                  std::int64_t unit_seconds, std::int64_t max_units) {
    return std::chrono::seconds(unit_seconds * integer_value(obj.at(key), path, where + key, 0, max_units,
                                                             "expected a whole number 0.." + std::to_string(max_units)));
}

void apply_type(const json& t, const std::string& path, const std::string& where, ticket_type& type) {
    static const std::vector<std::string> known{"key", "enabled", "label", "category_id", "staff_role_ids", "opening_message",
                                                "questions", "max_open_per_member", "cooldown_minutes", "warn_after_hours",
                                                "close_after_hours", "reopen_window_hours", "delete_after_close_minutes"};
    for (const auto& [key, _] : t.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            bad(path, where + key,
                "unknown key (known: key, enabled, label, category_id, staff_role_ids, opening_message, questions, "
                "max_open_per_member, cooldown_minutes, warn_after_hours, close_after_hours, reopen_window_hours, "
                "delete_after_close_minutes)");
        }
    }
    if (t.contains("label")) type.label = string_key(t, path, "label", true, where);
    if (t.contains("opening_message")) type.opening_message = string_key(t, path, "opening_message", true, where);
    if (t.contains("category_id")) {
        type.category = t["category_id"].is_null() ? std::nullopt
                                                    : std::optional(apexcore::core::channel_id{id_key(t, path, "category_id", where)});
    }
    if (t.contains("staff_role_ids")) {
        const json& roles = t["staff_role_ids"];
        if (!roles.is_array()) bad(path, where + "staff_role_ids", "expected an array of role ids");
        type.staff_roles.clear();
        for (const auto& r : roles) {
            const auto id = snowflake_text(r);
            if (!id) bad(path, where + "staff_role_ids", "expected role ids as strings of digits");
            type.staff_roles.push_back(apexcore::core::role_id{*id});
        }
    }
    if (t.contains("questions")) {
        const json& qs = t["questions"];
        if (!qs.is_array()) bad(path, where + "questions", "expected an array of {\"label\", \"required\"?, \"paragraph\"?, \"max_length\"?}");
        type.questions.clear();
        for (std::size_t i = 0; i < qs.size(); ++i) {
            const std::string at = where + "questions[" + std::to_string(i) + "].";
            if (!qs[i].is_object()) bad(path, at.substr(0, at.size() - 1), "expected an object");
            apexcore::core::ticket_question q;
            q.label = string_key(qs[i], path, "label", true, at);
            for (const char* flag : {"required", "paragraph"}) {
                if (!qs[i].contains(flag)) continue;
                if (!qs[i][flag].is_boolean()) bad(path, at + flag, "expected true or false");
                (std::string(flag) == "required" ? q.required : q.paragraph) = qs[i][flag].get<bool>();
            }
            if (qs[i].contains("max_length")) {
                q.max_length = static_cast<std::size_t>(integer_value(qs[i]["max_length"], path, at + "max_length", 1, 4000, "expected 1..4000"));
            }
            type.questions.push_back(std::move(q));
        }
    }
    if (t.contains("max_open_per_member")) {
        type.max_open_per_member = static_cast<int>(integer_value(t["max_open_per_member"], path, where + "max_open_per_member", 1, 25, "expected 1..25"));
    }
    if (t.contains("cooldown_minutes")) type.cooldown = duration_key(t, path, "cooldown_minutes", where, 60, 7 * 24 * 60);
    if (t.contains("warn_after_hours")) type.warn_after = duration_key(t, path, "warn_after_hours", where, 3600, 30 * 24);
    if (t.contains("close_after_hours")) type.close_after = duration_key(t, path, "close_after_hours", where, 3600, 30 * 24);
    if (t.contains("reopen_window_hours")) type.reopen_window = duration_key(t, path, "reopen_window_hours", where, 3600, 30 * 24);
    if (t.contains("delete_after_close_minutes")) {
        type.delete_after_close = duration_key(t, path, "delete_after_close_minutes", where, 60, 30 * 24 * 60);
    }
    if (const auto error = apexcore::core::validate(type)) bad(path, where.substr(0, where.size() - 1), std::string(describe(*error)));
}

}  // namespace

void load_tickets(const json& tickets, const std::string& path, config& c) {
    if (!tickets.is_object()) bad(path, "tickets", "expected an object");
    for (const auto& [key, _] : tickets.items()) {
        if (key != "enabled" && key != "max_open_per_member" && key != "types" && key != "category_id" &&
            key != "transcript_channel_id" && key != "transcript_directory" && key != "s3") {
            bad(path, "tickets." + key,
                "unknown key (known: enabled, max_open_per_member, category_id, transcript_channel_id, transcript_directory, s3, "
                "types)");
        }
    }
    if (tickets.contains("enabled")) {
        if (!tickets["enabled"].is_boolean()) bad(path, "tickets.enabled", "expected true or false");
        c.tickets_enabled = tickets["enabled"].get<bool>();
    }
    if (tickets.contains("max_open_per_member")) {
        c.ticket_policy.max_open_per_member =
            static_cast<int>(integer_value(tickets["max_open_per_member"], path, "tickets.max_open_per_member", 1, 50, "expected 1..50"));
    }
    if (tickets.contains("transcript_channel_id")) {
        c.transcript_channel = apexcore::core::channel_id{id_key(tickets, path, "transcript_channel_id", "tickets.")};
    }
    if (const std::string dir = string_key(tickets, path, "transcript_directory", false, "tickets."); !dir.empty()) {
        c.transcript_directory = resolve(path, dir);
    }
    if (const auto s3 = tickets.find("s3"); s3 != tickets.end()) {
        if (!s3->is_object()) bad(path, "tickets.s3", "expected an object {\"endpoint\", \"bucket\", \"region\"?, \"prefix\"?}");
        for (const auto& [key, _] : s3->items()) {
            if (key == "access_key" || key == "secret_key") {
                bad(path, "tickets.s3." + key, "S3 keys are read from APEXBOT_S3_ACCESS_KEY and APEXBOT_S3_SECRET_KEY, never from the file");
            }
            if (key != "endpoint" && key != "bucket" && key != "region" && key != "prefix") {
                bad(path, "tickets.s3." + key, "unknown key (known: endpoint, bucket, region, prefix)");
            }
        }
        config::s3_settings s;
        s.endpoint = string_key(*s3, path, "endpoint", true, "tickets.s3.");
        if (!s.endpoint.starts_with("https://") && !s.endpoint.starts_with("http://")) {
            bad(path, "tickets.s3.endpoint", "expected an https:// (or, for a local server, http://) URL");
        }
        s.bucket = string_key(*s3, path, "bucket", true, "tickets.s3.");
        if (const std::string region = string_key(*s3, path, "region", false, "tickets.s3."); !region.empty()) s.region = region;
        s.prefix = string_key(*s3, path, "prefix", false, "tickets.s3.");
        c.transcript_s3 = s;
    }
    if (tickets.contains("category_id")) {
        // The category of every type that does not name its own.
        const apexcore::core::channel_id category{id_key(tickets, path, "category_id", "tickets.")};
        for (auto& type : c.ticket_types) type.category = category;
    }
    if (!tickets.contains("types")) return;
    const json& types = tickets["types"];
    if (!types.is_array()) bad(path, "tickets.types", "expected an array of ticket types");
    for (std::size_t i = 0; i < types.size(); ++i) {
        const std::string where = "tickets.types[" + std::to_string(i) + "].";
        const json& t = types[i];
        if (!t.is_object()) bad(path, where.substr(0, where.size() - 1), "expected an object");
        const std::string key = string_key(t, path, "key", true, where);
        if (!apexcore::core::is_valid_ticket_type_key(key)) bad(path, where + "key", "1 to 32 of a-z, 0-9, '-' and '_'");
        auto existing = std::find_if(c.ticket_types.begin(), c.ticket_types.end(), [&](const ticket_type& x) { return x.key == key; });
        if (t.contains("enabled")) {
            if (!t["enabled"].is_boolean()) bad(path, where + "enabled", "expected true or false");
            if (!t["enabled"].get<bool>()) {
                if (existing != c.ticket_types.end()) c.ticket_types.erase(existing);
                continue;
            }
        }
        if (existing == c.ticket_types.end()) {
            if (!t.contains("label")) bad(path, where + "label", "a new ticket type needs a label");
            ticket_type fresh;
            fresh.key = key;
            if (tickets.contains("category_id")) fresh.category = apexcore::core::channel_id{id_key(tickets, path, "category_id", "tickets.")};
            c.ticket_types.push_back(std::move(fresh));
            existing = c.ticket_types.end() - 1;
        }
        apply_type(t, path, where, *existing);
    }
    if (c.ticket_types.size() > 25) bad(path, "tickets.types", "at most 25 ticket types (the panel's buttons)");
}

}  // namespace apexbot::detail
