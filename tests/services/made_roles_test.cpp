// Roles /setup makes while the bot runs (services::live_roles): a tier without a role_id is out of
// force until its role is made, then grants it at once; a made customer role is held after a
// first purchase unless a configured tier already is (issue 12 §1).
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/member_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include "../support/store_under_test.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;

constexpr core::user_id alice{100000000000000001};
const services::actor staff{core::user_id{900000000000000009}, true};

services::shop_config config_with(std::shared_ptr<const services::live_roles> roles) {
    services::shop_config c;
    c.tiers = {{"Gold", core::role_id{}, core::tier_mode::automatic_spend, 5000, 1000},  // role made by /setup
               {"Donor", core::role_id{44}, core::tier_mode::manual, 0, 0}};
    c.made_roles = std::move(roles);
    return c;
}

class MadeRolesTest : public ::testing::Test {
protected:
    std::shared_ptr<services::live_roles> roles_ = std::make_shared<services::live_roles>();
    test_support::store_under_test db_;
    std::unique_ptr<ports::store> store_ = db_.open(nullptr);
    services::shop_config config_ = config_with(roles_);
    services::catalog_service catalog_{*store_, config_};
    services::wallet_service wallet_{*store_, config_};
    services::member_service members_{*store_, config_};
    core::product product_;

    void SetUp() override {
        auto p = catalog_.create(staff, {{}, "Games", "Keys", "Bundle", "Standard", core::money::usd_cents(6000), true});
        ASSERT_TRUE(p.ok());
        product_ = *p;
        ASSERT_TRUE(wallet_.deposit({staff, alice, core::money::usd_cents(100000), "test deposit"}).ok());
    }
    core::result<services::purchase_receipt, core::rejection> buy() { return wallet_.purchase({alice, product_.id, std::nullopt}); }
};

TEST_F(MadeRolesTest, ATierWithoutItsRoleIsOutOfForceUntilSetupMakesIt) {
    ASSERT_EQ(config_.active_tiers().size(), 1U);
    EXPECT_EQ(config_.active_tiers()[0].name, "Donor");
    const auto first = buy();
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first->role_changes.grant.empty()) << "Gold has no role yet";

    roles_->set(services::live_roles::tier("Gold"), core::role_id{70});  // /setup run made it
    const auto second = buy();
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->role_changes.grant, std::vector<core::role_id>{core::role_id{70}}) << "lifetime spend 120.00 >= 50.00";
    const auto third = buy();
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->order.discount, 1000) << "the made role gives the tier's discount";
    EXPECT_EQ(third->order.price_paid.minor_units(), 5400);
    EXPECT_EQ(members_.standing(alice).held_tiers.at(0).name, "Gold");
}

TEST_F(MadeRolesTest, AMadeCustomerRoleIsHeldAfterAFirstPurchase) {
    roles_->set(services::live_roles::customer, core::role_id{71});
    const auto tiers = config_.active_tiers();
    ASSERT_EQ(tiers.size(), 2U);
    EXPECT_EQ(tiers[1].name, "Customer");
    EXPECT_EQ(tiers[1].mode, core::tier_mode::automatic_first_purchase);
    EXPECT_EQ(tiers[1].discount, 0);
    const auto first = buy();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->role_changes.grant, std::vector<core::role_id>{core::role_id{71}});
    EXPECT_EQ(first->order.price_paid.minor_units(), 6000);

    // A shop whose config gives a tier on the first purchase has its customer role already.
    auto configured = config_with(roles_);
    configured.tiers.push_back({"Client", core::role_id{45}, core::tier_mode::automatic_first_purchase, 0, 0});
    for (const auto& t : configured.active_tiers()) EXPECT_NE(t.name, "Customer");
}

TEST(MadeRolesConfig, ARoleMayBeLeftToSetupButNamesAndSetRolesStayDistinct) {
    auto c = config_with(nullptr);
    EXPECT_FALSE(services::validate_config(c));
    ASSERT_EQ(c.active_tiers().size(), 1U) << "without live roles a tier without a role is out of force";
    EXPECT_EQ(c.active_tiers()[0].name, "Donor");
    c.tiers.push_back({"Silver", core::role_id{}, core::tier_mode::manual, 0, 0});
    EXPECT_FALSE(services::validate_config(c)) << "several tiers may leave their role to /setup";
    c.tiers.push_back({"Gold", core::role_id{46}, core::tier_mode::manual, 0, 0});
    EXPECT_EQ(services::validate_config(c), std::optional<std::string>("tiers[3].name: 'Gold' is used by tiers[0] too"));
    c.tiers.back() = {"Platinum", core::role_id{44}, core::tier_mode::manual, 0, 0};
    EXPECT_EQ(services::validate_config(c), std::optional<std::string>("tiers[3].role_id: used by tiers[1] too"));
}

}  // namespace
