// Orders on PostgreSQL (issue 13 §1): every field and the metadata read back, the status moves
// by compare-and-set (of two sessions one wins), a reference is used once, and the sales figures
// count what the SQLite store counts.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/repositories.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using apexcore::test_support::postgres_server;

constexpr core::user_id alice{100000000000000001}, bob{100000000000000002};

/// A clock the test moves.
struct fixed_clock final : ports::clock {
    std::chrono::system_clock::time_point at{std::chrono::milliseconds(1'780'000'000'000)};  // 2026-05-28
    std::chrono::system_clock::time_point now() const override { return at; }
};

class PostgresOrdersTest : public ::testing::Test {
protected:
    postgresql::database db_{{.url = postgres_server::shared().fresh_database(), .connections = 4}};
    fixed_clock clock_;
    core::product_id product_;

    void SetUp() override {
        db_.migrate();
        db_.serializable([&](postgresql::session& s) {
            core::product p;
            p.main_category = "Games";
            p.sub_category = "Keys";
            p.service_name = "Indie";
            p.variant_name = "Standard";
            p.price = core::money::usd_cents(500);
            product_ = postgresql::product_repository(s, clock_).insert(p);
        });
    }
    template <class Work>
    void in_tx(Work work) {
        db_.serializable([&](postgresql::session& s) {
            postgresql::order_repository repo(s, clock_);
            work(repo);
        });
    }
    core::order place(core::user_id who, std::string reference, std::int64_t cents, core::order_metadata metadata = {}) {
        core::order out;
        in_tx([&](postgresql::order_repository& repo) {
            core::order_draft d;
            d.customer = who;
            d.product = product_;
            d.list_price = core::money::usd_cents(cents);
            d.price_paid = core::money::usd_cents(cents);
            d.reference = reference;
            d.metadata = std::move(metadata);
            out = repo.insert(d);
        });
        return out;
    }
};

TEST_F(PostgresOrdersTest, AnOrderReadsBackWithItsMetadataAndAReferenceIsUsedOnce) {
    const auto placed = place(alice, "AC-20260528-AAAAAA", 500, {{"product_name", "Indie - Standard"}, {"note", "say \"hi\" \\o/"}});
    in_tx([&](postgresql::order_repository& repo) {
        const auto found = repo.find_by_reference("AC-20260528-AAAAAA");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->id, placed.id);
        EXPECT_EQ(found->customer, alice);
        EXPECT_EQ(found->status, core::order_status::paid);
        EXPECT_EQ(found->source, core::order_source::wallet);
        EXPECT_EQ(found->metadata, placed.metadata) << "quotes and backslashes survive";
        EXPECT_EQ(found->created_at, clock_.at);
        EXPECT_EQ(found->refunded, core::money::usd_cents(0));
        EXPECT_FALSE(repo.find(core::order_id{placed.id.value + 100}));
    });
    try {
        place(bob, "AC-20260528-AAAAAA", 700);
        FAIL() << "a reference is used once";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("is in use"), std::string::npos) << e.what();
    }
}

TEST_F(PostgresOrdersTest, OfTwoSessionsMovingAnOrderOneWinsAndDeliveryRefundsAndWarrantyAreKept) {
    const auto o = place(alice, "AC-20260528-BBBBBB", 500);
    std::atomic<int> moved{0};
    std::thread a([&] { in_tx([&](postgresql::order_repository& r) { moved += r.set_status(o.id, core::order_status::paid, core::order_status::delivered) ? 1 : 0; }); });
    std::thread b([&] { in_tx([&](postgresql::order_repository& r) { moved += r.set_status(o.id, core::order_status::paid, core::order_status::cancelled) ? 1 : 0; }); });
    a.join();
    b.join();
    EXPECT_EQ(moved.load(), 1) << "compare-and-set: the second finds it no longer paid";
    in_tx([&](postgresql::order_repository& repo) {
        repo.set_delivery(o.id, "KEY-1", clock_.at, clock_.at + 30 * 24h);
        repo.renew_warranty(o.id, clock_.at + 60 * 24h, clock_.at + 1h);
        repo.add_refunded(o.id, core::money::usd_cents(200), core::order_status::partially_refunded);
    });
    in_tx([&](postgresql::order_repository& repo) {
        const auto found = repo.find(o.id);
        EXPECT_EQ(found->status, core::order_status::partially_refunded);
        EXPECT_EQ(found->delivery, "KEY-1");
        EXPECT_EQ(found->delivered_at, clock_.at);
        EXPECT_EQ(found->warranty_expires_at, clock_.at + 60 * 24h);
        EXPECT_EQ(found->renewals, 1);
        EXPECT_EQ(found->refunded, core::money::usd_cents(200));
    });
}

