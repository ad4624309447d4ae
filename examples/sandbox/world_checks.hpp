#pragma once
// Private to the sandbox world: how it reads request bodies and words its refusals as Discord
// does (REFERENCE.md §2.2, §8), shared by world_guild.cpp and world_members.cpp.
#include "world.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

namespace apexcore::sandbox::checks {

inline api_failure form_error(const std::string& field, const std::string& code, const std::string& message) {
    api_failure f = error_body(400, 50035, "Invalid Form Body");
    f.body["errors"][field]["_errors"] = json::array({{{"code", code}, {"message", message}}});
    return f;
}

inline api_failure missing_permissions() { return error_body(403, 50013, "Missing Permissions"); }
inline api_failure missing_access() { return error_body(403, 50001, "Missing Access"); }

/// A permission set: a canonical decimal string ("0", "1024") — or, as Discord also accepts on
/// input (discord.py sends them so), a non-negative JSON integer; nullopt otherwise.
inline std::optional<std::uint64_t> bits_of(const json& v) {
    if (v.is_null()) return 0;
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    if (!v.is_string()) return std::nullopt;
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 20 || (s.size() > 1 && s.front() == '0')) return std::nullopt;
    std::uint64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return out;
}

/// A snowflake given as a string or, as Discord also accepts (REFERENCE.md §8), as a JSON number.
inline std::optional<std::string> id_of(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_integer() && v.get<std::int64_t>() > 0) return std::to_string(v.get<std::int64_t>());
    return std::nullopt;
}

/// Code points in valid UTF-8 (the sandbox's JSON parser has already refused invalid UTF-8).
inline std::size_t length(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace apexcore::sandbox::checks
