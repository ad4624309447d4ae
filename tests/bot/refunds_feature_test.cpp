// The refunds feature (issue 11 §4, issue 12 §5): the member's preview (amount, fee, window), the
// request through a modal, staff deciding from the request's post; forged ids and non-staff refused.
#include "../support/manual_clock.hpp"

#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};
constexpr core::user_id stranger{30};

class RefundsFeatureTest : public ::testing::Test {
protected:
    static services::shop_config config(const ports::clock* clock) {
        services::shop_config c;
        c.clock = clock;
        c.refunds = {14, 10};  // 14 days, 10 % fee
        return c;
    }
    test_support::manual_clock clock_;
    sqlite::sqlite_store store_{{.path = ":memory:", .clock = &clock_}};
    services::wallet_service wallet_{store_, config(&clock_)};
    services::catalog_service catalog_{store_, config(&clock_)};
    services::order_service orders_{store_, config(&clock_)};
    services::refund_service refunds_{store_, config(&clock_)};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.orders = &orders_, .refunds = &refunds_}};
    std::uint64_t next_id_ = 9000;

    using action_type = std::variant<ports::command_invocation, ports::component_action, ports::modal_submit, ports::autocomplete_request>;
    ports::interaction_response as(core::user_id who, action_type action, std::vector<core::role_id> roles = {}) {
        return bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", std::move(roles)},
                            std::move(action)});
    }
    core::order bought() {
        const auto p = *catalog_.add({{}, "Games", "Keys", "Indie", "Std", money::usd_cents(1000), true});
        EXPECT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(1000), ""}).ok());
        return wallet_.purchase({customer, p.id, std::nullopt})->order;
    }
    static std::string field(const ports::interaction_response& r, std::string_view name) {
        for (const auto& f : r.body.embeds.at(0).fields) {
            if (f.name == name) return f.value;
        }
        return "(none)";
    }
};

TEST_F(RefundsFeatureTest, TheMemberSeesWhatComesBackAndRequestsItWithAReason) {
    const auto order = bought();
    EXPECT_EQ(as(stranger, ports::command_invocation{"refund", {{"reference", order.reference}}}).body.content,
              "That order does not exist.")
        << "another member's order reads as unknown";
    const auto preview = as(customer, ports::command_invocation{"refund", {{"reference", order.reference}}});
    EXPECT_EQ(field(preview, "Refund"), "$10.00");
    EXPECT_EQ(field(preview, "Fee"), "$1.00");
    EXPECT_EQ(field(preview, "Back to your wallet"), "**$9.00**");
    EXPECT_NE(field(preview, "Ask before"), "(none)");
    const auto& button = std::get<ports::button>(preview.body.rows.at(0).components.at(0));
    EXPECT_EQ(button.custom_id, "rf:r:" + std::to_string(order.id.value));

    const auto form = as(customer, ports::component_action{button.custom_id, {}, ports::component_kind::button});
    EXPECT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_EQ(form.form.custom_id, "rf:m:" + std::to_string(order.id.value));
    EXPECT_EQ(as(stranger, ports::modal_submit{form.form.custom_id, {{"reason", "mine now"}}}).body.content,
              "That belongs to another customer.") << "a forged submission for someone else's order";
    const auto sent = as(customer, ports::modal_submit{form.form.custom_id, {{"reason", "It does not start"}}});
    EXPECT_EQ(sent.body.content, "Your refund request for order **" + order.reference +
                                     "** is with staff. You will get a DM when they have decided.");
    EXPECT_EQ(refunds_.pending(10).size(), 1U);
    EXPECT_EQ(as(customer, ports::command_invocation{"refund", {{"reference", order.reference}}}).body.content,
              std::string(core::describe(core::rejection::refund_already_requested)));
}

TEST_F(RefundsFeatureTest, OrderOffersRequestRefundOnTheMembersOwnRefundableOrder) {
    const auto order = bought();
    const auto shown = as(customer, ports::command_invocation{"order show", {{"reference", order.reference}}});
    ASSERT_EQ(shown.body.rows.size(), 1U);
    const auto& button = std::get<ports::button>(shown.body.rows[0].components.at(0));
    EXPECT_EQ(button.label, "Request refund");
    EXPECT_EQ(as(customer, ports::component_action{button.custom_id, {}, ports::component_kind::button}).kind,
              ports::response_kind::open_modal);
    const auto by_staff = as(staff_user, ports::command_invocation{"order show", {{"reference", order.reference}}}, {staff_role});
    EXPECT_TRUE(by_staff.body.rows.empty()) << "staff look at another member's order: no button for them";
}

