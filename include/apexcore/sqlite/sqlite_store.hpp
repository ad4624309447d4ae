#pragma once
/// @file sqlite_store.hpp
/// The embedded default store: ports::store over SQLite 3.
///
/// - Opening migrates the schema forward (apexcore/sqlite/migrations.hpp).
/// - Every connection: foreign_keys=ON, journal_mode=WAL, synchronous=FULL (default), busy timeout.
/// - `transact` with group commit (default): one writer thread takes every queued unit of work,
///   runs them in one BEGIN IMMEDIATE ... COMMIT, each inside its own SAVEPOINT (a rejection or an
///   exception rolls back only that unit), and answers each caller after the COMMIT — so a batch
///   costs one fsync and every acknowledged unit is durable. Without group commit each call runs
///   its own BEGIN IMMEDIATE ... COMMIT on a pooled connection. Either way writers from other
///   processes are serialised by SQLite's write lock.
/// - `read` and `reconcile` run on pooled connections, concurrently with the writer (WAL).
/// - Ledger rows are insert-only (enforced by triggers since schema v2).

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/metrics.hpp>
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
    /// Batch concurrent `transact` calls into one commit (see above). Off: one commit per call.
    bool group_commit = true;
    /// Most units of work in one group-commit batch.
    std::size_t batch_max = 256;
    /// synchronous=FULL: each commit is fsynced before `transact` returns (durable). false =
    /// NORMAL: in WAL mode a commit survives a process crash but may be lost on power failure.
    bool synchronous_full = true;
    /// Where apexcore_store_commit_seconds goes (ports/metrics.hpp); nullptr: not recorded. Must
    /// outlive the store.
    ports::metrics* metrics = nullptr;
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

    /// Runs `work` in a write transaction (group commit: a savepoint of the writer's batch).
    /// Throws ports::store_error when called from inside another unit of work of this store.
    void transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) override;
    void read(const std::function<void(ports::unit_of_work&)>& work) override;
    ports::reconcile_report reconcile() override;

    /// Writes a consistent copy of the whole database, as of one snapshot, to the new file `path`
    /// with SQLite's online backup API (sqlite3_backup_*, in one step under a read transaction:
    /// the writer goes on meanwhile). The copy is synced to disk before this returns. Throws
    /// ports::store_error when `path` exists already or cannot be written, naming it. Used by
    /// sqlite_backups (backups.hpp); a ":memory:" store can be copied too.
    void backup_to(const std::string& path);
    /// The database file this store opened (sqlite_options::path).
    [[nodiscard]] const std::string& path() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace apexcore::sqlite
