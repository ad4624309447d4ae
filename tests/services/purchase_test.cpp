// Wallet purchases with VIP tiers, promo codes, stock and license keys: every rule and rejection,
// and concurrent buyers of the last unit / last key.
#include "commerce_fixture.hpp"

#include <thread>

namespace apexcore::test_support {
namespace {

using core::rejection;

TEST_F(CommerceTest, FirstPurchaseGrantsClientAndSpendTiersFollowLifetimeSpend) {
    const auto p = product(6000);
    fund(alice, 100000);
    auto first = buy(alice, p);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->order.price_paid.minor_units(), 6000);  // no tier before the first purchase
    EXPECT_EQ(first->role_changes.grant, (std::vector<core::role_id>{client_role, vip_role}));
    auto second = buy(alice, p);  // VIP (150 bp): 6000 -> 5910
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->order.price_paid.minor_units(), 5910);
    EXPECT_EQ(second->order.discount, 150);
    EXPECT_EQ(second->role_changes.grant, (std::vector<core::role_id>{elite_role}));
    EXPECT_EQ(second->role_changes.revoke, (std::vector<core::role_id>{vip_role}));
    const auto profile = members_.profile(alice);
    EXPECT_EQ(profile.lifetime_spend_minor, 11910);
    EXPECT_EQ(profile.completed_purchases, 2);
    EXPECT_EQ(profile.held_roles, (std::set<core::role_id>{client_role, elite_role}));
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 100000 - 11910);
}

TEST_F(CommerceTest, DepositsAreNotLifetimeSpend) {
    fund(alice, 500000);
    EXPECT_EQ(members_.profile(alice).lifetime_spend_minor, 0);
    EXPECT_TRUE(members_.profile(alice).held_roles.empty());
}

TEST_F(CommerceTest, MemberRolesFromTheChatPlatformCountForTheDiscount) {
    const auto p = product(10000);
    fund(alice, 20000);
    services::purchase_request r{alice, p.id, std::nullopt};
    r.member_roles = {legendary_donor_role};  // manual tier given on Discord: 150 bp
    auto receipt = wallet_.purchase(r);
    ASSERT_TRUE(receipt.ok());
    EXPECT_EQ(receipt->order.price_paid.minor_units(), 9850);
}

TEST_F(CommerceTest, ManualRolesAreStaffOnlyAndAllRanksFollows) {
    EXPECT_EQ(members_.set_manual_role(not_staff, alice, donor_role, true).error(), rejection::not_staff);
    EXPECT_EQ(members_.set_manual_role(staff, alice, vip_role, true).error(), rejection::forbidden_transition);
    const auto p = product(100000);
    fund(alice, 200000);
    ASSERT_TRUE(buy(alice, p).ok());  // Client + Sovereign
    ASSERT_TRUE(members_.set_manual_role(staff, alice, donor_role, true).ok());
    ASSERT_TRUE(members_.set_manual_role(staff, alice, legendary_donor_role, true).ok());
    auto last = members_.set_manual_role(staff, alice, insider_role, true);
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(last->grant, (std::vector<core::role_id>{insider_role, zenith_role}));
    auto off = members_.set_manual_role(staff, alice, insider_role, false);
    ASSERT_TRUE(off.ok());
    EXPECT_EQ(off->revoke, (std::vector<core::role_id>{insider_role, zenith_role}));
}

TEST_F(CommerceTest, InsufficientFundsWritesNothing) {
    const auto p = product(5000);
    fund(alice, 4999);
    EXPECT_EQ(buy(alice, p).error(), rejection::insufficient_funds);
    EXPECT_EQ(count("orders"), 0);
    EXPECT_EQ(count("customers"), 0);
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 4999);
}

TEST_F(CommerceTest, PromoCodesApplyAfterTheRoleDiscountAndAreRedeemedOnce) {
    const auto p = product(10000);
    core::promo_code code;
    code.code = "WELCOME10";
    code.percent = 1000;
    code.max_uses_per_user = 1;
    code.min_spend = core::money::usd_cents(0);
    EXPECT_EQ(promos_.upsert(not_staff, code).error(), rejection::not_staff);
    ASSERT_TRUE(promos_.upsert(staff, code).ok());
    fund(alice, 100000);
    auto r = buy(alice, p, "welcome10");  // case-insensitive
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->order.price_paid.minor_units(), 9000);
    EXPECT_EQ(r->order.promo_code, std::optional<std::string>("WELCOME10"));
    EXPECT_EQ(r->quote.promo_discount.minor_units(), 1000);
    EXPECT_EQ(buy(alice, p, "WELCOME10").error(), rejection::promo_exhausted_for_user);
    EXPECT_EQ(buy(alice, p, "NOPE").error(), rejection::unknown_promo_code);
    EXPECT_EQ(promos_.find("welcome10", alice)->second.by_this_user, 1);
}

