#include "restore.hpp"

#include <apexcore/sqlite/backups.hpp>

#include <iostream>

namespace apexbot {

int restore_command(const config& c, const std::string& backup) {
    if (c.uses_postgresql()) {
        std::cerr << "apexbot: restore refused: the config's database is PostgreSQL; restore it with pg_restore (docs/scaling.md)\n";
        return 1;
    }
    if (c.database == ":memory:") {
        std::cerr << "apexbot: restore refused: the config's database is \":memory:\", there is nothing to restore into\n";
        return 1;
    }
    try {
        const auto done = apexcore::sqlite::restore_backup(backup, c.database, std::chrono::system_clock::now());
        std::cout << "restored " << backup << " into " << c.database << "\n"
                  << "  verified: integrity " << done.backup.integrity << ", " << done.backup.wallets_checked
                  << " wallets reconcile, " << done.backup.ledger_entries << " ledger entries, " << done.backup.orders << " orders\n";
        if (!done.previous.empty()) std::cout << "  the database it replaced is kept as " << done.previous << "\n";
        std::cout << "start the bot again to serve the restored shop\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "apexbot: restore refused, nothing changed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace apexbot
