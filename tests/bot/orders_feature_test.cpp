// The orders feature (issue 11 §2, §4): a member finds their orders and what was delivered again
// after the receipt is gone; nobody else's; references read as members type them.
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/bot/features/notifications.hpp>
#include <apexcore/services/license_service.hpp>
#include <apexcore/services/outbox_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace {

using namespace apexcore;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};
constexpr core::user_id stranger{30};

class OrdersFeatureTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    services::order_service orders_{store_, services::shop_config{}};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.orders = &orders_}};
    std::uint64_t next_id_ = 5000;

    ports::interaction command(core::user_id from, std::string name, std::vector<ports::command_option> options = {},
                               std::vector<core::role_id> roles = {}) {
        return {core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {from, "member", std::move(roles)},
                ports::command_invocation{std::move(name), std::move(options)}};
    }
    /// A key product bought by `customer`; returns the order's reference.
    std::string buy_key(const std::string& key) {
        const auto product = *catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Key " + key.substr(0, 4), money::usd_cents(500), true,
                                            {}, {}, {}, {}, {}, {}, {{core::deliverable_kind::key, ""}}});
        services::license_service keys(store_, services::shop_config{});
        EXPECT_EQ(keys.import_keys({staff_user, true}, product.id, key)->added, 1U);
        EXPECT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(500), ""}).ok());
        const auto receipt = wallet_.purchase({customer, product.id, std::nullopt});
        EXPECT_TRUE(receipt.ok());
        return receipt->order.reference;
    }
    static const ports::embed_field* field(const ports::interaction_response& r, std::string_view name) {
        if (r.body.embeds.empty()) return nullptr;
        const auto& f = r.body.embeds[0].fields;
        const auto it = std::find_if(f.begin(), f.end(), [&](const auto& x) { return x.name == name; });
        return it == f.end() ? nullptr : &*it;
    }
};

TEST_F(OrdersFeatureTest, TheCommandsAreThereOnlyWithTheOrderService) {
    const auto commands = bot_.commands();
    for (const char* name : {"orders", "order"}) {
        EXPECT_NE(std::find_if(commands.begin(), commands.end(), [&](const auto& c) { return c.name == name; }), commands.end())
            << name;
    }
    bot::shop_bot without{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_};
    EXPECT_EQ(without.commands().size(), 11U);
}

TEST_F(OrdersFeatureTest, AMemberSeesTheirOrderAndItsKeyAgain) {
    const std::string reference = buy_key("ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    const auto list = bot_.handle(command(customer, "orders"));
    EXPECT_TRUE(list.body.ephemeral);
    ASSERT_EQ(list.body.embeds.size(), 1U);
    EXPECT_NE(list.body.embeds[0].description.find("`" + reference + "` · Indie Bundle - Key ABCD · $5.00 · delivered"),
              std::string::npos)
        << list.body.embeds[0].description;

    // Typed as members type it: lower case, with spaces.
    std::string typed = reference;
    std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto shown = bot_.handle(command(customer, "order show", {{"reference", " " + typed + " "}}));
    ASSERT_EQ(shown.body.embeds.size(), 1U) << shown.body.content;
    EXPECT_EQ(shown.body.embeds[0].title, "Order " + reference);
    ASSERT_NE(field(shown, "Delivered"), nullptr);
    EXPECT_EQ(field(shown, "Delivered")->value, "`ABCDEFGHJKLMNPQRSTUVWXYZ23456789`");
    EXPECT_EQ(field(shown, "Paid")->value, "$5.00");
    EXPECT_TRUE(shown.body.ephemeral);
}

TEST_F(OrdersFeatureTest, SomeoneElsesOrderReadsAsUnknownButStaffSeeIt) {
    const std::string reference = buy_key("ZYXWVUTSRQPNMLKJHGFEDCBA98765432");
    const auto other = bot_.handle(command(stranger, "order show", {{"reference", reference}}));
    EXPECT_EQ(other.body.content, "That order does not exist.");
    EXPECT_TRUE(other.body.embeds.empty()) << "nothing of the order is shown";
    const auto none = bot_.handle(command(customer, "order show", {{"reference", "AC-20990101-ZZZZZZ"}}));
    EXPECT_EQ(none.body.content, "That order does not exist.");
    EXPECT_EQ(bot_.handle(command(stranger, "orders")).body.content, "You have no orders yet. Browse the shop with /buy.");

    const auto staff = bot_.handle(command(staff_user, "order show", {{"reference", reference}}, {staff_role}));
    ASSERT_EQ(staff.body.embeds.size(), 1U) << staff.body.content;
    EXPECT_EQ(staff.body.embeds[0].footer, "Customer: " + customer.str());
}

}  // namespace