TEST_F(CommerceTest, PromoRulesRejectWithTheirReason) {
    const auto cheap = product(1000, "cheap");
    const auto other = product(1000, "other", [](core::product& p) { p.main_category = "Music"; });
    fund(alice, 100000);
    fund(bob, 100000);
    auto define = [&](const std::string& name, auto edit) {
        core::promo_code c;
        c.code = name;
        c.kind = core::promo_kind::fixed;
        c.fixed_amount = core::money::usd_cents(300);
        edit(c);
        ASSERT_TRUE(promos_.upsert(staff, c).ok()) << name;
    };
    define("OFF", [](core::promo_code& c) { c.active = false; });
    define("OLD", [&](core::promo_code& c) { c.expires_at = clock_.now(); });
    define("ONCE", [](core::promo_code& c) { c.max_uses_total = 1; });
    define("BIG", [](core::promo_code& c) { c.min_spend = core::money::usd_cents(5000); });
    define("STREAM", [](core::promo_code& c) { c.main_categories = {"Streaming"}; });
    EXPECT_EQ(buy(alice, cheap, "OFF").error(), rejection::promo_inactive);
    EXPECT_EQ(buy(alice, cheap, "OLD").error(), rejection::promo_expired);
    ASSERT_TRUE(buy(alice, cheap, "ONCE").ok());
    EXPECT_EQ(buy(bob, cheap, "ONCE").error(), rejection::promo_exhausted);
    EXPECT_EQ(buy(alice, cheap, "BIG").error(), rejection::promo_below_minimum_spend);
    EXPECT_EQ(buy(alice, other, "STREAM").error(), rejection::promo_not_applicable);
    auto ok = buy(alice, cheap, "STREAM");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->order.price_paid.minor_units(), 700);
    // A fixed code larger than the price makes it free, never negative: no ledger row then.
    define("HUGE", [](core::promo_code& c) { c.fixed_amount = core::money::usd_cents(999999); });
    auto free = buy(alice, cheap, "HUGE");
    ASSERT_TRUE(free.ok());
    EXPECT_EQ(free->order.price_paid.minor_units(), 0);
    EXPECT_TRUE(free->debit.id.empty());
    EXPECT_TRUE(store_->reconcile().ok());
}

TEST_F(CommerceTest, InvalidPromoDefinitionsAreRefused) {
    core::promo_code c;
    c.code = "BAD CODE";
    c.percent = 500;
    EXPECT_EQ(promos_.upsert(staff, c).error(), rejection::invalid_text);
    c.code = "GOOD";
    c.percent = 10001;
    EXPECT_EQ(promos_.upsert(staff, c).error(), rejection::invalid_text);
    EXPECT_EQ(services::validate_promo(c, core::usd), services::promo_definition_error::bad_percent);
    c.percent = 100;
    c.max_uses_total = 0;
    EXPECT_EQ(services::validate_promo(c, core::usd), services::promo_definition_error::bad_limits);
}

TEST_F(CommerceTest, APromoBuiltWithTheDefaultsIsValidInAnyShopCurrency) {
    // issue 9 §5: the default min_spend (zero) used to carry USD and made every EUR code invalid.
    const core::currency eur{{'E', 'U', 'R'}, 2, "€"};
    core::promo_code c;
    c.code = "WELCOME";
    c.percent = 500;
    EXPECT_EQ(services::validate_promo(c, eur), std::nullopt);
    c.min_spend = core::money(1000, core::usd);
    EXPECT_EQ(services::validate_promo(c, eur), services::promo_definition_error::bad_limits) << "a real minimum in another currency";
    c.min_spend = core::money(1000, eur);
    EXPECT_EQ(services::validate_promo(c, eur), std::nullopt);
}

