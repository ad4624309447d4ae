// The money limits of money.hpp (amount_minor_max) as properties over random amounts, and the
// regressions that motivated them: format/parse round trips at every magnitude, exponents that
// once divided by zero, "- 5" and "-0", fees and quotes above the limit.
#include <apexcore/core/money.hpp>

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/order_reference.hpp>
#include <apexcore/core/pricing.hpp>
#include <apexcore/core/refund.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace {

namespace core = apexcore::core;
using core::amount_minor_max;
using core::money;
using core::money_error;

constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();

/// Random amounts spread over every magnitude (uniform digits count, then uniform value).
class amount_source {
public:
    explicit amount_source(std::uint64_t seed) : rng_(seed) {}
    std::int64_t any() {
        const int digits = std::uniform_int_distribution<int>(0, 18)(rng_);
        std::int64_t top = 1;
        for (int i = 0; i < digits; ++i) top *= 10;
        const std::int64_t v = std::uniform_int_distribution<std::int64_t>(0, top)(rng_);
        return std::bernoulli_distribution(0.3)(rng_) ? -v : v;
    }
    std::int64_t within() { return any() % (amount_minor_max + 1); }

private:
    std::mt19937_64 rng_;
};

TEST(MoneyLimitsTest, FormatThenParseRoundTripsWithinTheLimitAndRefusesBeyond) {
    amount_source amounts(20261129);
    for (const auto& cur : core::known_currencies) {
        for (int i = 0; i < 20000; ++i) {
            const std::int64_t v = amounts.any();
            const auto parsed = core::parse_money(core::format_money(money{v, cur}), cur);
            if (core::within_amount_limit(v)) {
                ASSERT_TRUE(parsed.ok()) << v << " " << core::format_money(money{v, cur});
                ASSERT_EQ(parsed->minor_units(), v);
            } else {
                ASSERT_FALSE(parsed.ok()) << v;
                ASSERT_EQ(parsed.error(), money_error::overflow) << v;
            }
        }
    }
}

TEST(MoneyLimitsTest, ExtremesFormatExactly) {
    EXPECT_EQ(core::format_money(money::usd_cents(int64_min)), "-$92233720368547758.08");
    EXPECT_EQ(core::format_money(money::usd_cents(int64_max)), "$92233720368547758.07");
    EXPECT_EQ(core::parse_money(core::format_money(money::usd_cents(int64_min)), core::usd).error(),
              money_error::overflow);
}

TEST(MoneyLimitsTest, OddExponentsNeverDivideByZero) {
    // Once: exponent 20 printed a wrong value and 64 divided by zero (10^64 wrapped to 0).
    for (int exponent : {-3, 0, 4, 5, 19, 20, 64, 1000}) {
        const core::currency odd{{'X', 'X', 'X'}, exponent, "X"};
        const std::string text = core::format_money(money{123456, odd});
        EXPECT_FALSE(text.empty()) << exponent;
        if (exponent >= core::currency_exponent_max) {
            EXPECT_EQ(text, "X12.3456") << exponent;
        }
        if (exponent <= 0) {
            EXPECT_EQ(text, "X123456") << exponent;
        }
        const bool valid = exponent >= 0 && exponent <= core::currency_exponent_max;
        EXPECT_EQ(core::parse_money("1", odd).ok(), valid) << exponent;
    }
}

TEST(MoneyLimitsTest, SignMustTouchItsNumberAndZeroHasNoSign) {
    EXPECT_EQ(core::parse_money("- 5", core::usd).error(), money_error::malformed);
    EXPECT_EQ(core::parse_money("-\t5", core::usd).error(), money_error::malformed);
    EXPECT_EQ(core::parse_money("-0", core::usd).error(), money_error::malformed);
    EXPECT_EQ(core::parse_money("-$0.00", core::usd).error(), money_error::malformed);
    EXPECT_EQ(core::parse_money("-5", core::usd)->minor_units(), -500);
    EXPECT_EQ(core::parse_money(std::string(65, '1'), core::usd).error(), money_error::malformed);
}

