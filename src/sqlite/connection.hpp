#pragma once
// Private to the sqlite adapter: a thin RAII layer over the SQLite C API (connection, cached
// prepared statements, bound parameters). Errors become ports::store_error with SQLite's text.

#include <apexcore/ports/store.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::sqlite::detail {

/// A prepared statement, reset and unbound on every `reset()`.
class statement {
public:
    statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    /// Set while the statement is listed in its connection's used-since-reset list.
    bool in_use = false;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(stmt_); }

    statement& reset();
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view value);
    statement& bind_null(int index);
    statement& bind(int index, const std::optional<std::int64_t>& value);
    statement& bind(int index, const std::optional<std::string>& value);
    statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    /// Steps once; true while a row is available, false when done. Throws store_error on error.
    bool step();
    /// Steps to completion, expecting no rows.
    void run();

    /// The column as an integer. Throws store_error when it is NULL (never silently 0) or not an
    /// INTEGER (e.g. a REAL left by an integer overflow in SQL); check is_null first for nullable columns.
    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    /// The column as text (integers are converted by SQLite). Throws store_error when it is NULL.
    [[nodiscard]] std::string text(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

/// One SQLite connection with a statement cache.
class connection {
public:
    /// Opens (creating if needed) `path` with foreign keys ON, WAL journal, the busy timeout and
    /// synchronous FULL (every commit fsynced) or NORMAL (WAL: durable at checkpoint). Throws
    /// store_error with SQLite's own message when the file cannot be opened, and when WAL cannot be
    /// enabled (SQLite then reports the mode it kept: a filesystem without shared-memory support,
    /// such as some network filesystems) — apexcore does not run without WAL.
    connection(const std::string& path, std::chrono::milliseconds busy_timeout, bool synchronous_full = true);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    /// Runs one or more statements with no parameters and no results.
    void exec(std::string_view sql);
    /// A cached, reset prepared statement for `sql`.
    statement& prepare(std::string_view sql);
    /// Resets every cached statement. A statement left mid-result keeps its read snapshot open
    /// past COMMIT, and the next BEGIN IMMEDIATE on this connection would then fail at once with
    /// SQLITE_BUSY_SNAPSHOT instead of waiting; so this runs at the end of every unit of work.
    void reset_statements();
    [[nodiscard]] std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
    [[nodiscard]] sqlite3* native() const { return db_; }

private:
    void enable_wal(const std::string& path);

    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
    std::vector<statement*> used_;  ///< statements prepared since the last reset_statements()
};

/// Copies the whole database behind `source` (its "main" schema, as of one snapshot: one
/// sqlite3_backup_step over every page) into the file `path`, creating it or replacing the
/// content of the database there (a live one is locked meanwhile). `self_contained`: the copy
/// is switched to journal_mode=DELETE, one file without -wal (a backup); else it keeps the
/// source's mode. The copy is synced when this returns. Throws store_error naming `path`.
void copy_database(sqlite3* source, const std::string& path, bool self_contained);

/// Throws store_error("<what>: <sqlite message>") for a failed SQLite call.
[[noreturn]] void throw_sqlite_error(sqlite3* db, std::string_view what);

}  // namespace apexcore::sqlite::detail