TEST_F(PostgresOrdersTest, ListsPageAndTheSalesFiguresCountPaidOrdersByUtcDay) {
    const auto day1 = place(alice, "AC-1", 500);
    clock_.at += 24h;
    place(alice, "AC-2", 700);
    const auto cancelled = place(bob, "AC-3", 900);
    in_tx([&](postgresql::order_repository& r) { r.set_status(cancelled.id, core::order_status::paid, core::order_status::cancelled); });
    place(bob, "AC-4", 300);
    in_tx([&](postgresql::order_repository& repo) {
        const auto mine = repo.list_for(alice, 1, std::nullopt);
        ASSERT_EQ(mine.size(), 1U);
        EXPECT_EQ(mine[0].reference, "AC-2") << "newest first";
        EXPECT_EQ(repo.list_for(alice, 5, mine[0].id).at(0).reference, "AC-1");
        EXPECT_EQ(repo.order_times_since(alice, day1.created_at, 10).size(), 1U);
        EXPECT_EQ(repo.list_between(day1.created_at, clock_.at + 1ms, std::nullopt, 10).size(), 4U);

        const auto f = repo.sales(day1.created_at, clock_.at + 24h, 5);
        EXPECT_EQ(f.orders, 3) << "the cancelled order does not count";
        EXPECT_EQ(f.revenue_minor, 1500);
        ASSERT_EQ(f.revenue_by_day.size(), 2U);
        EXPECT_EQ(f.revenue_by_day[0].second, 500);
        EXPECT_EQ(f.revenue_by_day[1].second, 1000);
        EXPECT_EQ(f.revenue_by_day[1].first - f.revenue_by_day[0].first, 1);
        ASSERT_EQ(f.top_products.size(), 1U);
        EXPECT_EQ(f.top_products[0].orders, 3);
        EXPECT_EQ(f.new_customers, 2);
        EXPECT_EQ(repo.sales(clock_.at, clock_.at + 24h, 5).new_customers, 1) << "alice bought first the day before";
    });
}

}  // namespace

namespace {

TEST_F(PostgresOrdersTest, ARefundRequestIsOnePerOrderAtATimeAndDecidedOnce) {
    const auto o = place(alice, "AC-20260528-CCCCCC", 500);
    core::refund asked;
    db_.serializable([&](postgresql::session& s) {
        postgresql::refund_repository refunds(s, clock_);
        asked = refunds.insert_refund({{}, o.id, alice, core::refund_status::requested, core::money::usd_cents(500), "wrong edition"});
    });
    EXPECT_THROW(db_.serializable([&](postgresql::session& s) {
        postgresql::refund_repository(s, clock_).insert_refund({{}, o.id, alice, core::refund_status::requested, core::money::usd_cents(100), "again"});
    }),
                 ports::store_error)
        << "one request awaiting a decision per order";
    int decided = 0;
    db_.serializable([&](postgresql::session& s) {
        postgresql::refund_repository refunds(s, clock_);
        EXPECT_EQ(refunds.pending_for(o.id)->id, asked.id);
        EXPECT_EQ(refunds.list_pending(5).size(), 1U);
        EXPECT_EQ(refunds.request_times_since(alice, clock_.at - 1s, 5).size(), 1U);
        auto approved = asked;
        approved.status = core::refund_status::approved;
        approved.staff = core::user_id{900000000000000009};
        approved.fee = core::money::usd_cents(50);
        approved.decided_at = clock_.at + 1h;
        decided += refunds.decide(approved) ? 1 : 0;
        approved.status = core::refund_status::rejected;
        decided += refunds.decide(approved) ? 1 : 0;  // decided already
    });
    EXPECT_EQ(decided, 1);
    db_.serializable([&](postgresql::session& s) {
        postgresql::refund_repository refunds(s, clock_);
        const auto found = refunds.find_refund(asked.id);
        EXPECT_EQ(found->status, core::refund_status::approved);
        EXPECT_EQ(found->fee, core::money::usd_cents(50));
        EXPECT_EQ(found->reason, "wrong edition");
        EXPECT_FALSE(refunds.pending_for(o.id));
        // The approved refund counts in the figures of the hour it was decided.
        const auto f = postgresql::order_repository(s, clock_).sales(clock_.at, clock_.at + 2h, 5);
        EXPECT_EQ(f.refunds, 1);
        EXPECT_EQ(f.refunded_minor, 500);
    });
}

}  // namespace

