#include <apexcore/core/money.hpp>

#include <gtest/gtest.h>

#include <limits>

namespace {

using apexcore::core::apply_discount;
using apexcore::core::format_money;
using apexcore::core::money;
using apexcore::core::money_error;
using apexcore::core::parse_money;
using apexcore::core::usd;

constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();

std::int64_t cents(std::string_view text) {
    const auto m = parse_money(text, usd);
    EXPECT_TRUE(m.ok()) << text;
    return m.ok() ? m->minor_units() : -1;
}

money_error parse_error(std::string_view text) {
    const auto m = parse_money(text, usd);
    EXPECT_FALSE(m.ok()) << text << " parsed as " << (m.ok() ? m->minor_units() : 0);
    return m.ok() ? money_error::out_of_range : m.error();
}

TEST(MoneyParseTest, AcceptsSymbolCodeAndBareForms) {
    EXPECT_EQ(cents("$12.34"), 1234);
    EXPECT_EQ(cents("12.34"), 1234);
    EXPECT_EQ(cents("USD 12.34"), 1234);
    EXPECT_EQ(cents("12"), 1200);
    EXPECT_EQ(cents("12.5"), 1250);
    EXPECT_EQ(cents(".5"), 50);
    EXPECT_EQ(cents("  $0.01 "), 1);
    EXPECT_EQ(cents("-$3.00"), -300);
}

TEST(MoneyParseTest, RejectsMalformedText) {
    EXPECT_EQ(parse_error(""), money_error::malformed);
    EXPECT_EQ(parse_error("$"), money_error::malformed);
    EXPECT_EQ(parse_error("abc"), money_error::malformed);
    EXPECT_EQ(parse_error("1.2.3"), money_error::malformed);
    EXPECT_EQ(parse_error("12."), money_error::malformed);
    EXPECT_EQ(parse_error("1,000.00"), money_error::malformed);
    EXPECT_EQ(parse_error("1e3"), money_error::malformed);
    EXPECT_EQ(parse_error("+5"), money_error::malformed);
    EXPECT_EQ(parse_error("€5"), money_error::malformed);
}

TEST(MoneyParseTest, RejectsMoreDecimalsThanTheCurrencyHas) {
    EXPECT_EQ(parse_error("1.234"), money_error::too_many_decimals);
    const auto yen = apexcore::core::find_currency("JPY");
    ASSERT_TRUE(yen.has_value());
    EXPECT_FALSE(parse_money("1.5", *yen).ok());
    EXPECT_EQ(parse_money("1500", *yen)->minor_units(), 1500);
}

TEST(MoneyParseTest, OverflowIsAnErrorNotWraparound) {
    EXPECT_EQ(cents("1000000000000.00"), apexcore::core::amount_minor_max);
    EXPECT_EQ(parse_error("1000000000000.01"), money_error::overflow);
    EXPECT_EQ(parse_error("92233720368547758.07"), money_error::overflow);
    EXPECT_EQ(parse_error("92233720368547758.08"), money_error::overflow);
    EXPECT_EQ(parse_error("99999999999999999999999"), money_error::overflow);
}

TEST(MoneyFormatTest, FormatsWithExactlyTheCurrencyDigits) {
    EXPECT_EQ(format_money(money::usd_cents(1234)), "$12.34");
    EXPECT_EQ(format_money(money::usd_cents(5)), "$0.05");
    EXPECT_EQ(format_money(money::usd_cents(-5)), "-$0.05");
    EXPECT_EQ(format_money(money::usd_cents(0)), "$0.00");
    EXPECT_EQ(format_money(money::usd_cents(int64_min)), "-$92233720368547758.08");
    EXPECT_EQ(format_money(money{500, *apexcore::core::find_currency("JPY")}), "\xC2\xA5" "500");
}

TEST(MoneyFormatTest, RoundTripsThroughParse) {
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{99}, std::int64_t{100}, std::int64_t{123456789},
                           apexcore::core::amount_minor_max, -apexcore::core::amount_minor_max}) {
        EXPECT_EQ(cents(format_money(money::usd_cents(v))), v);
    }
}

TEST(MoneyArithmeticTest, CheckedAdditionAndSubtraction) {
    EXPECT_EQ(money::usd_cents(150).plus(money::usd_cents(250))->minor_units(), 400);
    EXPECT_EQ(money::usd_cents(150).minus(money::usd_cents(250))->minor_units(), -100);
    EXPECT_EQ(money::usd_cents(int64_max).plus(money::usd_cents(1)).error(), money_error::overflow);
    EXPECT_EQ(money::usd_cents(apexcore::core::amount_minor_max).plus(money::usd_cents(1)).error(), money_error::overflow);
    EXPECT_EQ(money::usd_cents(int64_min).minus(money::usd_cents(1)).error(), money_error::overflow);
    EXPECT_EQ(money::usd_cents(int64_min).negated().error(), money_error::overflow);
    const money euros{100, *apexcore::core::find_currency("EUR")};
    EXPECT_EQ(money::usd_cents(1).plus(euros).error(), money_error::currency_mismatch);
}

// The rounding rule of money.hpp, with the worked examples of shared/bench/purchases.md §4.
TEST(MoneyDiscountTest, RoundsHalfUpToTheMinorUnit) {
    EXPECT_EQ(apply_discount(money::usd_cents(100), 150)->minor_units(), 99);
    EXPECT_EQ(apply_discount(money::usd_cents(1234), 375)->minor_units(), 1188);
    EXPECT_EQ(apply_discount(money::usd_cents(4567), 150)->minor_units(), 4498);
    EXPECT_EQ(apply_discount(money::usd_cents(9999), 500)->minor_units(), 9499);
    // Exactly half a cent rounds up: 10 * 0.95 = 9.5 -> 10; 30 * 0.95 = 28.5 -> 29.
    EXPECT_EQ(apply_discount(money::usd_cents(10), 500)->minor_units(), 10);
    EXPECT_EQ(apply_discount(money::usd_cents(30), 500)->minor_units(), 29);
    EXPECT_EQ(apply_discount(money::usd_cents(1000), 0)->minor_units(), 1000);
    EXPECT_EQ(apply_discount(money::usd_cents(1000), 10000)->minor_units(), 0);
}

TEST(MoneyDiscountTest, RejectsBadInputs) {
    EXPECT_EQ(apply_discount(money::usd_cents(-1), 100).error(), money_error::negative);
    EXPECT_EQ(apply_discount(money::usd_cents(100), -1).error(), money_error::out_of_range);
    EXPECT_EQ(apply_discount(money::usd_cents(100), 10001).error(), money_error::out_of_range);
    EXPECT_EQ(apply_discount(money::usd_cents(int64_max), 100).error(), money_error::overflow);
}

}  // namespace