namespace {

// "Send to my DMs" (issue 11 §2): a delivery asked for again goes through the outbox to the
// member, with the key; at most once in 10 minutes; never for someone else's order.
TEST_F(OrdersFeatureTest, TheDeliveryIsSentAgainByDmOnRequestButNotTwiceInTenMinutes) {
    services::shop_config dms;
    dms.notifications.direct_messages = true;
    services::order_service orders{store_, dms};
    services::outbox_service outbox{store_, dms};
    bot::shop_bot shop{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.orders = &orders}};
    const std::string key(32, 'K');
    const std::string reference = buy_key(key);
    (void)outbox.claim(100, std::chrono::seconds(60));  // what the purchase itself wrote (nothing here: its wallet had DMs off)
    const auto shown = shop.handle(command(customer, "order show", {{"reference", reference}}));
    ASSERT_EQ(shown.body.rows.size(), 1U);
    const auto& send = std::get<ports::button>(shown.body.rows[0].components.back());
    EXPECT_EQ(send.label, "Send to my DMs");
    EXPECT_TRUE(shop.handle(command(staff_user, "order show", {{"reference", reference}}, {staff_role})).body.rows.empty())
        << "staff see the order, not a button that would DM them";

    const auto press = [&](core::user_id who) {
        return shop.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", {}},
                            ports::component_action{send.custom_id, {}, ports::component_kind::button}});
    };
    EXPECT_EQ(press(stranger).body.content, "That order does not exist.");
    EXPECT_EQ(press(customer).body.content, "Sent: order **" + reference + "**'s delivery is on its way to your DMs.");
    EXPECT_EQ(press(customer).body.content, "Order **" + reference +
                                                "**'s delivery was sent to your DMs a moment ago; check them (or ask again in a few minutes).");
    const auto entries = outbox.claim(100, std::chrono::seconds(60));
    ASSERT_EQ(entries.size(), 1U) << "one DM, not two";
    EXPECT_EQ(entries[0].draft.recipient, std::optional<core::user_id>(customer));
    const auto dm = bot::direct_message_view(entries[0]);
    EXPECT_EQ(dm.embeds.at(0).title, "Your order " + reference);
    EXPECT_EQ(dm.embeds[0].fields.at(0).name, "Your license key");
    EXPECT_EQ(dm.embeds[0].fields[0].value, "`" + key + "`");
}

}  // namespace

namespace {

TEST_F(OrdersFeatureTest, OrdersArePagedTenAtATimeWithOlder) {
    const auto product = *catalog_.add({{}, "Games", "Keys", "Indie", "Std", money::usd_cents(100), true});
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(1200), ""}).ok());
    std::vector<std::string> references;
    for (int n = 0; n < 12; ++n) references.push_back(wallet_.purchase({customer, product.id, std::nullopt})->order.reference);
    const auto first = bot_.handle(command(customer, "orders"));
    const std::string& page1 = first.body.embeds.at(0).description;
    EXPECT_NE(page1.find(references[11]), std::string::npos) << "newest first";
    EXPECT_NE(page1.find(references[2]), std::string::npos);
    EXPECT_EQ(page1.find(references[1]), std::string::npos) << "ten a page";
    const auto& older = std::get<ports::button>(first.body.rows.at(0).components.at(0));
    EXPECT_EQ(older.label, "Older");
    const auto press = [&](core::user_id who) {
        return bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", {}},
                            ports::component_action{older.custom_id, {}, ports::component_kind::button}});
    };
    const auto second = press(customer);
    EXPECT_EQ(second.kind, ports::response_kind::update_message);
    EXPECT_NE(second.body.embeds.at(0).description.find(references[0]), std::string::npos);
    EXPECT_EQ(second.body.embeds.at(0).description.find(references[2]), std::string::npos);
    EXPECT_TRUE(second.body.rows.empty()) << "the last page";
    EXPECT_EQ(press(stranger).body.content, "No older orders.") << "another member's button lists only their own";
}

}  // namespace

