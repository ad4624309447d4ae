#pragma once
// Private to the PostgreSQL adapter: how values are written to and read from the database, the
// same representation as the SQLite store's (snowflakes as BIGINT with their 64-bit pattern,
// times as Unix milliseconds), so a shop can be copied row by row.
#include <apexcore/postgresql/database.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace apexcore::postgresql::detail {

inline std::string to_db(std::uint64_t snowflake) { return std::to_string(static_cast<std::int64_t>(snowflake)); }
inline std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }
inline param optional_int(const std::optional<std::int64_t>& v) { return v ? param(std::to_string(*v)) : std::nullopt; }

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
