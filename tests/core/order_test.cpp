#include <apexcore/core/order.hpp>
#include <apexcore/core/order_reference.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::core;

TEST(OrderReferenceTest, HasTheDocumentedShape) {
    EXPECT_EQ(format_order_reference({2026, 11, 22}, 0), "AC-20261122-000000");
    EXPECT_EQ(format_order_reference({2026, 11, 22}, (1U << 30) - 1), "AC-20261122-ZZZZZZ");
    // 7F3K9Q = 7,15,3,19,9,23 in Crockford base32.
    const std::uint32_t bits = (7U << 25) | (15U << 20) | (3U << 15) | (19U << 10) | (9U << 5) | 23U;
    EXPECT_EQ(format_order_reference({2026, 11, 22}, bits), "AC-20261122-7F3K9Q");
}

TEST(OrderReferenceTest, NormalizesWhatCustomersType) {
    EXPECT_EQ(normalize_order_reference("ac-20261122-7f3k9q"), "AC-20261122-7F3K9Q");
    EXPECT_EQ(normalize_order_reference("AC-20261122-IOL000"), "AC-20261122-101000") << "I/L read as 1, O as 0";
    for (const char* bad : {"", "AC-20261122-7F3K9", "AC-20261122-7F3K9QX", "XX-20261122-7F3K9Q", "AC-2026112A-7F3K9Q",
                            "AC-20261322-7F3K9Q", "AC-20261100-7F3K9Q", "AC-20261122-7F3K9U", "AC-20261122_7F3K9Q"}) {
        EXPECT_FALSE(normalize_order_reference(bad).has_value()) << bad;
    }
}

TEST(OrderStatusTest, OnlyTheAllowedTransitions) {
    using s = order_status;
    EXPECT_TRUE(can_transition(s::pending_payment, s::awaiting_review));
    EXPECT_TRUE(can_transition(s::awaiting_review, s::paid));
    EXPECT_TRUE(can_transition(s::paid, s::delivered));
    EXPECT_TRUE(can_transition(s::delivered, s::partially_refunded));
    EXPECT_TRUE(can_transition(s::partially_refunded, s::refunded));
    EXPECT_FALSE(can_transition(s::pending_payment, s::delivered));
    EXPECT_FALSE(can_transition(s::paid, s::pending_payment));
    EXPECT_FALSE(can_transition(s::delivered, s::paid));
    EXPECT_FALSE(can_transition(s::pending_payment, s::refunded)) << "nothing was paid";
    for (auto to : {s::pending_payment, s::awaiting_review, s::paid, s::delivered, s::cancelled, s::refunded,
                    s::partially_refunded}) {
        EXPECT_FALSE(can_transition(s::cancelled, to));
        EXPECT_FALSE(can_transition(s::refunded, to));
        EXPECT_EQ(parse_order_status(to_string(to)), to);
    }
}

}  // namespace
