#include <apexcore/core/ids.hpp>

#include <gtest/gtest.h>

namespace {

using apexcore::core::user_id;

TEST(SnowflakeTest, ParsesDecimalStrings) {
    const auto id = user_id::parse("175928847299117063");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->value, 175928847299117063ULL);
    EXPECT_EQ(id->str(), "175928847299117063");
    EXPECT_EQ(user_id::parse("18446744073709551615")->value, 18446744073709551615ULL);
}

TEST(SnowflakeTest, RejectsNonCanonicalText) {
    for (const char* bad : {"", "-1", "+1", "12a", " 12", "18446744073709551616", "1.0", "0x10", "0", "00",
                            "01", "000000000000000000042"}) {
        EXPECT_FALSE(user_id::parse(bad).has_value()) << bad;
    }
}

// REFERENCE.md §8: unix_ms = (id >> 22) + 1420070400000.
TEST(SnowflakeTest, DecodesTheTimestamp) {
    EXPECT_EQ(user_id::parse("175928847299117063")->unix_ms(), 1462015105796ULL);
}

TEST(RowIdTest, ParsesCanonicalPositiveDecimals) {
    using apexcore::core::product_id;
    EXPECT_EQ(product_id::parse("42")->value, 42);
    EXPECT_EQ(product_id::parse("9223372036854775807")->value, INT64_MAX);
    for (const char* bad : {"", "0", "042", "-1", "9223372036854775808", "4 2", "x"}) {
        EXPECT_FALSE(product_id::parse(bad).has_value()) << bad;
    }
}

}  // namespace
