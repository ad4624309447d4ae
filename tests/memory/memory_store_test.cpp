// memory_store as a whole (memory_store.hpp): a rollback or a throw leaves nothing, a read cannot
// write, a unit of work cannot call back into the store, readers see a snapshot while a writer
// works. The services over it are the conformance suite (services_memory_test).
#include <apexcore/memory/memory_store.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using namespace apexcore;

core::product a_product() { return {{}, "Games", "Keys", "Bundle", "Standard", core::money::usd_cents(100), true}; }

TEST(MemoryStoreTest, ARollbackOrAThrowLeavesNothingAndACommitStays) {
    memory::memory_store store;
    store.transact([](ports::unit_of_work& uow) {
        (void)uow.products().insert(a_product());
        return ports::tx_outcome::rollback;
    });
    EXPECT_THROW(store.transact([](ports::unit_of_work& uow) -> ports::tx_outcome {
        (void)uow.products().insert(a_product());
        throw std::runtime_error("the service gave up");
    }),
                 std::runtime_error);
    EXPECT_EQ(store.rows("products"), 0);
    store.transact([](ports::unit_of_work& uow) {
        (void)uow.products().insert(a_product());
        return ports::tx_outcome::commit;
    });
    EXPECT_EQ(store.rows("products"), 1);
    EXPECT_EQ(store.rows("no_such_table"), -1);
}

TEST(MemoryStoreTest, AReadCannotWriteAndAUnitOfWorkCannotCallBackIntoTheStore) {
    memory::memory_store store;
    EXPECT_THROW(store.read([](ports::unit_of_work& uow) { (void)uow.products().insert(a_product()); }), ports::store_error);
    EXPECT_THROW(store.transact([&](ports::unit_of_work&) {
        store.read([](ports::unit_of_work&) {});
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
    store.read([](ports::unit_of_work&) {});  // the guard was released
    EXPECT_EQ(store.rows("products"), 0);
}

TEST(MemoryStoreTest, AReaderSeesTheShopAsItWasWhileAWriterWorks) {
    memory::memory_store store;
    std::atomic<bool> writing{false};
    std::atomic<bool> read_done{false};
    std::thread writer([&] {
        store.transact([&](ports::unit_of_work& uow) {
            (void)uow.products().insert(a_product());
            writing = true;
            while (!read_done) std::this_thread::yield();  // the write is not committed yet
            return ports::tx_outcome::commit;
        });
    });
    while (!writing) std::this_thread::yield();
    store.read([](ports::unit_of_work& uow) { EXPECT_TRUE(uow.products().list_all(std::nullopt, 10).empty()); });
    read_done = true;
    writer.join();
    store.read([](ports::unit_of_work& uow) { EXPECT_EQ(uow.products().list_all(std::nullopt, 10).size(), 1U); });
}

TEST(MemoryStoreTest, TheLedgerRefusesANegativeBalanceAndReconciles) {
    memory::memory_store store;
    const core::user_id alice{100000000000000001};
    store.transact([&](ports::unit_of_work& uow) {
        (void)uow.wallet().append({alice, core::ledger_entry_type::deposit, core::money::usd_cents(500), "deposit"});
        return ports::tx_outcome::commit;
    });
    EXPECT_THROW(store.transact([&](ports::unit_of_work& uow) {
        (void)uow.wallet().append({alice, core::ledger_entry_type::purchase, core::money::usd_cents(-501), "too much"});
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
    const auto report = store.reconcile();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.users_checked, 1U);
    EXPECT_EQ(store.rows("wallet_ledger"), 1);
}

}  // namespace
