#pragma once
// Private to the sqlite adapter: every repository of ports::unit_of_work over one connection
// that is inside a transaction (or a savepoint of a group-commit batch).
#include "connection.hpp"

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

namespace apexcore::sqlite::detail {

/// Creates the unit of work for `db`; `writable == false` makes every write throw store_error.
std::unique_ptr<ports::unit_of_work> make_unit_of_work(connection& db, const ports::clock& clock, bool writable);

}  // namespace apexcore::sqlite::detail
