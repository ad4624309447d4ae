#pragma once
/// @file memory_store.hpp
/// ports::store in memory: the third store of the conformance suite (issue "Beyond one process"
/// §2, docs/scaling.md), which shows that the port is all the services need, and a store for
/// tests and demos that need no file. Nothing survives the process.
///
/// - `transact` runs one unit of work at a time (like SQLite's single writer) on a copy of the
///   shop and puts the copy in place when the work commits: a rollback or an exception leaves
///   nothing. A copy costs time in proportion to the shop's size: this store is for small shops.
/// - `read` sees the shop as of its start, concurrently with other reads; a write inside it is a
///   ports::store_error.
/// - The rules the SQL stores put in their schemas are kept here in code: no negative balance or
///   stock, an insert-only ledger and event logs (there is no operation that changes them, but
///   for blanking a note in an erasure), one row per idempotency key, one live payment session
///   and one refund request awaiting a decision per order, a key text once, unique order
///   references and ticket channels.
/// - Times are kept in whole milliseconds, as the SQL stores keep them.
///
/// Standard C++ only.

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

namespace apexcore::memory {

/// How to make the store.
struct memory_options {
    const ports::clock* clock = nullptr;  ///< time source of created_at/updated_at; nullptr = system clock (must outlive the store)
};

/// ports::store in memory. Thread-safe; not copyable.
class memory_store final : public ports::store {
public:
    explicit memory_store(memory_options options = {});
    ~memory_store() override;
    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;
    /// The name its errors carry.
    static constexpr const char* store_name = "memory_store";

    /// Runs `work` on a copy of the shop, one unit of work at a time; the copy replaces the shop
    /// when `work` commits. Throws ports::store_error when called from inside a unit of work.
    void transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) override;
    void read(const std::function<void(ports::unit_of_work&)>& work) override;
    ports::reconcile_report reconcile() override;

    /// How many rows the SQL stores would hold in `table` (their table names: "orders",
    /// "wallet_ledger", "outbox", "member_erasures", …); -1 for a name this store does not know.
    [[nodiscard]] std::int64_t rows(std::string_view table);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace apexcore::memory