TEST_F(CommerceTest, CountedStockDecrementsReportsThresholdsAndRunsOut) {
    const auto p = product(100, "stocked", [](core::product& x) {
        x.stock = 3;
        x.low_stock_threshold = 2;
        x.critical_stock_threshold = 1;
    });
    fund(alice, 10000);
    auto first = buy(alice, p);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->stock_events, (std::vector<core::stock_event>{{p.id, core::stock_event_kind::low, 2}}));
    auto second = buy(alice, p);
    EXPECT_EQ(second->stock_events, (std::vector<core::stock_event>{{p.id, core::stock_event_kind::critical, 1}}));
    auto third = buy(alice, p);
    EXPECT_EQ(third->stock_events, (std::vector<core::stock_event>{{p.id, core::stock_event_kind::out_of_stock, 0}}));
    EXPECT_EQ(buy(alice, p).error(), rejection::out_of_stock);
    EXPECT_EQ(count("orders"), 3);
    EXPECT_EQ(catalog_.restock(not_staff, p.id, 5).error(), rejection::not_staff);
    EXPECT_EQ(catalog_.restock(staff, p.id, 0).error(), rejection::invalid_amount);
    auto restocked = catalog_.restock(staff, p.id, 5);
    ASSERT_TRUE(restocked.ok());
    EXPECT_EQ(*restocked, (std::vector<core::stock_event>{{p.id, core::stock_event_kind::restocked, 5}}));
    EXPECT_TRUE(buy(alice, p).ok());
}

TEST_F(CommerceTest, ManyBuyersOfTheLastUnitExactlyOneWins) {
    const auto p = product(100, "last unit", [](core::product& x) { x.stock = 1; });
    constexpr int buyers = 16;
    for (int i = 0; i < buyers; ++i) fund(core::user_id{500 + static_cast<std::uint64_t>(i)}, 1000);
    std::atomic<int> wins{0}, sold_out{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < buyers; ++i) {
        threads.emplace_back([&, i] {
            auto r = buy(core::user_id{500 + static_cast<std::uint64_t>(i)}, p);
            if (r.ok()) ++wins;
            else if (r.error() == rejection::out_of_stock) ++sold_out;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(sold_out.load(), buyers - 1);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(0));
    EXPECT_EQ(count("orders"), 1);
    EXPECT_TRUE(store_->reconcile().ok());
}

TEST_F(CommerceTest, KeyProductsDeliverAKeyAndNeverTheSameOneTwice) {
    const auto p = product(100, "key", [](core::product& x) { x.deliverables = {{core::deliverable_kind::key, ""}}; });
    const std::string key1(32, 'A'), key2(32, 'B');
    ASSERT_EQ(keys_.import_keys(staff, p.id, key1 + "\n" + key2 + "\n")->added, 2U);
    fund(alice, 1000);
    auto a = buy(alice, p);
    auto b = buy(alice, p);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->license_key, std::optional<std::string>(key1));
    EXPECT_EQ(b->license_key, std::optional<std::string>(key2));
    EXPECT_EQ(a->order.status, core::order_status::delivered);
    EXPECT_EQ(a->order.delivery, key1);
    EXPECT_EQ(buy(alice, p).error(), rejection::no_license_key_available);
    EXPECT_EQ(count("orders"), 2);  // the rejected attempt left no order behind
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 800);
}

