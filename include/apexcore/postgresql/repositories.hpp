#pragma once
/// @file repositories.hpp
/// The PostgreSQL store's repositories, each over one session (the caller's transaction). They
/// keep the SQLite store's contracts (ports/store.hpp) and let PostgreSQL enforce the rules a
/// second time: balances never negative, the ledger insert-only, one row per idempotency key.
/// The first of them; the store that assembles all of them is being written (docs/scaling.md).

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/postgresql/database.hpp>

namespace apexcore::postgresql {

/// Wallet balances, the ledger and idempotency keys. append() is one statement: the wallet row
/// is moved by `amount` (or created) and the ledger row written with the resulting balance, so
/// two sessions appending to one wallet queue on its row lock and never lose an update, even at
/// READ COMMITTED. Not thread-safe (one session); `session` and `clock` must outlive it.
class money_repository final : public ports::wallet_repository, public ports::idempotency_repository {
public:
    money_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}

    /// Zero for a user never seen.
    core::money balance(core::user_id user, const core::currency& currency) override;
    /// Throws ports::store_error for an invalid draft, a balance that would go below zero
    /// (PostgreSQL's CHECK, SQLSTATE 23514) or past int64 (22003); nothing is written then.
    core::ledger_entry append(const core::ledger_draft& draft) override;
    std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                            std::optional<core::ledger_entry_id> before) override;
    std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) override;

    std::optional<core::idempotency_record> find_key(const std::string& key) override;
    /// Throws ports::store_error when the key exists (SQLSTATE 23505).
    void record_key(const core::idempotency_record& record) override;

private:
    session& session_;
    const ports::clock& clock_;
};

}  // namespace apexcore::postgresql