TEST(MoneyLimitsTest, AdditionWithinTheLimitNeverOverflowsAndLeavingItIsAnError) {
    amount_source amounts(7);
    for (int i = 0; i < 100000; ++i) {
        const std::int64_t a = amounts.within();
        const std::int64_t b = amounts.within();
        const auto sum = money::usd_cents(a).plus(money::usd_cents(b));
        const std::int64_t exact = a + b;  // cannot overflow: static_assert in money.hpp
        ASSERT_EQ(sum.ok(), core::within_amount_limit(exact)) << a << " + " << b;
        if (sum.ok()) {
            ASSERT_EQ(sum->minor_units(), exact);
        }
    }
    EXPECT_FALSE(core::checked_add(int64_max, 1).has_value());
    EXPECT_FALSE(core::checked_mul(int64_min, -1).has_value());
    EXPECT_EQ(core::checked_mul(amount_minor_max, 10000), amount_minor_max * 10000);
}

TEST(MoneyLimitsTest, DiscountAndFeeAreExactForEveryAmountWithinTheLimit) {
    amount_source amounts(11);
    core::refund_policy policy;
    policy.max_days = 14;
    for (int i = 0; i < 100000; ++i) {
        const std::int64_t a = std::abs(amounts.within());
        const auto bp = static_cast<core::basis_points>(i % 10001);
        const auto discounted = core::apply_discount(money::usd_cents(a), bp);
        ASSERT_TRUE(discounted.ok()) << a;
        ASSERT_GE(discounted->minor_units(), 0);
        ASSERT_LE(discounted->minor_units(), a);
        policy.fee_percent = i % 101;
        const auto fee = core::refund_fee(policy, money::usd_cents(a));
        ASSERT_TRUE(fee.ok()) << a;
        ASSERT_LE(fee->minor_units(), a);
    }
    EXPECT_EQ(core::apply_discount(money::usd_cents(amount_minor_max + 1), 0).error(), money_error::overflow);
    policy.fee_percent = 100;
    EXPECT_EQ(core::refund_fee(policy, money::usd_cents(int64_max)).error(), money_error::overflow);
    EXPECT_EQ(core::refund_fee(policy, money::usd_cents(-1)).error(), money_error::negative);
    policy.fee_percent = 101;
    EXPECT_EQ(core::refund_fee(policy, money::usd_cents(1)).error(), money_error::out_of_range);
}

TEST(MoneyLimitsTest, AQuoteAboveTheLimitIsAmountTooLargeNotAPromoProblem) {
    // Once: a price above ~9.2e14 failed as "promo code not active" with no promo code given.
    core::product p;
    p.price = money::usd_cents(amount_minor_max + 1);
    const auto quote = core::quote_price(p, 500, nullptr, {}, {});
    ASSERT_FALSE(quote.ok());
    EXPECT_EQ(quote.error(), core::promo_rejection::amount_too_large);
    p.price = money::usd_cents(amount_minor_max);
    EXPECT_TRUE(core::quote_price(p, 500, nullptr, {}, {}).ok());
    p.price = money::usd_cents(amount_minor_max + 1);
    p.main_category = p.sub_category = p.service_name = p.variant_name = "x";
    EXPECT_EQ(core::validate(p), core::product_error::price_too_large);
}

TEST(OrderReferenceLimitsTest, OnlyRealCalendarDays) {
    EXPECT_TRUE(core::normalize_order_reference("AC-20240229-ABCDEF").has_value());
    for (const char* bad : {"AC-00000231-ABCDEF", "AC-20230229-ABCDEF", "AC-20240431-ABCDEF", "AC-19991231-ABCDEF",
                            "AC-20241300-ABCDEF", "AC-20240100-ABCDEF"}) {
        EXPECT_FALSE(core::normalize_order_reference(bad).has_value()) << bad;
    }
}

}  // namespace
