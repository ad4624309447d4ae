#include <apexcore/core/pricing.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::core;
using namespace std::chrono_literals;

const std::chrono::system_clock::time_point now{std::chrono::hours(500000)};

product item(std::int64_t cents, std::int64_t id = 1, std::string category = "Games") {
    return {product_id{id}, std::move(category), "Keys", "Indie", "Standard", money::usd_cents(cents), true};
}

promo_code percent(basis_points bp) {
    promo_code c;
    c.code = "SAVE";
    c.kind = promo_kind::percent;
    c.percent = bp;
    return c;
}

promo_code fixed(std::int64_t cents) {
    promo_code c;
    c.code = "FLAT";
    c.kind = promo_kind::fixed;
    c.fixed_amount = money::usd_cents(cents);
    return c;
}

std::int64_t final_cents(const product& p, basis_points role, const promo_code* promo, promo_usage usage = {}) {
    const auto q = quote_price(p, role, promo, usage, now);
    EXPECT_TRUE(q.ok());
    return q.ok() ? q->final_price.minor_units() : -1;
}

// docs/pricing.md, "Worked examples".
TEST(PricingTest, RoleDiscountThenPromoRoundedHalfUp) {
    EXPECT_EQ(final_cents(item(1234), 375, nullptr), 1188);
    const auto ten = percent(1000);
    EXPECT_EQ(final_cents(item(1234), 375, &ten), 1069);  // 1188 * 0.9 = 1069.2 -> 1069
    const auto five = percent(500);
    EXPECT_EQ(final_cents(item(30), 0, &five), 29);  // 28.5 rounds up
    const auto flat = fixed(500);
    EXPECT_EQ(final_cents(item(1234), 150, &flat), 1215 - 500);
    const auto huge = fixed(100000);
    EXPECT_EQ(final_cents(item(1234), 0, &huge), 0) << "never below zero";
    const auto all = percent(10000);
    EXPECT_EQ(final_cents(item(1234), 0, &all), 0);
}

TEST(PricingTest, QuoteShowsEveryStep) {
    const auto ten = percent(1000);
    const auto q = quote_price(item(10000), 500, &ten, {}, now);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->list_price.minor_units(), 10000);
    EXPECT_EQ(q->after_role.minor_units(), 9500);
    EXPECT_EQ(q->promo_discount.minor_units(), 950);
    EXPECT_EQ(q->final_price.minor_units(), 8550);
}

TEST(PricingTest, PromoValidityRules) {
    auto c = percent(1000);
    c.active = false;
    EXPECT_EQ(quote_price(item(100), 0, &c, {}, now).error(), promo_rejection::inactive);
    c = percent(1000);
    c.expires_at = now;
    EXPECT_EQ(quote_price(item(100), 0, &c, {}, now).error(), promo_rejection::expired);
    c.expires_at = now + 1s;
    EXPECT_TRUE(quote_price(item(100), 0, &c, {}, now).ok());
    c = percent(1000);
    c.max_uses_total = 5;
    EXPECT_EQ(quote_price(item(100), 0, &c, {5, 0}, now).error(), promo_rejection::exhausted);
    EXPECT_TRUE(quote_price(item(100), 0, &c, {4, 0}, now).ok());
    c = percent(1000);
    c.max_uses_per_user = 1;
    EXPECT_EQ(quote_price(item(100), 0, &c, {3, 1}, now).error(), promo_rejection::exhausted_for_user);
    c = percent(1000);
    c.min_spend = money::usd_cents(1000);
    EXPECT_EQ(quote_price(item(1010), 150, &c, {}, now).error(), promo_rejection::below_minimum_spend)
        << "the minimum applies after the role discount (1010 -> 995)";
    EXPECT_TRUE(quote_price(item(1010), 0, &c, {}, now).ok());
}

TEST(PricingTest, PromoScopeByProductOrCategory) {
    auto c = percent(1000);
    c.products = {product_id{7}};
    EXPECT_EQ(quote_price(item(100, 1), 0, &c, {}, now).error(), promo_rejection::not_applicable);
    EXPECT_TRUE(quote_price(item(100, 7), 0, &c, {}, now).ok());
    c.main_categories = {"Software"};
    EXPECT_TRUE(quote_price(item(100, 2, "Software"), 0, &c, {}, now).ok());
}

TEST(PricingTest, MisconfiguredCodesAreRefused) {
    const auto zero = percent(0);
    EXPECT_EQ(quote_price(item(100), 0, &zero, {}, now).error(), promo_rejection::invalid_code);
    const auto negative = fixed(-5);
    EXPECT_EQ(quote_price(item(100), 0, &negative, {}, now).error(), promo_rejection::invalid_code);
    auto euros = fixed(5);
    euros.fixed_amount = money{5, *find_currency("EUR")};
    EXPECT_EQ(quote_price(item(100), 0, &euros, {}, now).error(), promo_rejection::currency_mismatch);
    EXPECT_EQ(quote_price(item(100), 10001, nullptr, {}, now).error(), promo_rejection::invalid_code);
}

}  // namespace
