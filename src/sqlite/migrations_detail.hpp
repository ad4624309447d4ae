#pragma once
// Private: migrations over an open connection (used by sqlite_store on open).
#include "connection.hpp"

namespace apexcore::sqlite::detail {
/// The recorded schema version, creating schema_migrations if missing.
int current_version(connection& db);
/// Applies pending migrations up to `target_version` (-1 = latest); returns the new version.
int migrate(connection& db, int target_version);
}  // namespace apexcore::sqlite::detail
