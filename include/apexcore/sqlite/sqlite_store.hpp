#pragma once
/// @file sqlite_store.hpp
/// The embedded default store: ports::store over SQLite 3.
///
/// - Opening migrates the schema forward (apexcore/sqlite/migrations.hpp).
/// - Every connection: foreign_keys=ON, journal_mode=WAL, synchronous=FULL, busy timeout.
/// - `transact` runs BEGIN IMMEDIATE ... COMMIT on a pooled connection, so concurrent writers from
///   any thread or process are serialised by SQLite's write lock and each unit of work is atomic.
/// - Ledger rows are insert-only (enforced by triggers since schema v2).

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace apexcore::sqlite {

/// How to open the store.
struct sqlite_options {
    std::string path;  ///< database file; ":memory:" gives a private in-memory db (one connection)
    std::chrono::milliseconds busy_timeout{5000};  ///< how long a writer waits for the lock
    std::size_t connections_max = 8;  ///< pooled connections; callers beyond this wait
    const ports::clock* clock = nullptr;  ///< created_at source; nullptr = system clock
};

/// ports::store over SQLite. Thread-safe; not copyable.
class sqlite_store final : public ports::store {
public:
    /// Opens (and migrates) the database. Throws ports::store_error with the path and SQLite's
    /// message when it cannot be opened or migrated.
    explicit sqlite_store(sqlite_options options);
    ~sqlite_store() override;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    void transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) override;
    void read(const std::function<void(ports::unit_of_work&)>& work) override;
    ports::reconcile_report reconcile() override;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace apexcore::sqlite
