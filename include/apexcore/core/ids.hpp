#pragma once
/// @file ids.hpp
/// Typed identifiers. Discord snowflakes are unsigned 64-bit and travel as JSON *strings*
/// (Discord: REFERENCE.md §8 "always strings in JSON"); database row ids are positive int64.
/// A distinct type per resource stops a user id being passed where a channel id is meant
/// (twilight-model `id` module).

#include <charconv>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// A Discord snowflake of resource `Tag`. 0 is "none".
template <class Tag>
struct snowflake {
    std::uint64_t value = 0;

    /// Parses a canonical decimal snowflake string ("175928847299117063"). Returns nullopt for
    /// empty text, non-digits, a leading '+'/'-', leading zeros, "0" (0 means "none", never a
    /// real id), or values above 2^64-1.
    [[nodiscard]] static std::optional<snowflake> parse(std::string_view text) {
        if (text.empty() || text.size() > 20 || text.front() == '0') return std::nullopt;
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
        return snowflake{v};
    }
    /// The decimal string form used on the wire.
    [[nodiscard]] std::string str() const { return std::to_string(value); }
    [[nodiscard]] bool empty() const { return value == 0; }
    /// Milliseconds since the Unix epoch at which the snowflake was created:
    /// (id >> 22) + 1420070400000 (Discord epoch; REFERENCE.md §8).
    [[nodiscard]] std::uint64_t unix_ms() const { return (value >> 22) + 1420070400000ULL; }

    friend auto operator<=>(const snowflake&, const snowflake&) = default;
};

struct user_tag {};
struct guild_tag {};
struct channel_tag {};
struct role_tag {};
struct message_tag {};
struct interaction_tag {};
struct application_tag {};

using user_id = snowflake<user_tag>;                ///< a Discord user
using guild_id = snowflake<guild_tag>;              ///< a Discord guild (server)
using channel_id = snowflake<channel_tag>;          ///< a Discord channel
using role_id = snowflake<role_tag>;                ///< a Discord role (the @everyone role id == guild id)
using message_id = snowflake<message_tag>;          ///< a Discord message
using interaction_id = snowflake<interaction_tag>;  ///< a Discord interaction
using application_id = snowflake<application_tag>;  ///< a Discord application

/// A database row id of resource `Tag`: positive int64, assigned by the store.
template <class Tag>
struct row_id {
    std::int64_t value = 0;
    [[nodiscard]] bool empty() const { return value <= 0; }
    /// Parses a canonical positive decimal ("42"); nullopt for 0, signs, leading zeros, non-digits
    /// or values above INT64_MAX.
    [[nodiscard]] static std::optional<row_id> parse(std::string_view text) {
        if (text.empty() || text.size() > 19 || text.front() == '0') return std::nullopt;
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size() || v <= 0) return std::nullopt;
        return row_id{v};
    }
    friend auto operator<=>(const row_id&, const row_id&) = default;
};

struct product_tag {};
struct order_tag {};
struct ledger_tag {};

using product_id = row_id<product_tag>;      ///< catalog product (variant) row
using order_id = row_id<order_tag>;          ///< order row
using ledger_entry_id = row_id<ledger_tag>;  ///< wallet ledger row

}  // namespace apexcore::core

template <class Tag>
struct std::hash<apexcore::core::snowflake<Tag>> {
    std::size_t operator()(const apexcore::core::snowflake<Tag>& s) const noexcept {
        return std::hash<std::uint64_t>{}(s.value);
    }
};
