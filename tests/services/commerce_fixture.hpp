#pragma once
// A fresh store (SQLite, or PostgreSQL in the conformance build: support/store_under_test.hpp)
// with the example VIP tiers (shared/bench/purchases.md §4), a manual clock
// and every service, for the commerce use-case tests.
#include "../bench/purchases_workload.hpp"
#include "../support/store_under_test.hpp"
#include "../support/manual_clock.hpp"

#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/license_service.hpp>
#include <apexcore/services/member_service.hpp>
#include <apexcore/services/order_service.hpp>
#include <apexcore/services/payment_service.hpp>
#include <apexcore/services/promo_service.hpp>
#include <apexcore/services/refund_service.hpp>
#include <apexcore/services/ticket_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

namespace apexcore::test_support {

/// The role ids of example_tiers(), in table order.
inline constexpr core::role_id client_role{1}, vip_role{2}, elite_role{3}, legend_role{4}, sovereign_role{5},
    donor_role{6}, legendary_donor_role{7}, insider_role{8}, zenith_role{9};

/// The example role table (role ids 1..9), shared with the purchases benchmark.
using bench::example_tiers;

class CommerceTest : public ::testing::Test {
protected:
    static constexpr core::user_id alice{100000000000000001};
    static constexpr core::user_id bob{100000000000000002};
    static constexpr core::user_id staff_id{900000000000000009};
    const services::actor staff{staff_id, true};
    const services::actor not_staff{alice, false};

    static services::shop_config make_config(const ports::clock* clock) {
        services::shop_config c;
        c.tiers = example_tiers();
        c.refunds = {14, 10};
        c.payment_methods = {{"PayPal", "Send to shop@example.com with your order reference.", "\xF0\x9F\x92\xB3", {}},
                             {"Bank", "IBAN XX00 0000 0000, reference = order reference.", "", {{"iban", "XX00"}}}};
        c.payment_session_ttl = std::chrono::minutes(30);
        c.clock = clock;
        return c;
    }

    store_under_test db_;
    manual_clock clock_;
    std::unique_ptr<ports::store> store_ = db_.open(&clock_);
    services::shop_config config_ = make_config(&clock_);
    services::catalog_service catalog_{*store_, config_};
    services::wallet_service wallet_{*store_, config_};
    services::order_service orders_{*store_, config_};
    services::refund_service refunds_{*store_, config_};
    services::payment_service payments_{*store_, config_};
    services::license_service keys_{*store_, config_};
    services::promo_service promos_{*store_, config_};
    services::member_service members_{*store_, config_};
    services::ticket_service tickets_{*store_, config_};

    /// A stored product; tweak it with `edit` before it is created.
    template <class Edit = void (*)(core::product&)>
    core::product product(std::int64_t cents, const std::string& variant = "1 month", Edit edit = [](core::product&) {}) {
        core::product p;
        p.main_category = "Streaming";
        p.sub_category = "Video";
        p.service_name = "Flix";
        p.variant_name = variant;
        p.price = core::money::usd_cents(cents);
        edit(p);
        auto created = catalog_.create(staff, p);
        EXPECT_TRUE(created.ok()) << (created.ok() ? "" : core::to_string(created.error()));
        return *created;
    }

    void fund(core::user_id who, std::int64_t cents) {
        ASSERT_TRUE(wallet_.deposit({staff, who, core::money::usd_cents(cents), "test deposit"}).ok());
    }

    core::result<services::purchase_receipt, core::rejection> buy(core::user_id who, const core::product& p,
                                                                  std::string promo = {}) {
        services::purchase_request r{who, p.id, std::nullopt};
        r.promo_code = std::move(promo);
        return wallet_.purchase(r);
    }

    /// Rows in `table` (for "nothing was written" checks).
    std::int64_t count(const std::string& table) { return db_.count(table); }
};

}  // namespace apexcore::test_support
