// postgresql_store as a whole (issue 13 §1, §3): the unit of work's outcomes, what it refuses,
// and two stores on one database — two apexbot processes' pools — keeping the one-writer
// guarantees of the SQLite store: the last unit sold once, a repeated interaction charged once.
// The services' behaviour on every store is the conformance suite (services_postgresql_test).
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/postgresql_store.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using namespace apexcore;
using apexcore::test_support::postgres_server;

const services::actor staff{core::user_id{900000000000000009}, true};

class PostgresStoreTest : public ::testing::Test {
protected:
    std::string url_ = postgres_server::shared().fresh_database();
    postgresql::postgresql_store store_{{.url = url_, .connections = 4}};
    services::shop_config config_{};
    services::catalog_service catalog_{store_, config_};
    services::wallet_service wallet_{store_, config_};

    core::product product(std::optional<std::int64_t> stock, const std::string& variant = "Standard") {
        core::product p{{}, "Games", "Keys", "Bundle", variant, core::money::usd_cents(100), true};
        p.stock = stock;
        auto created = catalog_.create(staff, p);
        EXPECT_TRUE(created.ok());
        return *created;
    }
};

TEST_F(PostgresStoreTest, ARollbackOrAThrowLeavesNothingAndACommitStays) {
    const auto p = product(5);
    store_.transact([&](ports::unit_of_work& uow) {
        (void)uow.products().adjust_stock(p.id, -2);
        return ports::tx_outcome::rollback;
    });
    EXPECT_THROW(store_.transact([&](ports::unit_of_work& uow) -> ports::tx_outcome {
        (void)uow.products().adjust_stock(p.id, -2);
        throw std::runtime_error("the service gave up");
    }),
                 std::runtime_error);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(5));
    store_.transact([&](ports::unit_of_work& uow) {
        (void)uow.products().adjust_stock(p.id, -2);
        return ports::tx_outcome::commit;
    });
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(3));
}

TEST_F(PostgresStoreTest, AReadCannotWriteAndAUnitOfWorkCannotCallBackIntoTheStore) {
    const auto p = product(5);
    EXPECT_THROW(store_.read([&](ports::unit_of_work& uow) { (void)uow.products().adjust_stock(p.id, -1); }), ports::store_error);
    EXPECT_THROW(store_.transact([&](ports::unit_of_work&) {
        store_.read([](ports::unit_of_work&) {});
        return ports::tx_outcome::commit;
    }),
                 ports::store_error);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(5));
    store_.read([](ports::unit_of_work&) {});  // the guard was released
}

TEST_F(PostgresStoreTest, AStoreOpenedOnAWrongUrlOrANewerSchemaIsRefused) {
    EXPECT_THROW(postgresql::postgresql_store({.url = postgres_server::shared().url("no_such_database")}), ports::store_error);
    store_.db().with([](postgresql::session& s) {
        s.exec("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (999, 'from the future', 0)");
    });
    try {
        postgresql::postgresql_store again({.url = url_});
        ADD_FAILURE() << "a newer schema was accepted";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this build knows"), std::string::npos) << e.what();
    }
}

TEST_F(PostgresStoreTest, TwoStoresOnOneDatabaseSellTheLastUnitOnceAndChargeARepeatedInteractionOnce) {
    postgresql::postgresql_store other{{.url = url_, .connections = 4}};  // the second process
    services::wallet_service other_wallet{other, config_};
    const auto last = product(1);
    constexpr int buyers = 12;
    for (int i = 0; i < buyers; ++i) {
        ASSERT_TRUE(wallet_.deposit({staff, core::user_id{500 + static_cast<std::uint64_t>(i)}, core::money::usd_cents(1000), "test"}).ok());
    }
    std::atomic<int> wins{0};
    std::atomic<int> sold_out{0};
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < buyers; ++i) {
            threads.emplace_back([&, i] {
                auto& w = i % 2 == 0 ? wallet_ : other_wallet;
                const auto r = w.purchase({core::user_id{500 + static_cast<std::uint64_t>(i)}, last.id, std::nullopt});
                if (r.ok()) ++wins;
                else if (r.error() == core::rejection::out_of_stock) ++sold_out;
            });
        }
    }
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(sold_out.load(), buyers - 1);

    // One interaction delivered to both processes (a gateway resume, a retried webhook): both
    // run the purchase with its key at once; the member pays once and both see the same order.
    const auto unlimited = product(std::nullopt, "Unlimited");
    const core::user_id member{777};
    ASSERT_TRUE(wallet_.deposit({staff, member, core::money::usd_cents(1000), "test"}).ok());
    for (int round = 0; round < 5; ++round) {
        const std::string key = "interaction:" + std::to_string(1000 + round);
        std::optional<core::result<services::purchase_receipt, core::rejection>> a;
        std::optional<core::result<services::purchase_receipt, core::rejection>> b;
        {
            std::jthread first([&] { a = wallet_.purchase({member, unlimited.id, std::nullopt, key}); });
            std::jthread second([&] { b = other_wallet.purchase({member, unlimited.id, std::nullopt, key}); });
        }
        ASSERT_TRUE(a->ok() && b->ok()) << "round " << round;
        EXPECT_EQ((*a)->order.id, (*b)->order.id);
        EXPECT_NE((*a)->replayed, (*b)->replayed) << "exactly one of them charged";
    }
    EXPECT_EQ(wallet_.balance(member).minor_units(), 1000 - 5 * 100);
    const auto report = other.reconcile();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.users_checked, static_cast<std::size_t>(buyers + 1));
}

}  // namespace
