#include <apexcore/sqlite/sqlite_store.hpp>

#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include "temp_db.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using namespace apexcore;
using core::money;

constexpr core::user_id staff{900};
constexpr core::user_id alice{1001};

class IdempotencyTest : public ::testing::Test {
protected:
    test_support::temp_db db_;
    std::unique_ptr<sqlite::sqlite_store> store_ = std::make_unique<sqlite::sqlite_store>(sqlite::sqlite_options{.path = db_.path()});
    std::unique_ptr<services::wallet_service> wallet_ = std::make_unique<services::wallet_service>(*store_, services::shop_config{});
    std::unique_ptr<services::catalog_service> catalog_ = std::make_unique<services::catalog_service>(*store_, services::shop_config{});
    int added_ = 0;

    /// Each call adds a distinct variant (the catalog refuses a second product with the same four names).
    core::product add(std::int64_t cents) {
        const std::string variant = "Edition " + std::to_string(++added_);
        return catalog_->add({{}, "Games", "Keys", "Indie", variant, money::usd_cents(cents), true}).value();
    }
    void fund(std::int64_t cents) {
        ASSERT_TRUE(wallet_->staff_credit({{staff, true}, alice, money::usd_cents(cents), "fund"}).ok());
    }
    std::size_t ledger_rows() {
        std::size_t n = 0;
        store_->read([&](ports::unit_of_work& uow) { n = uow.wallet().history(alice, 1000, std::nullopt).size(); });
        return n;
    }
};

TEST_F(IdempotencyTest, RepeatedPurchaseReturnsTheFirstReceiptAndChargesOnce) {
    const auto product = add(300);
    fund(1000);
    const auto first = wallet_->purchase({alice, product.id, std::nullopt, "interaction:42"});
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(first->replayed);
    const auto again = wallet_->purchase({alice, product.id, std::nullopt, "interaction:42"});
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->order.id, first->order.id);
    EXPECT_EQ(again->debit.id, first->debit.id);
    EXPECT_EQ(again->product_name, "Indie - Edition 1");
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(700));
    EXPECT_EQ(ledger_rows(), 2U);
    EXPECT_TRUE(wallet_->purchase({alice, product.id, std::nullopt, "interaction:43"}).ok()) << "a new key buys again";
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(400));
}

TEST_F(IdempotencyTest, AKeyReusedForADifferentRequestIsAConflict) {
    const auto a = add(300);
    const auto b = add(200);
    fund(1000);
    ASSERT_TRUE(wallet_->purchase({alice, a.id, std::nullopt, "k1"}).ok());
    EXPECT_EQ(wallet_->purchase({alice, b.id, std::nullopt, "k1"}).error(), core::rejection::idempotency_conflict);
    EXPECT_EQ(wallet_->staff_credit({{staff, true}, alice, money::usd_cents(5), "x", "k1"}).error(),
              core::rejection::idempotency_conflict);
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(700));
}

TEST_F(IdempotencyTest, RepeatedStaffCreditCreditsOnce) {
    const auto first = wallet_->staff_credit({{staff, true}, alice, money::usd_cents(250), "top-up", "interaction:7"});
    const auto again = wallet_->staff_credit({{staff, true}, alice, money::usd_cents(250), "top-up", "interaction:7"});
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(250));
    EXPECT_EQ(wallet_->staff_credit({{staff, true}, alice, money::usd_cents(999), "top-up", "interaction:7"}).error(),
              core::rejection::idempotency_conflict)
        << "same key, different amount";
}

TEST_F(IdempotencyTest, RejectedAttemptsRecordNothingSoARetryCanSucceed) {
    const auto product = add(500);
    fund(100);
    EXPECT_EQ(wallet_->purchase({alice, product.id, std::nullopt, "k"}).error(), core::rejection::insufficient_funds);
    fund(400);
    const auto retried = wallet_->purchase({alice, product.id, std::nullopt, "k"});
    ASSERT_TRUE(retried.ok());
    EXPECT_FALSE(retried->replayed);
}

TEST_F(IdempotencyTest, InvalidKeysAreRejected) {
    const auto product = add(1);
    fund(10);
    for (const std::string& bad : {std::string(101, 'k'), std::string("has space"), std::string("tab\t")}) {
        EXPECT_EQ(wallet_->purchase({alice, product.id, std::nullopt, bad}).error(), core::rejection::invalid_idempotency_key);
    }
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(10));
}

TEST_F(IdempotencyTest, KeysSurviveARestart) {
    const auto product = add(300);
    fund(1000);
    const auto first = wallet_->purchase({alice, product.id, std::nullopt, "interaction:99"});
    ASSERT_TRUE(first.ok());
    catalog_.reset();
    wallet_.reset();
    store_.reset();
    store_ = std::make_unique<sqlite::sqlite_store>(sqlite::sqlite_options{.path = db_.path()});
    wallet_ = std::make_unique<services::wallet_service>(*store_, services::shop_config{});
    const auto again = wallet_->purchase({alice, product.id, std::nullopt, "interaction:99"});
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->order.id, first->order.id);
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(700));
}

// The same request delivered to several threads at once (a duplicated event handled twice in
// parallel): exactly one purchase happens and every caller sees the same order.
TEST_F(IdempotencyTest, ConcurrentRepeatsOfOneKeyChargeOnce) {
    const auto product = add(300);
    fund(10000);
    constexpr int threads = 4;
    std::atomic<int> fresh{0};
    std::atomic<int> replayed{0};
    std::vector<std::int64_t> orders(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const auto r = wallet_->purchase({alice, product.id, std::nullopt, "interaction:same"});
            ASSERT_TRUE(r.ok());
            orders[static_cast<std::size_t>(t)] = r->order.id.value;
            (r->replayed ? replayed : fresh)++;
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(fresh.load(), 1);
    EXPECT_EQ(replayed.load(), threads - 1);
    for (auto id : orders) EXPECT_EQ(id, orders[0]);
    EXPECT_EQ(wallet_->balance(alice), money::usd_cents(9700));
    EXPECT_TRUE(store_->reconcile().ok());
}

}  // namespace
