// The benchmark's reference simulation reproduces shared/bench/purchases.md exactly: the RNG test
// vectors and draws of §2 and every row of the reference table of §7.
#include "purchases_workload.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace apexcore::bench {
namespace {

TEST(PurchasesWorkloadTest, SplitMix64MatchesTheTestVectors) {
    EXPECT_EQ(splitmix64(0).next(), 0xe220a8397b1dcdafULL);
    splitmix64 one(1);
    EXPECT_EQ(one.next(), 0x910a2dec89025cc1ULL);
    EXPECT_EQ(one.next(), 0xbeeb8da1658eec67ULL);
    EXPECT_EQ(one.next(), 0xf893a2eefb32555eULL);
}

TEST(PurchasesWorkloadTest, DrawsMatchTheSpecifiedSequence) {
    const auto w = draw(workload_params{});
    ASSERT_EQ(w.prices.size(), 200U);
    EXPECT_EQ((std::vector<std::int64_t>{w.prices.begin(), w.prices.begin() + 5}),
              (std::vector<std::int64_t>{3481, 4487, 7278, 5664, 6171}));
    EXPECT_EQ(std::accumulate(w.prices.begin(), w.prices.end(), std::int64_t{0}), 1000666);
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> first{{286, 16}, {719, 37}, {275, 183}, {195, 109}, {524, 57}};
    EXPECT_EQ((std::vector<std::pair<std::uint64_t, std::uint64_t>>{w.attempts.begin(), w.attempts.begin() + 5}), first);
    EXPECT_EQ(w.attempts.back(), (std::pair<std::uint64_t, std::uint64_t>{800, 34}));
}

struct reference_row {
    workload_params params;
    std::uint64_t ok, rejected, vip;
    const char* digest;
};

TEST(PurchasesWorkloadTest, SimulationReproducesTheReferenceTable) {
    const reference_row rows[] = {
        {{1000, 200, 20000, 1, 50000}, 11185, 8815, 1868, "8828f652581acec9"},
        {{1000, 200, 20000, 2, 50000}, 11480, 8520, 1832, "40357cb1ff6809da"},
        {{1000, 200, 2000, 1, 50000}, 2000, 0, 1090, "ca4653acb5016911"},
        {{10, 5, 100, 1, 50000}, 88, 12, 20, "da1ace8cbdc981bb"},
    };
    for (const auto& row : rows) {
        const auto result = simulate(row.params, draw(row.params));
        EXPECT_EQ(result.ok, row.ok) << "seed " << row.params.seed << " N " << row.params.purchases;
        EXPECT_EQ(result.rejected, row.rejected);
        EXPECT_EQ(result.vip_promotions, row.vip);
        EXPECT_EQ(state_digest(result.users), row.digest);
    }
}

TEST(PurchasesWorkloadTest, PriceRoundingMatchesTheWorkedExamples) {
    auto price = [](std::int64_t base, std::int64_t bp) { return (base * (10000 - bp) + 5000) / 10000; };
    EXPECT_EQ(price(100, 150), 99);
    EXPECT_EQ(price(1234, 375), 1188);
    EXPECT_EQ(price(4567, 150), 4498);
    EXPECT_EQ(price(9999, 500), 9499);
    EXPECT_EQ(core::apply_discount(core::money::usd_cents(1234), 375)->minor_units(), 1188);
}

}  // namespace
}  // namespace apexcore::bench