TEST_F(RefundsFeatureTest, StaffRejectWithAReasonAndApproveCreditsOnce) {
    const auto order = bought();
    const auto first = refunds_.request({{customer, false}, order.id, std::nullopt, "broken"});
    ASSERT_TRUE(first.ok());
    const std::string reject = "rf:x:" + std::to_string(first->id.value);
    EXPECT_EQ(as(customer, ports::component_action{reject, {}, ports::component_kind::button}).body.content,
              "Only staff members can do that.");
    const auto form = as(staff_user, ports::component_action{reject, {}, ports::component_kind::button}, {staff_role});
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_EQ(as(customer, ports::modal_submit{form.form.custom_id, {{"reason", "no"}}}).body.content, "Only staff members can do that.");
    const auto rejected = as(staff_user, ports::modal_submit{form.form.custom_id, {{"reason", "It was activated"}}}, {staff_role});
    EXPECT_EQ(rejected.kind, ports::response_kind::update_message);
    EXPECT_EQ(rejected.body.embeds.at(0).title, "Refund rejected");
    EXPECT_FALSE(rejected.body.ephemeral) << "the post in the log channel stays for all staff";

    const auto second = refunds_.request({{customer, false}, order.id, std::nullopt, "please"});
    ASSERT_TRUE(second.ok());
    const std::string approve = "rf:a:" + std::to_string(second->id.value);
    const auto approved = as(staff_user, ports::component_action{approve, {}, ports::component_kind::button}, {staff_role});
    EXPECT_EQ(approved.body.embeds.at(0).title, "Refund approved: order " + order.reference);
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(900));
    EXPECT_EQ(as(staff_user, ports::component_action{approve, {}, ports::component_kind::button}, {staff_role}).body.content,
              std::string(core::describe(core::rejection::already_decided)));
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(900)) << "credited once";
}

TEST_F(RefundsFeatureTest, AfterTheWindowOrWithForgedIdsNothingHappens) {
    const auto order = bought();
    clock_.advance(std::chrono::days(15));
    EXPECT_EQ(as(customer, ports::command_invocation{"refund", {{"reference", order.reference}}}).body.content,
              std::string(core::describe(core::rejection::refund_window_closed)));
    for (const char* forged : {"rf:a:", "rf:a:0", "rf:a:-1", "rf:q:1", "rf:r:x"}) {
        EXPECT_EQ(as(staff_user, ports::component_action{forged, {}, ports::component_kind::button}, {staff_role}).body.content,
                  "This control is not valid.")
            << forged;
    }
    EXPECT_EQ(as(staff_user, ports::component_action{"rf:a:999", {}, ports::component_kind::button}, {staff_role}).body.content,
              std::string(core::describe(core::rejection::unknown_refund)));
}

}  // namespace

namespace {

// The refund queue (issue 12 §5): staff see what waits, oldest first, and decide from there.
TEST_F(RefundsFeatureTest, StaffDecideFromTheQueue) {
    EXPECT_EQ(as(staff_user, ports::command_invocation{"refunds", {}}, {staff_role}).body.content, "No refund requests are waiting. \xE2\x9C\x85");
    const auto order = bought();
    ASSERT_TRUE(refunds_.request({{customer, false}, order.id, std::nullopt, "It does not start"}).ok());
    EXPECT_EQ(as(customer, ports::command_invocation{"refunds", {}}).body.content, "Only staff members can do that.");

    const auto queue = as(staff_user, ports::command_invocation{"refunds", {}}, {staff_role});
    ASSERT_EQ(queue.body.embeds.size(), 1U);
    EXPECT_EQ(queue.body.embeds[0].title, "Refund requests waiting (1)");
    EXPECT_NE(queue.body.embeds[0].description.find("order `" + order.reference + "`"), std::string::npos);
    EXPECT_NE(queue.body.embeds[0].description.find("> It does not start"), std::string::npos);
    ASSERT_EQ(queue.body.rows.size(), 1U);
    const auto& approve = std::get<ports::button>(queue.body.rows[0].components[0]);
    EXPECT_EQ(approve.label.rfind("Approve #", 0), 0U);
    const auto decided = as(staff_user, ports::component_action{approve.custom_id, {}, ports::component_kind::button}, {staff_role});
    EXPECT_EQ(decided.body.embeds.at(0).title, "Refund approved: order " + order.reference);
    EXPECT_TRUE(refunds_.pending(10).empty());
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(900));
}

}  // namespace
