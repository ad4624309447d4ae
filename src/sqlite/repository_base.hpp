#pragma once
// Private to the sqlite adapter: conversions between rows and core types, and the state every
// repository shares (its connection inside a transaction, the clock, whether writes are allowed).
#include "connection.hpp"

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::sqlite::detail {

using time_point = std::chrono::system_clock::time_point;

inline std::int64_t to_db(std::uint64_t snowflake) { return static_cast<std::int64_t>(snowflake); }
inline std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }

inline std::int64_t to_ms(time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline time_point from_ms(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

inline std::optional<std::int64_t> opt_ms(const std::optional<time_point>& t) {
    return t ? std::optional<std::int64_t>(to_ms(*t)) : std::nullopt;
}
inline std::optional<time_point> read_opt_ms(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<time_point>(from_ms(s.int64(col)));
}
inline std::optional<std::int64_t> read_opt_int(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<std::int64_t>(s.int64(col));
}
template <class Id>
std::optional<std::int64_t> opt_row(const std::optional<Id>& id) {
    return id ? std::optional<std::int64_t>(id->value) : std::nullopt;
}
inline std::optional<std::int64_t> opt_user(const std::optional<core::user_id>& id) {
    return id ? std::optional<std::int64_t>(to_db(id->value)) : std::nullopt;
}
inline std::optional<core::user_id> read_opt_user(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<core::user_id>(core::user_id{from_db(s.int64(col))});
}

inline core::currency currency_from_db(const std::string& code) {
    auto c = core::find_currency(code);
    if (!c) throw ports::store_error("unknown currency code in database: '" + code + "'");
    return *c;
}

template <class T, class Parse>
T parse_stored(const std::string& text, Parse parse, const char* what) {
    auto v = parse(text);
    if (!v) throw ports::store_error(std::string("unknown ") + what + " in database: '" + text + "'");
    return *v;
}

/// A decimal integer stored as text (e.g. inside stored JSON); store_error when it is not one
/// (std::stoll threw std::invalid_argument here once).
inline std::int64_t stored_integer(std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
        throw ports::store_error("stored value '" + std::string(text.substr(0, 40)) + "' is not an integer");
    }
    return v;
}

/// The items of a JSON array as text (SQLite's json_each).
inline std::vector<std::string> json_array_items(connection& db, const std::string& json) {
    std::vector<std::string> out;
    if (json == "[]") return out;
    auto& s = db.prepare("SELECT value FROM json_each(?)");
    s.bind(1, json);
    while (s.step()) out.push_back(s.text(0));
    return out;
}

/// The first column of `sql` (bound: member, since in ms, limit) read as times, in the query's
/// order: "when did this member act after `since`" (financial cooldowns).
inline std::vector<time_point> times_since(connection& db, std::string_view sql, core::user_id member, time_point since,
                                           std::size_t limit) {
    auto& s = db.prepare(sql);
    s.bind(1, to_db(member.value)).bind(2, to_ms(since)).bind(3, static_cast<std::int64_t>(limit));
    std::vector<time_point> out;
    while (s.step()) out.push_back(from_ms(s.int64(0)));
    return out;
}

/// What every repository holds: a connection inside a transaction, the clock, and whether it
/// may write (false inside store::read).
class repository_base {
public:
    repository_base(connection& db, const ports::clock& clock, bool writable) : db_(db), clock_(clock), writable_(writable) {}

protected:
    std::int64_t now_ms() const { return to_ms(clock_.now()); }
    void require_writable() const {
        if (!writable_) throw ports::store_error("write attempted inside store::read");
    }

    connection& db_;
    const ports::clock& clock_;
    bool writable_;
};

}  // namespace apexcore::sqlite::detail
