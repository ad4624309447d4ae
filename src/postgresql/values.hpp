#pragma once
// Private to the PostgreSQL adapter: how values are written to and read from the database, the
// same representation as the SQLite store's (snowflakes as BIGINT with their 64-bit pattern,
// times as Unix milliseconds), so a shop can be copied row by row.
#include <apexcore/core/money.hpp>
#include <apexcore/postgresql/database.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::postgresql::detail {

inline std::string to_db(std::uint64_t snowflake) { return std::to_string(static_cast<std::int64_t>(snowflake)); }
inline std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }
inline param optional_int(const std::optional<std::int64_t>& v) { return v ? param(std::to_string(*v)) : std::nullopt; }

/// A PostgreSQL text[] literal: {"a","b"}, with " and \\ escaped.
inline std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "\"" : ",\"";
        for (const char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

/// A LIMIT as text, clamped to int64.
inline std::string limit_text(std::size_t limit) {
    return std::to_string(std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

/// The first of `rows`, or nullopt when there is none (a lookup by key).
template <class T>
std::optional<T> first_of(std::vector<T> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

/// A stored enumeration read back with `parse`; a value this build does not know is a
/// ports::store_error naming `what`.
template <class T, class Parse>
T parse_stored(std::string_view text, Parse parse, const char* what) {
    const auto v = parse(text);
    if (!v) throw ports::store_error(std::string("unknown ") + what + " in database: '" + std::string(text) + "'");
    return *v;
}

/// A currency code read back; an unknown one is a ports::store_error.
inline core::currency currency_of(std::string_view code) {
    const auto c = core::find_currency(code);
    if (!c) throw ports::store_error("unknown currency code in database: '" + std::string(code) + "'");
    return *c;
}

/// Makes the calling unit of work conflict with any other one, in any process, that checks the
/// same member's recent activity and writes (a cooldown, a count of open tickets): both update
/// the member's row in member_turns, so the later one fails with 40001 or waits and then does,
/// and postgresql_store runs it again on a snapshot that holds the other's writes. Nothing is done
/// in a read-only transaction (there is nothing to protect there).
inline void take_member_turn(session& s, std::uint64_t member) {
    if (!s.writes_allowed()) return;
    s.exec("INSERT INTO member_turns (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET turns = member_turns.turns + 1",
           {std::to_string(static_cast<std::int64_t>(member))});
}

inline std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline std::chrono::system_clock::time_point from_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}
inline std::optional<std::chrono::system_clock::time_point> optional_ms(const result& r, int row, int column) {
    return r.is_null(row, column) ? std::nullopt : std::optional(from_ms(r.int64(row, column)));
}

}  // namespace apexcore::postgresql::detail
