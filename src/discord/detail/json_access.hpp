#pragma once
// Checked access to JSON that came from the network (gateway frames, REST bodies, interactions).
// Nothing here throws: a field of the wrong type, a number outside its stated range or a float
// where an integer belongs reads as "absent" (nullopt / nullptr), and the caller refuses the
// payload with a model_error. Numbers are range-checked before any conversion: never a
// truncating cast, never float-to-int without a range check (issue 8 §2, §9).
#include <apexcore/core/ids.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::discord::detail {

using json = nlohmann::json;

/// The integer value of `v` when it is a JSON integer — or a float with an integral value —
/// within [min, max]; nullopt otherwise (strings, booleans, NaN, 1e300, 2^64-1 for an int64...).
[[nodiscard]] inline std::optional<std::int64_t> integer(const json& v, std::int64_t min, std::int64_t max) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        const auto i = static_cast<std::int64_t>(u);
        if (i < min || i > max) return std::nullopt;
        return i;
    }
    if (v.is_number_integer()) {
        const auto i = v.get<std::int64_t>();
        if (i < min || i > max) return std::nullopt;
        return i;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        // Compare as doubles first: only a value inside int64's range may be converted.
        if (!std::isfinite(d) || d != std::floor(d)) return std::nullopt;
        if (d < static_cast<double>(min) || d > static_cast<double>(max)) return std::nullopt;
        if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) return std::nullopt;
        return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

/// `obj[key]` as an integer in [min, max] (see integer); nullopt when absent, null or invalid.
[[nodiscard]] inline std::optional<std::int64_t> integer_field(const json& obj, std::string_view key, std::int64_t min,
                                                               std::int64_t max) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    return integer(*it, min, max);
}

/// `obj[key]` as a finite number in [min, max]; nullopt otherwise.
[[nodiscard]] inline std::optional<double> number_field(const json& obj, std::string_view key, double min, double max) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return std::nullopt;
    const double d = it->get<double>();
    if (!std::isfinite(d) || d < min || d > max) return std::nullopt;
    return d;
}

/// `obj[key]` when it is a string; nullptr otherwise.
[[nodiscard]] inline const std::string* string_field(const json& obj, std::string_view key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

/// `obj[key]` when it is a boolean; nullopt otherwise.
[[nodiscard]] inline std::optional<bool> bool_field(const json& obj, std::string_view key) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

/// `obj[key]` when it is an object (or an array, for array_field); nullptr otherwise.
[[nodiscard]] inline const json* object_field(const json& obj, std::string_view key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_object() ? &*it : nullptr;
}
[[nodiscard]] inline const json* array_field(const json& obj, std::string_view key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_array() ? &*it : nullptr;
}


/// `obj[key]` as a canonical snowflake of resource `Tag`; nullopt when absent, not a string or
/// not canonical (core/ids.hpp).
template <class Tag>
[[nodiscard]] std::optional<core::snowflake<Tag>> snowflake_field(const json& obj, std::string_view key) {
    const std::string* text = string_field(obj, key);
    if (text == nullptr) return std::nullopt;
    return core::snowflake<Tag>::parse(*text);
}

/// `obj[key]` as a string; empty when absent, null or not a string.
[[nodiscard]] inline std::string text_field(const json& obj, std::string_view key) {
    const std::string* text = string_field(obj, key);
    return text == nullptr ? std::string() : *text;
}

}  // namespace apexcore::discord::detail
