// Orders (references, manual orders, delivery, cancellation, warranty) and refunds (window, fee,
// partial and full, staff decisions, tier re-evaluation).
#include "commerce_fixture.hpp"

namespace apexcore::test_support {
namespace {

using core::rejection;

TEST_F(CommerceTest, OrdersAreFoundByTheirReferenceAsCustomersTypeIt) {
    const auto p = product(100);
    fund(alice, 1000);
    const auto r = buy(alice, p);
    ASSERT_TRUE(r.ok());
    const std::string ref = r->order.reference;
    ASSERT_TRUE(core::normalize_order_reference(ref).has_value());
    EXPECT_EQ(ref.substr(0, 12), "AC-20261118-");
    std::string typed = ref;
    for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto found = orders_.find_by_reference({alice, false}, " " + typed + " ");
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->id, r->order.id);
    EXPECT_EQ(orders_.find_by_reference({bob, false}, ref).error(), rejection::not_owner);
    EXPECT_TRUE(orders_.find_by_reference(staff, ref).ok());
    EXPECT_EQ(orders_.find_by_reference(staff, "AC-20261118-ZZZZZZ").error(), rejection::unknown_order);
    EXPECT_EQ(orders_.find_by_reference(staff, "hello").error(), rejection::unknown_order);
}

TEST_F(CommerceTest, ManualOrdersAreStaffOnlyAndCountAsSpend) {
    const auto p = product(6000, "manual", [](core::product& x) { x.delivery_payload = "code-123"; });
    services::manual_order_request r{not_staff, alice, p.id};
    EXPECT_EQ(orders_.create_manual(r).error(), rejection::not_staff);
    r.staff = staff;
    r.metadata = {{"payment", "bank transfer #77"}};
    r.idempotency_key = "manual:1";
    auto made = orders_.create_manual(r);
    ASSERT_TRUE(made.ok());
    EXPECT_EQ(made->order.source, core::order_source::manual);
    EXPECT_EQ(made->order.staff, std::optional<core::user_id>(staff_id));
    EXPECT_EQ(made->order.status, core::order_status::delivered);
    EXPECT_EQ(made->order.metadata.at("payment"), "bank transfer #77");
    EXPECT_EQ(made->role_changes.grant, (std::vector<core::role_id>{client_role, vip_role}));
    EXPECT_EQ(count("wallet_ledger"), 0);  // paid outside apexcore: no wallet movement
    EXPECT_TRUE(orders_.create_manual(r)->replayed);
    EXPECT_EQ(count("orders"), 1);
    r.price_paid = core::money::usd_cents(-1);
    r.idempotency_key.clear();
    EXPECT_EQ(orders_.create_manual(r).error(), rejection::invalid_amount);
}

TEST_F(CommerceTest, StaffDeliverPaidOrdersOnlyAndCancelOnlyUnpaidOnes) {
    const auto p = product(100);
    fund(alice, 1000);
    const auto r = buy(alice, p);
    ASSERT_EQ(r->order.status, core::order_status::paid);  // nothing to hand over automatically
    EXPECT_EQ(orders_.deliver(not_staff, r->order.id, "x").error(), rejection::not_staff);
    EXPECT_EQ(orders_.deliver(staff, r->order.id, std::string(2001, 'x')).error(), rejection::text_too_long);
    EXPECT_EQ(orders_.deliver(staff, r->order.id, std::string("bad\x01", 4)).error(), rejection::invalid_text);
    auto delivered = orders_.deliver(staff, r->order.id, "Your account: demo");
    ASSERT_TRUE(delivered.ok());
    EXPECT_EQ(delivered->status, core::order_status::delivered);
    EXPECT_EQ(orders_.deliver(staff, r->order.id, "again").error(), rejection::forbidden_transition);
    EXPECT_EQ(orders_.cancel(staff, r->order.id).error(), rejection::forbidden_transition);
    EXPECT_EQ(orders_.cancel(staff, core::order_id{424242}).error(), rejection::unknown_order);
}

TEST_F(CommerceTest, WarrantiesRenewAndShowUpWhenExpiringSoon) {
    const auto p = product(100, "30 days", [](core::product& x) {
        x.duration_days = 30;
        x.delivery_payload = "account";
    });
    const auto plain = product(100, "no duration", [](core::product& x) { x.delivery_payload = "x"; });
    fund(alice, 1000);
    const auto r = buy(alice, p);
    const auto other = buy(alice, plain);
    ASSERT_TRUE(r.ok() && other.ok());
    EXPECT_TRUE(orders_.warranty_expiring_within(std::chrono::hours(24 * 29), 10).empty());
    clock_.advance(std::chrono::hours(24 * 28));
    auto soon = orders_.warranty_expiring_within(std::chrono::hours(24 * 3), 10);
    ASSERT_EQ(soon.size(), 1U);
    EXPECT_EQ(soon[0].id, r->order.id);
    EXPECT_EQ(orders_.renew_warranty(not_staff, r->order.id).error(), rejection::not_staff);
    EXPECT_EQ(orders_.renew_warranty(staff, other->order.id).error(), rejection::forbidden_transition);
    auto renewed = orders_.renew_warranty(staff, r->order.id);
    ASSERT_TRUE(renewed.ok());
    EXPECT_EQ(renewed->renewals, 1);
    EXPECT_EQ(renewed->last_renewed_at, std::optional(clock_.now()));
    // Renewal extends from the current expiry (2 days away), not from now.
    EXPECT_EQ(renewed->warranty_expires_at, std::optional(r->order.warranty_expires_at.value() + std::chrono::hours(24 * 30)));
    EXPECT_TRUE(orders_.warranty_expiring_within(std::chrono::hours(24 * 3), 10).empty());
}

TEST_F(CommerceTest, RefundsCreditTheWalletMinusTheFeeAndDropTheTier) {
    const auto p = product(6000);
    fund(alice, 10000);
    const auto r = buy(alice, p);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(members_.profile(alice).held_roles.count(vip_role), 1U);
    EXPECT_EQ(refunds_.request({{bob, false}, r->order.id, std::nullopt, "not mine"}).error(), rejection::not_owner);
    auto req = refunds_.request({{alice, false}, r->order.id, std::nullopt, "did not work"});
    ASSERT_TRUE(req.ok());
    EXPECT_EQ(req->amount.minor_units(), 6000);
    EXPECT_EQ(refunds_.request({{alice, false}, r->order.id, std::nullopt, "again"}).error(),
              rejection::refund_already_requested);
    EXPECT_EQ(refunds_.pending(10).size(), 1U);
    EXPECT_EQ(refunds_.approve(not_staff, req->id).error(), rejection::not_staff);
    auto done = refunds_.approve(staff, req->id, "sorry");
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->refund.fee.minor_units(), 600);  // 10 %
    ASSERT_TRUE(done->credit.has_value());
    EXPECT_EQ(done->credit->amount.minor_units(), 5400);
    EXPECT_EQ(done->credit->type, core::ledger_entry_type::refund);
    EXPECT_EQ(done->credit->order, std::optional(r->order.id));
    EXPECT_EQ(done->order.status, core::order_status::refunded);
    EXPECT_EQ(done->role_changes.revoke, (std::vector<core::role_id>{vip_role}));
    EXPECT_EQ(members_.profile(alice).lifetime_spend_minor, 600);  // the fee stays spent
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 4000 + 5400);
    EXPECT_EQ(refunds_.approve(staff, req->id).error(), rejection::already_decided);
    EXPECT_EQ(refunds_.request({{alice, false}, r->order.id, std::nullopt, "more"}).error(), rejection::forbidden_transition);
    EXPECT_TRUE(store_->reconcile().ok());
}

