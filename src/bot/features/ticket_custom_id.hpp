#pragma once
// Private to the tickets feature: reading its custom_ids ("tk:<verb>:<ticket>[:<more>...]").
// Everything read here is checked again by the services; these only refuse what is malformed.
#include <apexcore/core/ticket.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::bot::ticket_ids {

/// A decimal integer making up the whole text (no sign tricks, no garbage); nullopt otherwise.
inline std::optional<std::int64_t> integer(std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

/// "a:b:c" -> {"a", "b", "c"}.
inline std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> out;
    while (true) {
        const auto colon = text.find(':');
        out.emplace_back(text.substr(0, colon));
        if (colon == std::string_view::npos) return out;
        text.remove_prefix(colon + 1);
    }
}

/// A custom_id of the feature: "tk:<verb>:<rest>".
struct parsed {
    std::string verb;
    std::string rest;
    /// `rest` as "<ticket>[:<tail>]": a positive ticket id and what follows (may be empty).
    [[nodiscard]] std::optional<std::pair<core::ticket_id, std::string>> ticket() const {
        const auto colon = rest.find(':');
        const auto id = integer(std::string_view(rest).substr(0, colon));
        if (!id || *id <= 0) return std::nullopt;
        return std::pair{core::ticket_id{*id}, colon == std::string::npos ? std::string() : rest.substr(colon + 1)};
    }
};

/// "tk:<verb>:<rest>" split; nullopt for anything else.
inline std::optional<parsed> parse(std::string_view id) {
    if (id.substr(0, 3) != "tk:") return std::nullopt;
    id.remove_prefix(3);
    const auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    return parsed{std::string(id.substr(0, colon)), std::string(id.substr(colon + 1))};
}

}  // namespace apexcore::bot::ticket_ids
