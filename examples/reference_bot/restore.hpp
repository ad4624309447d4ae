#pragma once
/// @file restore.hpp
/// `apexbot --config FILE --restore-backup BACKUP`: puts a verified backup back as the config's
/// database, with the bot stopped (docs/operations.md §Backups).

#include "config.hpp"

#include <string>

namespace apexbot {

/// Verifies `backup` and restores it into `c.database`, keeping the database it replaces next to
/// it; prints what was done on stdout and any refusal on stderr. Returns the exit status: 0
/// restored, 1 refused or failed (nothing changed).
int restore_command(const config& c, const std::string& backup);

}  // namespace apexbot