TEST_F(CommerceTest, PartialRefundsThenTheRest) {
    const auto p = product(1000);
    fund(alice, 1000);
    const auto r = buy(alice, p);
    auto part = refunds_.request({{alice, false}, r->order.id, core::money::usd_cents(300), "partly broken"});
    ASSERT_TRUE(part.ok());
    auto first = refunds_.approve(staff, part->id);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->order.status, core::order_status::partially_refunded);
    EXPECT_EQ(first->order.refunded.minor_units(), 300);
    EXPECT_EQ(refunds_.request({{alice, false}, r->order.id, core::money::usd_cents(701), "too much"}).error(),
              rejection::refund_amount_invalid);
    EXPECT_EQ(refunds_.request({{alice, false}, r->order.id, core::money::usd_cents(0), "zero"}).error(),
              rejection::refund_amount_invalid);
    auto rest = refunds_.request({{alice, false}, r->order.id, std::nullopt, "the rest"});
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(rest->amount.minor_units(), 700);
    auto second = refunds_.approve(staff, rest->id);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->order.status, core::order_status::refunded);
}

TEST_F(CommerceTest, RefundWindowAndRejections) {
    const auto p = product(1000);
    fund(alice, 1000);
    const auto r = buy(alice, p);
    clock_.advance(std::chrono::hours(24 * 14));
    EXPECT_EQ(refunds_.request({{alice, false}, r->order.id, std::nullopt, "late"}).error(), rejection::refund_window_closed);
    auto by_staff = refunds_.request({staff, r->order.id, std::nullopt, "goodwill"});  // staff skip the window
    ASSERT_TRUE(by_staff.ok());
    EXPECT_EQ(refunds_.reject(staff, by_staff->id, "").error(), rejection::invalid_text);
    EXPECT_EQ(refunds_.reject(staff, by_staff->id, std::string(501, 'r')).error(), rejection::text_too_long);
    auto rejected = refunds_.reject(staff, by_staff->id, "used already");
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ(rejected->status, core::refund_status::rejected);
    EXPECT_EQ(rejected->decision_reason, "used already");
    EXPECT_EQ(refunds_.reject(staff, by_staff->id, "again").error(), rejection::already_decided);
    EXPECT_EQ(refunds_.approve(staff, core::refund_id{999}).error(), rejection::unknown_refund);
    EXPECT_EQ(wallet_.balance(alice).minor_units(), 0);
    EXPECT_EQ(refunds_.request({{alice, false}, core::order_id{999}, std::nullopt, "?"}).error(), rejection::unknown_order);
}