TEST_F(CommerceTest, ManyBuyersOfTheLastKeyExactlyOneWins) {
    const auto p = product(100, "last key", [](core::product& x) { x.deliverables = {{core::deliverable_kind::key, ""}}; });
    ASSERT_EQ(keys_.import_keys(staff, p.id, std::string(32, 'Z'))->added, 1U);
    constexpr int buyers = 16;
    for (int i = 0; i < buyers; ++i) fund(core::user_id{700 + static_cast<std::uint64_t>(i)}, 1000);
    std::atomic<int> wins{0}, none{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < buyers; ++i) {
        threads.emplace_back([&, i] {
            auto r = buy(core::user_id{700 + static_cast<std::uint64_t>(i)}, p);
            if (r.ok()) ++wins;
            else if (r.error() == rejection::no_license_key_available) ++none;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(none.load(), buyers - 1);
    std::int64_t purchase_rows = 0;  // through the port: the same check on every store
    store_->read([&](ports::unit_of_work& uow) {
        for (int i = 0; i < buyers; ++i) {
            for (const auto& e : uow.wallet().history(core::user_id{700 + static_cast<std::uint64_t>(i)}, 10, std::nullopt)) {
                if (e.type == core::ledger_entry_type::purchase) ++purchase_rows;
            }
        }
    });
    EXPECT_EQ(purchase_rows, 1);
}

TEST_F(CommerceTest, PayloadProductsAreDeliveredWithAWarranty) {
    const auto p = product(100, "payload", [](core::product& x) {
        x.delivery_payload = "Login: demo / demo";
        x.duration_days = 30;
    });
    fund(alice, 1000);
    auto r = buy(alice, p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->order.status, core::order_status::delivered);
    EXPECT_EQ(r->order.delivery, "Login: demo / demo");
    EXPECT_EQ(r->order.warranty_expires_at, clock_.now() + std::chrono::hours(24 * 30));
    EXPECT_EQ(r->order.metadata.at("product_name"), "Flix - payload");
}

TEST_F(CommerceTest, ReplayedPurchaseReturnsTheFirstReceipt) {
    const auto p = product(250);
    fund(alice, 1000);
    services::purchase_request r{alice, p.id, std::nullopt, "interaction:42"};
    auto first = wallet_.purchase(r);
    auto again = wallet_.purchase(r);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->order.id, first->order.id);
    EXPECT_EQ(again->order.reference, first->order.reference);
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 750);
    r.promo_code = "OTHER";
    EXPECT_EQ(wallet_.purchase(r).error(), rejection::idempotency_conflict);
}

TEST_F(CommerceTest, OverLongOrInvalidInputIsRejectedCleanly) {
    const auto p = product(250);
    fund(alice, 1000);
    services::purchase_request r{alice, p.id, std::nullopt, std::string(101, 'k')};
    EXPECT_EQ(wallet_.purchase(r).error(), rejection::invalid_idempotency_key);
    r.idempotency_key.clear();
    r.metadata = {{std::string(41, 'x'), "v"}};
    EXPECT_EQ(wallet_.purchase(r).error(), rejection::invalid_metadata);
    r.metadata.clear();
    r.promo_code = std::string(33, 'P');
    EXPECT_EQ(wallet_.purchase(r).error(), rejection::unknown_promo_code);
    EXPECT_EQ(wallet_.purchase({alice, core::product_id{9999}, std::nullopt}).error(), rejection::unknown_product);
    EXPECT_EQ(count("orders"), 0);
}

TEST_F(CommerceTest, BalanceOverflowIsRejected) {
    fund(alice, core::amount_minor_max - 10);
    auto r = wallet_.deposit({staff, alice, core::money::usd_cents(11), "too much"});
    EXPECT_EQ(r.error(), rejection::balance_overflow);
    EXPECT_EQ(wallet_.deposit({staff, alice, core::money::usd_cents(-5), "negative"}).error(), rejection::invalid_amount);
    EXPECT_EQ(wallet_.deposit({not_staff, alice, core::money::usd_cents(5), "x"}).error(), rejection::not_staff);
}

TEST_F(CommerceTest, HistoryPagesWithTicketLinks) {
    fund(alice, 100);
    services::staff_credit_request credit{staff, alice, core::money::usd_cents(50), "goodwill"};
    credit.ticket = core::channel_id{123456789012345678};
    auto entry = wallet_.staff_credit(credit);
    ASSERT_TRUE(entry.ok());
    auto page = wallet_.history(alice, 1);
    ASSERT_EQ(page.size(), 1U);
    EXPECT_EQ(page[0].ticket, credit.ticket);
    EXPECT_EQ(page[0].staff, std::optional<core::user_id>(staff_id));
    auto next = wallet_.history(alice, 10, page[0].id);
    ASSERT_EQ(next.size(), 1U);
    EXPECT_EQ(next[0].type, core::ledger_entry_type::deposit);
}

}  // namespace
}  // namespace apexcore::test_support

namespace apexcore::test_support {
namespace {

TEST_F(CommerceTest, AQuoteShowsThePriceAfterTheRoleDiscountAndChargesNothing) {
    const auto p = product(1000);
    fund(alice, 5000);
    services::purchase_request r{alice, p.id, p.price};
    r.member_roles = {legend_role};  // Apex Legend: 3.75 %
    const auto quoted = wallet_.quote(r);
    ASSERT_TRUE(quoted.ok()) << core::to_string(quoted.error());
    EXPECT_EQ(quoted->list_price.minor_units(), 1000);
    EXPECT_EQ(quoted->role_discount, 375);
    EXPECT_LT(quoted->final_price.minor_units(), 1000);
    EXPECT_EQ(quoted->final_price, quoted->after_role);
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 5000) << "nothing charged";
    EXPECT_EQ(count("orders"), 0);
    // The purchase charges exactly the quoted price.
    const auto bought = wallet_.purchase(r);
    ASSERT_TRUE(bought.ok());
    EXPECT_EQ(bought->order.price_paid, quoted->final_price);
    r.promo_code = "NOPE";
    EXPECT_EQ(wallet_.quote(r).error(), core::rejection::unknown_promo_code);
    r.promo_code.clear();
    r.expected_price = core::money::usd_cents(999);
    EXPECT_EQ(wallet_.quote(r).error(), core::rejection::price_changed);
}

}  // namespace
}  // namespace apexcore::test_support