namespace {

TEST_F(PostgresOrdersTest, PromoCodesMatchCaseInsensitivelyCountRedemptionsAndOnlyUnusedOnesGo) {
    const auto o = place(alice, "AC-20260528-DDDDDD", 450);
    core::promo_code p;
    p.code = "SUMMER10";
    p.kind = core::promo_kind::percent;
    p.percent = 1000;
    p.min_spend = core::money::usd_cents(100);
    p.max_uses_per_user = 1;
    p.expires_at = clock_.at + 24h;
    p.products = {product_};
    p.main_categories = {"Games", "Video, \"Music\""};
    db_.serializable([&](postgresql::session& s) {
        postgresql::promo_repository promos(s, clock_);
        promos.upsert_promo(p);
        auto unused = p;
        unused.code = "unused";
        unused.products.clear();
        unused.main_categories.clear();
        promos.upsert_promo(unused);
        auto off = p;
        off.code = "Summer10";  // the same code in other letters: replaces it
        off.active = false;
        promos.upsert_promo(off);
        promos.record_redemption("summer10", alice, o.id, core::money::usd_cents(50));
    });
    db_.serializable([&](postgresql::session& s) {
        postgresql::promo_repository promos(s, clock_);
        const auto found = promos.find_promo("sUmMeR10");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->code, "SUMMER10") << "the stored spelling stays";
        EXPECT_FALSE(found->active);
        EXPECT_EQ(found->percent, 1000);
        EXPECT_EQ(found->expires_at, clock_.at + 24h);
        EXPECT_EQ(found->max_uses_per_user, 1);
        EXPECT_FALSE(found->max_uses_total);
        EXPECT_EQ(found->products, std::vector<core::product_id>{product_});
        EXPECT_EQ(found->main_categories, p.main_categories);
        EXPECT_EQ(promos.list_promos(10).size(), 2U);
        const auto mine = promos.usage("SUMMER10", alice);
        EXPECT_EQ(mine.total, 1);
        EXPECT_EQ(mine.by_this_user, 1);
        EXPECT_EQ(promos.usage("summer10", bob).by_this_user, 0);
        EXPECT_FALSE(promos.delete_unused_promo("summer10")) << "redeemed: deactivate it instead";
        EXPECT_TRUE(promos.delete_unused_promo("UNUSED"));
        EXPECT_FALSE(promos.find_promo("unused"));
    });
}

}  // namespace

namespace {

TEST_F(PostgresOrdersTest, ConcurrentBuyersGetDifferentKeysAndAKeyGoesBackToTheShelfClean) {
    db_.serializable([&](postgresql::session& s) {
        postgresql::license_key_repository keys(s, clock_);
        for (int i = 0; i < 5; ++i) EXPECT_TRUE(keys.insert_key(product_, "KEY-" + std::to_string(i) + "-100%"));
        EXPECT_FALSE(keys.insert_key(product_, "KEY-0-100%")) << "a key text exists once";
        EXPECT_TRUE(keys.key_exists("KEY-3-100%"));
    });
    std::vector<core::order> orders;
    for (int i = 0; i < 8; ++i) orders.push_back(place(alice, "AC-K" + std::to_string(i), 500));
    std::mutex mutex;
    std::set<std::string> delivered;
    std::atomic<int> none{0};
    std::vector<std::thread> buyers;
    for (int i = 0; i < 8; ++i) {
        buyers.emplace_back([&, i] {
            std::optional<core::license_key> got;
            db_.serializable([&](postgresql::session& s) {
                got = postgresql::license_key_repository(s, clock_).take_available(product_, core::license_key_status::used, orders[i].id,
                                                                                     alice, std::nullopt);
            });
            const std::lock_guard lock(mutex);
            if (got) delivered.insert(got->key);
            else ++none;
        });
    }
    for (auto& t : buyers) t.join();
    EXPECT_EQ(delivered.size(), 5U) << "five keys, five buyers served, never the same key twice";
    EXPECT_EQ(none.load(), 3);
    db_.serializable([&](postgresql::session& s) {
        postgresql::license_key_repository keys(s, clock_);
        const auto stats = keys.key_stats();
        EXPECT_EQ(stats.at(product_).at(core::license_key_status::used), 5);
        std::optional<core::license_key> first;
        for (const auto& o : orders) {
            if (auto k = keys.key_for_order(o.id)) {
                first = k;
                break;
            }
        }
        ASSERT_TRUE(first);
        EXPECT_EQ(first->customer, alice);
        EXPECT_TRUE(keys.move_key(first->id, core::license_key_status::used, core::license_key_status::available, first->order, alice));
        EXPECT_FALSE(keys.move_key(first->id, core::license_key_status::used, core::license_key_status::available, std::nullopt, std::nullopt));
        const auto back = keys.find_key_by_id(first->id);
        EXPECT_EQ(back->status, core::license_key_status::available);
        EXPECT_FALSE(back->order);
        EXPECT_FALSE(back->customer);
        EXPECT_EQ(keys.search_keys("100%", product_, std::nullopt, 10).size(), 5U) << "% is a character";
        EXPECT_EQ(keys.search_keys("", std::nullopt, core::license_key_status::available, 10).size(), 1U);
        EXPECT_TRUE(keys.search_keys("KEY-_", std::nullopt, std::nullopt, 10).empty());
    });
}

}  // namespace

