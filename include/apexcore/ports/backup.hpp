#pragma once
/// @file backup.hpp
/// Backups of the shop's store: made while the shop runs, verified before they count, kept for a
/// number of days. The store's adapter implements it (sqlite::sqlite_backups with SQLite's online
/// backup API); the bot's backups feature (/backup, the daily job) uses only this interface.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apexcore::ports {

/// One backup that was made and checked.
struct backup_report {
    std::string file;                            ///< where the copy is (a path for SQLite)
    std::uint64_t bytes = 0;                     ///< its size
    std::chrono::system_clock::time_point taken_at{};  ///< the snapshot's time (the name's UTC stamp)
    std::chrono::milliseconds took{0};           ///< copying and verifying together
    /// "ok", or the first problem the store's own check found in the copy (SQLite:
    /// PRAGMA integrity_check).
    std::string integrity = "ok";
    std::size_t wallets_checked = 0;   ///< wallets reconciled in the copy (store::reconcile on the copy)
    std::size_t mismatches = 0;        ///< of them, balances that disagree with their ledger
    std::int64_t ledger_entries = 0;   ///< rows in the copy's ledger
    std::int64_t orders = 0;           ///< orders in the copy
    /// Whether the copy can be restored: intact and every balance equal to its ledger. A copy that
    /// fails is kept under another name (".failed") for inspection and never counts as a backup.
    [[nodiscard]] bool verified() const { return integrity == "ok" && mismatches == 0; }
};

/// A backup on hand.
struct backup_listing {
    std::string file;
    std::uint64_t bytes = 0;
    std::chrono::system_clock::time_point taken_at{};
};

/// Making, listing and pruning backups. Implementations are thread-safe; one backup runs at a
/// time (a second caller waits).
class backups {
public:
    virtual ~backups() = default;
    /// Copies the live store as of now into a new backup, then verifies the copy (integrity and
    /// reconcile, see backup_report). Runs alongside purchases (a snapshot read; SQLite in WAL mode
    /// does not block writers). `at` names the copy (UTC "apexcore-YYYYMMDD-HHMMSS"). Throws
    /// ports::store_error when the copy cannot be written (disk full, directory missing and not
    /// creatable); a copy that fails its verification is reported, not thrown.
    virtual backup_report create(std::chrono::system_clock::time_point at) = 0;
    /// The verified backups on hand, newest first.
    virtual std::vector<backup_listing> list() = 0;
    /// Deletes all but the newest `keep` (>= 1) backups; returns how many were deleted. Failed
    /// copies older than the oldest backup kept go too.
    virtual std::size_t prune(std::size_t keep) = 0;
};

}  // namespace apexcore::ports
