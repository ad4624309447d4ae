#pragma once
/// @file migrations.hpp
/// Versioned, forward-only schema migrations of the SQLite store. Applied versions are recorded
/// in `schema_migrations(version, name, applied_at_ms)`; each migration runs in its own
/// transaction, so a failure leaves the database at the previous version. A database newer than
/// this build (a version it does not know) is refused rather than touched.

#include <span>
#include <string>
#include <string_view>

namespace apexcore::sqlite {

/// One schema step.
struct migration {
    int version;            ///< 1, 2, 3, ... without gaps
    std::string_view name;  ///< short description, recorded in schema_migrations
    std::string_view sql;   ///< statements to run
    /// True when the step rebuilds tables: it then runs with foreign keys off and
    /// `PRAGMA foreign_key_check` must come back empty before it commits.
    bool rebuilds_tables = false;
};

/// Every migration this build knows, in version order.
[[nodiscard]] std::span<const migration> all_migrations();

/// The highest version in all_migrations().
[[nodiscard]] int latest_schema_version();

/// Brings the database at `path` (created if missing) up to `target_version` (default: latest).
/// Returns the version it is at afterwards. Throws ports::store_error if the database is at a
/// version this build does not know or a migration fails (that migration is rolled back).
int migrate(const std::string& path, int target_version = -1);

/// The database's schema version (0 for a new, empty database).
[[nodiscard]] int schema_version(const std::string& path);

}  // namespace apexcore::sqlite