namespace {

// Staff order tools (issue 12 §5): /order status for one or several orders, /order complete for
// an order paid outside the bot.
TEST_F(OrdersFeatureTest, StaffMarkSeveralOrdersAtOnceAndEachLineSaysWhatHappened) {
    // A product staff deliver by hand: its purchase stays "paid".
    const auto manual = *catalog_.add({{}, "Services", "Boosts", "Rank Boost", "Gold", money::usd_cents(300), true});
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(300), ""}).ok());
    const auto paid = wallet_.purchase({customer, manual.id, std::nullopt});
    ASSERT_TRUE(paid.ok());
    ASSERT_EQ(paid->order.status, core::order_status::paid);
    const std::string delivered = buy_key(std::string(32, 'Q'));

    const std::string refs = paid->order.reference + ", " + delivered + " AC-20990101-ZZZZZZ";
    EXPECT_EQ(bot_.handle(command(customer, "order status", {{"references", refs}, {"status", "delivered"}})).body.content,
              "Only staff members can do that.");
    const auto r = bot_.handle(command(staff_user, "order status",
                                       {{"references", refs}, {"status", "delivered"}, {"note", "Boosted on the EU server"}},
                                       {staff_role}));
    ASSERT_EQ(r.body.embeds.size(), 1U);
    EXPECT_EQ(r.body.embeds[0].title, "1 of 3 orders now delivered");
    EXPECT_EQ(r.body.embeds[0].description, "• `" + paid->order.reference + "`: delivered\n• `" + delivered +
                                                "`: already delivered\n• `AC-20990101-ZZZZZZ`: no such order\n");
    const auto shown = bot_.handle(command(customer, "order show", {{"reference", paid->order.reference}}));
    EXPECT_NE(shown.body.embeds[0].fields.back().value.find("Boosted on the EU server"), std::string::npos);

    const auto cancel = bot_.handle(command(staff_user, "order status", {{"references", delivered}, {"status", "cancelled"}}, {staff_role}));
    EXPECT_NE(cancel.body.embeds[0].description.find("not changed — it is delivered (only an unpaid order can be cancelled"),
              std::string::npos)
        << cancel.body.embeds[0].description;
}

TEST_F(OrdersFeatureTest, AnOrderPaidOutsideTheBotIsRecordedAndDeliveredOnce) {
    const auto product = *catalog_.add({{}, "Software", "Tools", "Editor Pro", "1 year", money::usd_cents(4000), true});
    std::vector<ports::command_option> options{{"user", customer},
                                               {"product", std::to_string(product.id.value)},
                                               {"price", "35.00"},
                                               {"payment", "bank transfer #123"}};
    auto i = command(staff_user, "order complete", options, {staff_role});
    const auto r = bot_.handle(i);
    EXPECT_EQ(r.body.content.rfind("Order **AC-", 0), 0U) << r.body.content;
    EXPECT_NE(r.body.content.find("recorded for <@20>: **Editor Pro - 1 year**, $35.00"), std::string::npos) << r.body.content;
    EXPECT_EQ(bot_.handle(i).body.content, r.body.content) << "a retried interaction records one order";
    const auto orders = orders_.list_for(customer, 10);
    ASSERT_EQ(orders.size(), 1U);
    EXPECT_EQ(orders[0].metadata.at("payment"), "bank transfer #123");
    EXPECT_EQ(orders[0].price_paid, money::usd_cents(3500));
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0)) << "no ledger row: the money did not pass through the wallet";
    EXPECT_EQ(bot_.handle(command(customer, "order complete", options)).body.content, "Only staff members can do that.");
}

}  // namespace