TEST(RefundRules, WindowFeeAndPolicyLimits) {
    const core::refund_policy p{14, 10};
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(1000));
    EXPECT_TRUE(core::within_refund_window(p, t0, t0 + std::chrono::hours(24 * 14) - std::chrono::milliseconds(1)));
    EXPECT_FALSE(core::within_refund_window(p, t0, t0 + std::chrono::hours(24 * 14)));
    EXPECT_FALSE(core::within_refund_window({0, 0}, t0, t0));
    EXPECT_EQ(core::refund_fee(p, core::money::usd_cents(1005))->minor_units(), 101);  // 100.5 rounds half up
    EXPECT_EQ(core::refund_fee(p, core::money::usd_cents(1004))->minor_units(), 100);
    EXPECT_EQ(core::refund_fee({14, 100}, core::money::usd_cents(777))->minor_units(), 777);
    EXPECT_FALSE(core::is_valid(core::refund_policy{366, 0}));
    EXPECT_FALSE(core::is_valid(core::refund_policy{1, 101}));
    EXPECT_FALSE(core::is_valid(core::refund_policy{-1, 0}));
}

TEST(OrderRules, ForbiddenTransitionsStayForbidden) {
    using s = core::order_status;
    EXPECT_FALSE(core::can_transition(s::refunded, s::paid));
    EXPECT_FALSE(core::can_transition(s::cancelled, s::paid));
    EXPECT_FALSE(core::can_transition(s::delivered, s::paid));
    EXPECT_FALSE(core::can_transition(s::pending_payment, s::delivered));
    EXPECT_TRUE(core::can_transition(s::delivered, s::partially_refunded));
}

}  // namespace
}  // namespace apexcore::test_support
