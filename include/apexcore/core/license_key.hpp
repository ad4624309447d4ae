#pragma once
/// @file license_key.hpp
/// License keys: an inventory of keys per product, each handed out at most once.
/// Statuses: available -> reserved (held for a pending external payment) -> used (delivered);
/// available -> requested (a staff member asked for it) -> used (approved) | available (declined);
/// reserved -> available (the payment was cancelled or expired).

#include <apexcore/core/ids.hpp>
#include <apexcore/core/key_pattern.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

struct license_key_tag {};
using license_key_id = row_id<license_key_tag>;  ///< license key row

/// Longest key accepted whatever the pattern, in bytes.
inline constexpr std::size_t license_key_length_max = 256;
/// The default key pattern: exactly 32 ASCII letters or digits.
inline constexpr std::string_view default_license_key_pattern = "[A-Za-z0-9]{32}";

/// A compiled key format (core/key_pattern.hpp: a bounded ECMAScript subset matched in linear
/// time against the whole key). Thread-safe to match concurrently.
class license_key_pattern {
public:
    /// The default pattern (default_license_key_pattern).
    license_key_pattern() : pattern_(std::get<key_pattern>(key_pattern::compile(default_license_key_pattern))) {}

    /// Compiles `pattern`; nullopt when it is empty, longer than 200 bytes, or outside the key
    /// pattern language or its limits (describe_error() says why).
    [[nodiscard]] static std::optional<license_key_pattern> compile(std::string_view pattern) {
        auto compiled = key_pattern::compile(pattern);
        if (std::holds_alternative<key_pattern_error>(compiled)) return std::nullopt;
        return license_key_pattern(std::move(std::get<key_pattern>(compiled)));
    }

    /// Why `pattern` does not compile (offset and reason), or nullopt when it does.
    [[nodiscard]] static std::optional<key_pattern_error> describe_error(std::string_view pattern) {
        auto compiled = key_pattern::compile(pattern);
        if (auto* error = std::get_if<key_pattern_error>(&compiled)) return *error;
        return std::nullopt;
    }

    /// True when the whole key matches and is 1..256 bytes; at most 256 x 4096 steps.
    [[nodiscard]] bool matches(std::string_view key) const {
        if (key.empty() || key.size() > license_key_length_max) return false;
        return pattern_.matches(key);
    }

    /// The pattern's source text.
    [[nodiscard]] const std::string& source() const { return pattern_.source(); }

private:
    explicit license_key_pattern(key_pattern p) : pattern_(std::move(p)) {}
    key_pattern pattern_;
};

/// The state of a key.
enum class license_key_status { available, reserved, used, requested };

/// The stored name of a key status ("available").
[[nodiscard]] inline std::string_view to_string(license_key_status s) {
    switch (s) {
        case license_key_status::available: return "available";
        case license_key_status::reserved: return "reserved";
        case license_key_status::used: return "used";
        case license_key_status::requested: return "requested";
    }
    return "unknown";
}

/// Parses a stored key status; nullopt for unknown names.
[[nodiscard]] inline std::optional<license_key_status> parse_license_key_status(std::string_view s) {
    for (auto v : {license_key_status::available, license_key_status::reserved, license_key_status::used,
                   license_key_status::requested}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

/// A stored key.
struct license_key {
    license_key_id id;
    product_id product;
    std::string key;
    license_key_status status = license_key_status::available;
    std::optional<order_id> order{};          ///< the order it is reserved for or delivered with
    std::optional<user_id> customer{};       ///< who received it
    std::optional<user_id> requested_by{};   ///< the staff member who requested it
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point updated_at{};
};

}  // namespace apexcore::core
