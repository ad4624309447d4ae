#include <apexcore/core/result.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using apexcore::core::bad_result_access;
using apexcore::core::result;

enum class oops { broken };

TEST(ResultTest, HoldsAValueOrAnError) {
    const result<int, oops> good = 7;
    const result<int, oops> bad = oops::broken;
    EXPECT_TRUE(good.ok());
    EXPECT_EQ(good.value(), 7);
    EXPECT_EQ(*good, 7);
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(static_cast<bool>(bad));
    EXPECT_EQ(bad.error(), oops::broken);
}

TEST(ResultTest, ReadingTheWrongSideThrowsInsteadOfUndefinedBehaviour) {
    const result<std::string, oops> bad = oops::broken;
    EXPECT_THROW((void)bad.value(), bad_result_access);
    EXPECT_THROW((void)bad->size(), bad_result_access);
    const result<std::string, oops> good = std::string("x");
    EXPECT_THROW((void)good.error(), bad_result_access);
}

TEST(ResultTest, ValueOrGivesTheFallbackOnlyForAnError) {
    const result<int, oops> good = 3;
    const result<int, oops> bad = oops::broken;
    EXPECT_EQ(good.value_or(9), 3);
    EXPECT_EQ(bad.value_or(9), 9);
}

TEST(ResultTest, MoveOnlyValuesAndErrorsWithText) {
    result<std::unique_ptr<int>, std::string> r = std::make_unique<int>(4);
    ASSERT_TRUE(r.ok());
    std::unique_ptr<int> taken = std::move(r).value();
    EXPECT_EQ(*taken, 4);
    const result<int, std::string> e = std::string("no such channel");
    EXPECT_EQ(e.error(), "no such channel");
}

}  // namespace
