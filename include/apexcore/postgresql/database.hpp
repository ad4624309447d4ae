#pragma once
/// @file database.hpp
/// The PostgreSQL adapter's foundation (issue "Beyond one process", docs/scaling.md): a pool of
/// libpq connections to one database, statements with parameters sent apart from the SQL text,
/// transactions, and versioned forward-only migrations that several processes may run at once.
/// The store itself (ports::store on PostgreSQL) is built on it; until it is complete this
/// library is built for the tests only and not installed.
///
/// Thread-safety: `database` is thread-safe; a `session` belongs to the thread that borrowed it,
/// for the duration of the call that lent it.

#include <apexcore/ports/store.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::postgresql {

/// How to reach the database.
struct database_options {
    /// A libpq connection string: a URI ("postgresql://shop@db.internal/shop",
    /// "postgresql:///shop?host=/run/postgresql") or key=value pairs ("host=… dbname=…").
    std::string url;
    std::size_t connections = 8;               ///< pool size, 1..256
    std::chrono::seconds connect_timeout{10};  ///< per connection attempt
};

/// A failure reported by PostgreSQL or libpq: the message and, when the server sent one, the
/// SQLSTATE ("23505" unique violation, "40001" serialization failure, "08006" connection lost…).
class database_error : public ports::store_error {
public:
    database_error(const std::string& message, std::string sqlstate)
        : ports::store_error(message), sqlstate_(std::move(sqlstate)) {}
    /// Five characters, or "" when libpq failed without a server answer.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// The rows a statement returned, as text (PostgreSQL's text format).
class result {
public:
    result();
    ~result();
    result(result&&) noexcept;
    result& operator=(result&&) noexcept;
    result(const result&) = delete;
    result& operator=(const result&) = delete;

    [[nodiscard]] int rows() const;
    [[nodiscard]] int columns() const;
    /// Rows an INSERT, UPDATE or DELETE touched.
    [[nodiscard]] std::int64_t affected() const;
    [[nodiscard]] bool is_null(int row, int column) const;
    /// The value as text ("" for NULL). Throws std::out_of_range outside the result.
    [[nodiscard]] std::string_view text(int row, int column) const;
    /// The value as a 64-bit integer. Throws database_error when it is NULL or not an integer.
    [[nodiscard]] std::int64_t int64(int row, int column) const;

private:
    friend class session;
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A parameter: text in PostgreSQL's input syntax, or NULL.
using param = std::optional<std::string>;

/// One connection, lent by database::with for the duration of a call.
class session {
public:
    /// Runs one statement with `$1`, `$2`… bound to `params` (never spliced into the SQL).
    /// A pooled connection prepares each distinct statement text once (up to 512 of them) and then
    /// only executes it, so the server parses and plans it once per connection. Throws
    /// database_error on failure.
    result exec(std::string_view sql, std::span<const param> params = {});
    result exec(std::string_view sql, std::initializer_list<param> params) {
        return exec(sql, std::span<const param>(params.begin(), params.size()));
    }
    /// Runs `sql` as a simple query: several statements, no parameters (migrations).
    void exec_script(std::string_view sql);
    /// Runs `work` in a transaction (READ COMMITTED unless `isolation` names another level) and
    /// commits; rolls back and rethrows if it throws.
    void transaction(const std::function<void(session&)>& work, std::string_view isolation = {});
    /// Whether the transaction on this session may write (false inside postgresql_store::read).
    /// Repositories that make concurrent writers conflict on purpose (see
    /// postgresql_store.hpp) do so only when it is true. A new session allows writes.
    void allow_writes(bool allowed) noexcept { writes_allowed_ = allowed; }
    [[nodiscard]] bool writes_allowed() const noexcept { return writes_allowed_; }

private:
    friend class database;
    session(void* connection, void* prepared) : connection_(connection), prepared_(prepared) {}
    void* connection_;  // PGconn*
    void* prepared_;    // the connection's prepared statements (database.cpp), or nullptr
    bool writes_allowed_ = true;
};

/// A pool of connections to one PostgreSQL database.
class database {
public:
    /// Opens the first connection at once (so a wrong URL fails here) and the others on demand.
    /// Throws std::invalid_argument for bad options, database_error when it cannot connect.
    explicit database(database_options options);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    /// Lends a connection to `work`, waiting while all are in use. A connection found broken
    /// afterwards is replaced.
    void with(const std::function<void(session&)>& work);

    /// Runs `work` in a SERIALIZABLE transaction on a pooled connection and commits; runs it again
    /// (up to `attempts` times in all, after a short random pause) when PostgreSQL reports a
    /// serialization failure (SQLSTATE 40001) or a deadlock (40P01), so that read-then-write use
    /// cases behave as they do on the single-writer SQLite store. `work` must have no effect
    /// outside the transaction. Other failures, and the last retryable one, propagate (rolled back).
    void serializable(const std::function<void(session&)>& work, int attempts = 10);

    /// Runs `work` in a REPEATABLE READ transaction (one snapshot) and commits; runs it again, as
    /// serializable() does, when PostgreSQL reports that a row it updates was updated by a
    /// transaction that committed meanwhile (40001), a deadlock (40P01) or that a unique key it
    /// inserts was inserted meanwhile (23505): on the next attempt the work sees what the other
    /// committed. postgresql_store's units of work run so (see postgresql_store.hpp).
    void repeatable_read(const std::function<void(session&)>& work, int attempts = 20);

    /// Brings the schema up to the latest version (all_migrations), each step in its own
    /// transaction, under a transaction-level advisory lock so that processes starting at once
    /// apply each step exactly once. Returns the versions this call applied (in order). Throws
    /// ports::store_error when the database has a version this build does not know.
    std::vector<int> migrate();
    /// The schema version (0 for an empty database).
    [[nodiscard]] int schema_version();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// One schema step of the PostgreSQL store.
struct migration {
    int version;            ///< 1, 2, 3, ... without gaps
    std::string_view name;  ///< short description, recorded in schema_migrations
    std::string_view sql;   ///< statements to run
};

/// Every migration this build knows, in version order.
[[nodiscard]] std::span<const migration> all_migrations();

/// The advisory lock key migrate() holds (pg_advisory_xact_lock): "apexcore" in ASCII.
inline constexpr std::int64_t migration_lock_key = 0x61706578636f7265;

}  // namespace apexcore::postgresql