namespace {

TEST_F(PostgresOrdersTest, APaymentSessionIsOneLivePerOrderMovesByCompareAndSetAndItsTrailIsInsertOnly) {
    const auto o = place(alice, "AC-20260528-EEEEEE", 1500);
    core::payment_session opened;
    db_.serializable([&](postgresql::session& s) {
        postgresql::payment_session_repository sessions(s, clock_);
        core::payment_session in;
        in.order = o.id;
        in.customer = alice;
        in.method = "PayPal";
        in.expires_at = clock_.at + 1h;
        opened = sessions.insert_session(in);
        sessions.audit({opened.id, std::nullopt, core::payment_session_status::open, alice, "opened", {}});
    });
    EXPECT_THROW(db_.serializable([&](postgresql::session& s) {
        core::payment_session again = opened;
        postgresql::payment_session_repository(s, clock_).insert_session(again);
    }),
                 ports::store_error)
        << "one live session per order";
    db_.serializable([&](postgresql::session& s) {
        postgresql::payment_session_repository sessions(s, clock_);
        auto submitted = *sessions.live_for(o.id);
        submitted.status = core::payment_session_status::submitted;
        submitted.transaction_id = "TX-1";
        submitted.proof_url = "https://example.com/proof.png";
        EXPECT_TRUE(sessions.update_session(submitted, core::payment_session_status::open));
        EXPECT_FALSE(sessions.update_session(submitted, core::payment_session_status::open)) << "not open any more";
        sessions.audit({opened.id, core::payment_session_status::open, core::payment_session_status::submitted, alice, "proof", {}});
        EXPECT_EQ(sessions.list_submitted(5).size(), 1U);
        EXPECT_TRUE(sessions.expired_open(clock_.at + 2h, 5).empty()) << "submitted, not open";
        const auto trail = sessions.audit_trail(opened.id);
        ASSERT_EQ(trail.size(), 2U);
        EXPECT_FALSE(trail[0].from);
        EXPECT_EQ(trail[1].to, core::payment_session_status::submitted);
        EXPECT_EQ(sessions.find_session(opened.id)->transaction_id, "TX-1");
    });
    std::string refused;
    try {
        db_.with([](postgresql::session& s) { s.exec_script("UPDATE payment_session_events SET note = 'edited'"); });
    } catch (const postgresql::database_error& e) {
        refused = e.sqlstate();
    }
    EXPECT_EQ(refused, "23001") << "the audit trail is insert-only";
    db_.with([](postgresql::session& s) {
        EXPECT_EQ(s.exec("UPDATE payment_session_events SET note = ''").affected(), 2) << "but a note may be blanked, for an erasure";
    });
    refused.clear();
    try {
        db_.with([](postgresql::session& s) { s.exec_script("DELETE FROM payment_session_events"); });
    } catch (const postgresql::database_error& e) {
        refused = e.sqlstate();
    }
    EXPECT_EQ(refused, "23001");
}

}  // namespace
