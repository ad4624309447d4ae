#include <apexcore/core/vip.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::core;

// The example role table of shared/bench/purchases.md §4.
const role_id client{1}, vip{2}, elite{3}, legend{4}, sovereign{5}, donor{6}, legendary_donor{7}, insider{8}, zenith{9};

std::vector<vip_tier> example_tiers() {
    return {
        {"Client", client, tier_mode::automatic_first_purchase, 0, 0},
        {"Apex VIP", vip, tier_mode::automatic_spend, 5000, 150},
        {"Apex Elite", elite, tier_mode::automatic_spend, 10000, 250},
        {"Apex Legend", legend, tier_mode::automatic_spend, 50000, 375},
        {"Apex Sovereign", sovereign, tier_mode::automatic_spend, 100000, 500},
        {"Apex Donor", donor, tier_mode::manual, 0, 25},
        {"Legendary Donor", legendary_donor, tier_mode::manual, 0, 150},
        {"Apex Insider", insider, tier_mode::manual, 0, 50},
        {"Apex Zenith", zenith, tier_mode::automatic_all_ranks, 0, 750},
    };
}

TEST(VipTierTest, SpendTierIsTheHighestReached) {
    const auto tiers = example_tiers();
    EXPECT_EQ(spend_tier_for(tiers, 4999), nullptr);
    EXPECT_EQ(spend_tier_for(tiers, 5000)->role, vip);
    EXPECT_EQ(spend_tier_for(tiers, 99999)->role, legend);
    EXPECT_EQ(spend_tier_for(tiers, 100000)->role, sovereign);
}

TEST(VipTierTest, FirstPurchaseAndPromotionGrantAndRevokeTheLowerTier) {
    const auto tiers = example_tiers();
    auto changes = evaluate_tiers(tiers, {5200, true, {}});
    EXPECT_EQ(changes.grant, (std::vector<role_id>{client, vip}));
    EXPECT_TRUE(changes.revoke.empty());
    changes = evaluate_tiers(tiers, {12000, true, {client, vip}});
    EXPECT_EQ(changes.grant, (std::vector<role_id>{elite}));
    EXPECT_EQ(changes.revoke, (std::vector<role_id>{vip}));
}

TEST(VipTierTest, RefundsBelowAThresholdRevoke) {
    const auto changes = evaluate_tiers(example_tiers(), {4000, true, {client, vip}});
    EXPECT_TRUE(changes.grant.empty());
    EXPECT_EQ(changes.revoke, (std::vector<role_id>{vip}));
}

TEST(VipTierTest, ManualRolesAreNeverChangedByEvaluation) {
    const auto changes = evaluate_tiers(example_tiers(), {0, false, {donor}});
    EXPECT_TRUE(changes.empty());
}

TEST(VipTierTest, AllRanksNeedsEveryOtherRole) {
    const auto tiers = example_tiers();
    const std::set<role_id> almost{client, sovereign, donor, legendary_donor};
    EXPECT_TRUE(evaluate_tiers(tiers, {100000, true, almost}).grant.empty()) << "insider missing";
    std::set<role_id> all = almost;
    all.insert(insider);
    EXPECT_EQ(evaluate_tiers(tiers, {100000, true, all}).grant, (std::vector<role_id>{zenith}));
    all.insert(zenith);
    EXPECT_EQ(evaluate_tiers(tiers, {60000, true, all}).revoke, (std::vector<role_id>{sovereign}))
        << "dropping to Legend keeps a spend rank, so Zenith stays";
    EXPECT_EQ(evaluate_tiers(tiers, {100000, true, {client, sovereign, donor, legendary_donor, zenith}}).revoke,
              (std::vector<role_id>{zenith}));
}

TEST(VipTierTest, BestDiscountIsTheMaximumHeld) {
    const auto tiers = example_tiers();
    EXPECT_EQ(best_discount(tiers, {}), 0);
    EXPECT_EQ(best_discount(tiers, {client, elite, donor}), 250);
    EXPECT_EQ(best_discount(tiers, {zenith, vip}), 750);
}

}  // namespace
