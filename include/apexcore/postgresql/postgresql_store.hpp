#pragma once
/// @file postgresql_store.hpp
/// ports::store over PostgreSQL (issue "Beyond one process", docs/scaling.md): the store for a
/// shop run by several processes.
///
/// - Opening connects (a wrong URL fails at once) and migrates the schema forward under an
///   advisory lock, so processes starting together apply each step once (database::migrate).
/// - `transact` runs the unit of work in one REPEATABLE READ transaction (one snapshot) on a
///   pooled connection and commits. Two units of work that update the same row conflict: the
///   later one fails (40001) and runs again, after a short random pause, on a snapshot holding
///   the other's writes; so does one that inserts an idempotency key or another unique key
///   inserted meanwhile (23505), and a deadlock (40P01). The services' read-then-write use cases
///   thereby stay exact with writers in several processes, as on SQLite's single writer, because
///   each of them writes the row its check depends on: a debit the wallet row, a sale the
///   product's stock, a promo redemption the code's row, a status change the row's status, and a
///   check of a member's recent activity (cooldowns, open tickets) the member's row of
///   member_turns. SERIALIZABLE would also give this, but its page-level predicate locks make
///   unrelated purchases conflict: 450 attempts/s with failures after 20 retries in the purchases
///   benchmark (docs/benchmarks.md). A unit of work may run more than once before it commits: it
///   must set its results, not accumulate them.
/// - `read` runs in a REPEATABLE READ, READ ONLY transaction: one snapshot; a write is an error.
/// - The database keeps the rules a second time: balances and stock never negative, the ledger
///   and the event logs insert-only (triggers), one idempotency key per movement.
/// - synchronous_commit is the server's (on by default): `transact` returns after the commit is
///   durable.

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/postgresql/database.hpp>

#include <memory>
#include <string>

namespace apexcore::postgresql {

/// How to open the store.
struct store_options {
    /// A libpq connection string: "postgresql://user@host/db", "postgresql:///shop?host=/run/postgresql".
    std::string url;
    std::size_t connections = 8;  ///< pooled connections, 1..256; callers beyond this wait
    std::chrono::seconds connect_timeout{10};
    const ports::clock* clock = nullptr;  ///< time source of created_at/updated_at; nullptr = system clock
    /// How often `transact` runs a unit of work in all when PostgreSQL reports a serialization
    /// failure or a deadlock (>= 1); the last failure then propagates as ports::store_error.
    int attempts = 20;
};

/// ports::store over PostgreSQL. Thread-safe; not copyable.
class postgresql_store final : public ports::store {
public:
    /// Connects and migrates. Throws std::invalid_argument for bad options and ports::store_error
    /// (database_error) when the server cannot be reached, refuses the login or holds a newer
    /// schema than this build knows.
    explicit postgresql_store(store_options options);
    ~postgresql_store() override;
    postgresql_store(const postgresql_store&) = delete;
    postgresql_store& operator=(const postgresql_store&) = delete;
    /// The name its errors carry.
    static constexpr const char* store_name = "postgresql_store";

    /// Runs `work` in a SERIALIZABLE transaction (see above). Throws ports::store_error when
    /// called from inside another unit of work of this thread (it could wait forever for a
    /// pooled connection the outer one holds).
    void transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) override;
    void read(const std::function<void(ports::unit_of_work&)>& work) override;
    ports::reconcile_report reconcile() override;

    /// The pool under the store (migrations, administration, tests).
    [[nodiscard]] database& db();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace apexcore::postgresql
