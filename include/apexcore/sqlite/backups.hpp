#pragma once
/// @file backups.hpp
/// Backups of a SQLite shop (ports::backups): online copies verified by reopening them, kept in
/// one directory as "apexcore-YYYYMMDD-HHMMSS.db" (UTC), and the restore that puts one back.
///
/// A backup is verified by opening the copy as a store (sqlite_store: the schema is current),
/// running reconcile() on it, and SQLite's `PRAGMA integrity_check`. A copy that fails keeps its
/// name with ".failed" appended and is never listed or restored. docs/operations.md §Backups.

#include <apexcore/ports/backup.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <mutex>
#include <optional>
#include <string>

namespace apexcore::sqlite {

/// The UTC file name of a backup taken at `at`: "apexcore-20261130-143000.db".
[[nodiscard]] std::string backup_file_name(std::chrono::system_clock::time_point at);
/// The time a backup file name stands for; nullopt when `name` is not one (only the file name,
/// no directory).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_backup_file_name(const std::string& name);

/// Checks the copy at `path` as described above; fills every field of the report but `took`
/// and `taken_at`. Never throws for a damaged copy (the report says why); throws
/// ports::store_error when `path` does not exist.
[[nodiscard]] ports::backup_report verify_backup(const std::string& path);

/// What restore_backup did.
struct restore_report {
    ports::backup_report backup;  ///< the verification of the copy that was restored
    /// Where the database as it was before the restore was saved ("<database>.before-restore-
    /// <stamp>"); empty when there was no database.
    std::string previous;
};

/// Puts the backup `backup` back as the database `database`, with the bot stopped. Verifies the
/// backup first and refuses (ports::store_error, nothing changed) one that fails; saves the
/// current database next to it (restore_report::previous) so a mistaken restore can be undone;
/// then copies the backup in through SQLite's backup API, which also replaces the WAL's content.
/// `at` names the saved file.
restore_report restore_backup(const std::string& backup, const std::string& database,
                              std::chrono::system_clock::time_point at);

/// ports::backups over a running sqlite_store, in `directory` (created when missing).
class sqlite_backups final : public ports::backups {
public:
    /// `store` must outlive this object.
    sqlite_backups(sqlite_store& store, std::string directory);

    ports::backup_report create(std::chrono::system_clock::time_point at) override;
    std::vector<ports::backup_listing> list() override;
    std::size_t prune(std::size_t keep) override;

    /// The directory the backups are in.
    [[nodiscard]] const std::string& directory() const { return directory_; }

private:
    sqlite_store& store_;
    std::string directory_;
    std::mutex mutex_;  ///< one backup (or prune) at a time
};

}  // namespace apexcore::sqlite
