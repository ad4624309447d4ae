#pragma once
/// @file store.hpp
/// The storage port: repositories reached through a unit of work. Every write happens inside
/// `store::transact`, which the adapter runs as one database transaction (SQLite: BEGIN
/// IMMEDIATE ... COMMIT) — it either fully happens or leaves nothing. Another store (PostgreSQL,
/// in-memory) implements these interfaces without touching core or services.

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/idempotency.hpp>
#include <apexcore/core/ledger.hpp>
#include <apexcore/core/order.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace apexcore::ports {

/// Thrown by a store for failures that are not domain rejections: I/O errors, a locked database
/// after the busy timeout, a constraint the domain should have prevented. The transaction in
/// flight is rolled back before it propagates.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Products of the catalog.
class product_repository {
public:
    virtual ~product_repository() = default;
    /// The product with `id`, active or not; nullopt if there is none.
    virtual std::optional<core::product> find(core::product_id id) = 0;
    /// Active products ordered by main category, sub category, service, variant; at most `limit`.
    virtual std::vector<core::product> list_active(std::size_t limit) = 0;
    /// Inserts a validated product (`core::validate`) and returns its new id; `p.id` is ignored.
    virtual core::product_id insert(const core::product& p) = 0;
};

/// Wallet balances and the insert-only ledger.
class wallet_repository {
public:
    virtual ~wallet_repository() = default;
    /// The user's current balance in `currency`; zero for a user never seen.
    virtual core::money balance(core::user_id user, const core::currency& currency) = 0;
    /// Appends one ledger row and moves the balance by `draft.amount` in the same transaction;
    /// returns the stored row with `balance_after`. Preconditions (checked by the service):
    /// `core::validate(draft)` passed and the resulting balance is >= 0 and fits int64. Throws
    /// store_error if a precondition is broken (the transaction then rolls back).
    virtual core::ledger_entry append(const core::ledger_draft& draft) = 0;
    /// The user's newest `limit` rows, newest first, strictly older than `before` when given.
    virtual std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                                    std::optional<core::ledger_entry_id> before) = 0;
    /// One ledger row by id; nullopt if there is none.
    virtual std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) = 0;
};

/// Idempotency keys of money movements (core/idempotency.hpp). Recorded in the same transaction
/// as the movement, so a key exists exactly when its movement happened.
class idempotency_repository {
public:
    virtual ~idempotency_repository() = default;
    /// The record for `key`; nullopt when the key was never used.
    virtual std::optional<core::idempotency_record> find_key(const std::string& key) = 0;
    /// Records a key; throws store_error if it already exists (callers look it up first, inside
    /// the same write transaction).
    virtual void record_key(const core::idempotency_record& record) = 0;
};

/// Orders.
class order_repository {
public:
    virtual ~order_repository() = default;
    /// Inserts an order and returns the stored row.
    virtual core::order insert(const core::order_draft& draft) = 0;
    /// The order with `id`; nullopt if there is none.
    virtual std::optional<core::order> find(core::order_id id) = 0;
    /// The customer's orders, newest first, at most `limit`.
    virtual std::vector<core::order> list_for(core::user_id customer, std::size_t limit) = 0;
};

/// The repositories visible inside one transaction.
class unit_of_work {
public:
    virtual ~unit_of_work() = default;
    virtual product_repository& products() = 0;
    virtual wallet_repository& wallet() = 0;
    virtual order_repository& orders() = 0;
    virtual idempotency_repository& idempotency() = 0;
};

/// The outcome of `store::reconcile`: every user whose balance disagrees with their ledger.
struct reconcile_report {
    /// One disagreeing user: stored balance vs. sum of ledger amounts vs. newest balance_after.
    struct mismatch {
        core::user_id user;
        std::int64_t balance_minor = 0;
        std::int64_t ledger_sum_minor = 0;
        std::int64_t last_balance_after_minor = 0;
    };
    std::size_t users_checked = 0;
    std::vector<mismatch> mismatches;
    [[nodiscard]] bool ok() const { return mismatches.empty(); }
};

/// Whether `store::transact` should commit the work or roll it back.
enum class tx_outcome { commit, rollback };

/// A transactional store.
class store {
public:
    virtual ~store() = default;
    /// Runs `work` in one write transaction. Commits when it returns tx_outcome::commit, rolls
    /// back when it returns rollback or throws (the exception then propagates). Safe to call from
    /// several threads; concurrent writers are serialised by the store.
    virtual void transact(const std::function<tx_outcome(unit_of_work&)>& work) = 0;
    /// Runs `work` against a consistent read snapshot; writes inside it are an error.
    virtual void read(const std::function<void(unit_of_work&)>& work) = 0;
    /// Proves for every user: balance == sum(ledger amounts) == newest row's balance_after.
    virtual reconcile_report reconcile() = 0;
};

}  // namespace apexcore::ports
