#pragma once
// apexbot's config reading helpers, shared by config.cpp and config_tickets.cpp. Every error is a
// config_error naming the file, the key and what was expected.
#include "config.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace apexbot::detail {

using nlohmann::json;
namespace fs = std::filesystem;

inline json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw config_error(path + ": cannot open the file");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return json::parse(text.str());
    } catch (const json::exception& e) {
        // parse_error, and out_of_range 406 for numbers such as 1e999 that no double can hold.
        throw config_error(path + ": not valid JSON: " + e.what());
    }
}

[[noreturn]] inline void bad(const std::string& path, const std::string& key, const std::string& expected) {
    throw config_error(path + ": key '" + key + "': " + expected);
}

inline std::string string_key(const json& obj, const std::string& path, const std::string& key, bool required,
                       const std::string& prefix = "") {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required) bad(path, prefix + key, "is required");
        return {};
    }
    if (!it->is_string()) bad(path, prefix + key, "expected a string");
    return it->get<std::string>();
}

/// An integer in [min, max], checked before any conversion (4294967297 is not 1, 1.5 is not 1).
inline std::int64_t integer_value(const json& v, const std::string& path, const std::string& key, std::int64_t min,
                           std::int64_t max, const std::string& expected) {
    std::optional<std::int64_t> out;
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u <= static_cast<std::uint64_t>(max) && max >= 0) out = static_cast<std::int64_t>(u);
    } else if (v.is_number_integer()) {
        out = v.get<std::int64_t>();
    }
    if (!out || *out < min || *out > max) bad(path, key, expected);
    return *out;
}

template <class Tag>
apexcore::core::snowflake<Tag> snowflake_key(const json& obj, const std::string& path, const std::string& key) {
    const std::string text = string_key(obj, path, key, true);
    const auto id = apexcore::core::snowflake<Tag>::parse(text);
    if (!id || id->empty()) bad(path, key, "expected a Discord id as a string of digits, e.g. \"123456789012345678\"");
    return *id;
}

inline std::string resolve(const std::string& config_path, const std::string& value) {
    if (value.empty() || value == ":memory:") return value;
    const fs::path p(value);
    if (p.is_absolute()) return value;
    return (fs::path(config_path).parent_path() / p).lexically_normal().string();
}


/// `tickets` in the config: the ticket types (built-in ones changed or switched off, new ones
/// added) and the limits, into `c`. See docs/tickets.md.
void load_tickets(const json& tickets, const std::string& path, config& c);

/// "address:port" (port 0..65535) from `value` of `key`; throws config_error showing `example`.
std::pair<std::string, std::uint16_t> listen_key(const std::string& value, const std::string& path, const std::string& key,
                                                 const std::string& example);

/// The "log" and "monitoring" sections (config_operations.cpp).
void load_operations(const json& doc, const std::string& path, config& c);

}  // namespace apexbot::detail
