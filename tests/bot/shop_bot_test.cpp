#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/services/license_service.hpp>
#include <apexcore/services/outbox_service.hpp>
#include <apexcore/services/promo_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace apexcore;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};

class ShopBotTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    std::vector<std::string> log_;
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, [this](const apexcore::ports::log_record& r) { log_.emplace_back(r.message); }},
                       wallet_, catalog_};
    std::uint64_t next_id_ = 1000;

    ports::interaction command(core::user_id from, std::string name, std::vector<ports::command_option> options = {},
                               std::vector<core::role_id> roles = {}) {
        return {core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {from, "member", std::move(roles)},
                ports::command_invocation{std::move(name), std::move(options)}};
    }
    ports::interaction click(core::user_id from, std::string custom_id, std::vector<std::string> values = {},
                             std::vector<core::role_id> roles = {}) {
        return {core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {from, "member", std::move(roles)},
                ports::component_action{std::move(custom_id), std::move(values)}};
    }
    /// The custom_id of the preview's button labelled `label`.
    static std::string button_id(const ports::interaction_response& r, std::string_view label) {
        for (const auto& row : r.body.rows) {
            for (const auto& c : row.components) {
                if (const auto* b = std::get_if<ports::button>(&c); b != nullptr && b->label == label) return b->custom_id;
            }
        }
        return {};
    }
    core::product add(std::int64_t cents) {
        return *catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Standard", money::usd_cents(cents), true});
    }
};

TEST_F(ShopBotTest, DeclaresItsCommands) {
    const auto commands = bot_.commands();
    ASSERT_EQ(commands.size(), 11U);
    const auto add = std::find_if(commands.begin(), commands.end(), [](const auto& c) { return c.name == "addbalance"; });
    ASSERT_NE(add, commands.end());
    EXPECT_TRUE(add->staff_only);
    EXPECT_EQ(add->options[0].type, ports::option_type::user);
    EXPECT_EQ(bot_.features().features(), (std::vector<std::string>{"wallet", "storefront", "stock", "catalog", "help"}));
}

TEST_F(ShopBotTest, AddBalanceRequiresTheStaffRole) {
    const auto r = bot_.handle(command(customer, "addbalance", {{"user", customer}, {"amount", std::string("50")}}));
    EXPECT_TRUE(r.body.ephemeral);
    EXPECT_EQ(r.body.content, "Only staff members can do that.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0));
}

TEST_F(ShopBotTest, AddBalanceShowsAPreviewAndCreditsOnceOnConfirm) {
    const auto preview = bot_.handle(command(staff_user, "addbalance",
                                             {{"user", customer}, {"amount", std::string("12.50")}, {"reason", std::string("goodwill")}},
                                             {staff_role}));
    ASSERT_EQ(preview.body.embeds.size(), 1U) << preview.body.content;
    EXPECT_EQ(preview.body.embeds[0].title, "Add $12.50 to a wallet?");
    EXPECT_EQ(preview.body.embeds[0].description, "<@20>: **$0.00** → **$12.50**");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0)) << "a preview moves nothing";
    const std::string confirm = button_id(preview, "Confirm credit");
    ASSERT_FALSE(confirm.empty());

    EXPECT_EQ(bot_.handle(click(customer, confirm)).body.content, "Only staff members can do that.");
    constexpr core::user_id other_staff{11};
    EXPECT_EQ(bot_.handle(click(other_staff, confirm, {}, {staff_role})).body.content,
              "Only the staff member who asked for this preview can confirm it.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0));

    const auto done = bot_.handle(click(staff_user, confirm, {}, {staff_role}));
    EXPECT_EQ(done.kind, ports::response_kind::update_message) << "the preview becomes the outcome";
    EXPECT_EQ(done.body.content, "Added **$12.50** to <@20>'s wallet. New balance: **$12.50**.");
    EXPECT_TRUE(done.body.rows.empty()) << "its buttons are gone";
    const auto again = bot_.handle(click(staff_user, confirm, {}, {staff_role}));  // a lost reply, pressed again
    EXPECT_EQ(again.body.content, "Already done — nothing was changed again. Added **$12.50** to <@20>'s wallet. New balance: **$12.50**.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(1250)) << "credited once";
    EXPECT_EQ(bot_.handle(click(staff_user, button_id(preview, "Cancel"), {}, {staff_role})).body.content,
              "This change was already confirmed; cancelling it now changes nothing.");
}

TEST_F(ShopBotTest, ACancelledOrExpiredPreviewCannotBeConfirmed) {
    const auto preview = bot_.handle(command(staff_user, "addbalance", {{"user", customer}, {"amount", std::string("5")}}, {staff_role}));
    EXPECT_EQ(bot_.handle(click(staff_user, button_id(preview, "Cancel"), {}, {staff_role})).body.content, "Cancelled — nothing was changed.");
    EXPECT_EQ(bot_.handle(click(staff_user, button_id(preview, "Confirm credit"), {}, {staff_role})).body.content,
              "That preview expired or was cancelled; nothing was changed. Run the command again.");
    EXPECT_EQ(bot_.handle(click(staff_user, "wal:c:123456", {}, {staff_role})).body.content,
              "That preview is not known; run the command again.");
    EXPECT_EQ(bot_.handle(click(staff_user, "wal:c:bad token!", {}, {staff_role})).body.content,
              "That preview is not known; run the command again.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0));
}

TEST_F(ShopBotTest, RemoveBalanceNeedsAReasonNeverGoesBelowZeroAndWalletShowListsTheLedger) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(1000), "start"}).ok());
    EXPECT_EQ(bot_.handle(command(staff_user, "removebalance", {{"user", customer}, {"amount", std::string("20")},
                                                               {"reason", std::string("chargeback")}},
                                  {staff_role}))
                  .body.content,
              "<@20> has only **$10.00**: a wallet never goes below zero, so **$20.00** cannot be taken.");
    EXPECT_EQ(bot_.handle(command(staff_user, "removebalance", {{"user", customer}, {"amount", std::string("4")}}, {staff_role}))
                  .body.content,
              "Usage: /removebalance user:<member> amount:<e.g. 12.50> reason:<why>");
    const auto preview = bot_.handle(command(
        staff_user, "removebalance", {{"user", customer}, {"amount", std::string("4")}, {"reason", std::string("chargeback")}},
        {staff_role}));
    EXPECT_EQ(preview.body.embeds.at(0).description, "<@20>: **$10.00** → **$6.00**");
    const auto done = bot_.handle(click(staff_user, button_id(preview, "Confirm debit"), {}, {staff_role}));
    EXPECT_EQ(done.body.content, "Took **$4.00** from <@20>'s wallet. New balance: **$6.00**.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(600));

    const auto shown = bot_.handle(command(staff_user, "wallet show", {{"user", customer}}, {staff_role}));
    ASSERT_EQ(shown.body.embeds.size(), 1U);
    const std::string& entries = shown.body.embeds[0].description;
    EXPECT_EQ(entries.rfind("<@20>: **$6.00**\n\nLast entries:\n-$4.00 withdrawal — chargeback (#2, <t:", 0), 0U) << entries;
    EXPECT_NE(entries.find("+$10.00 staff_credit — start (#1"), std::string::npos) << entries;
    EXPECT_EQ(bot_.handle(command(customer, "wallet show", {{"user", customer}})).body.content, "Only staff members can do that.");
    EXPECT_TRUE(store_.reconcile().ok());
}

TEST_F(ShopBotTest, TransactionsArePagedTenAtATimeOlderOnesBehindAButton) {
    for (int n = 1; n <= 12; ++n) {
        ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(100 * n), "credit " + std::to_string(n)}).ok());
    }
    const auto first = bot_.handle(command(customer, "transactions"));
    ASSERT_EQ(first.body.embeds.size(), 1U);
    const std::string& page = first.body.embeds[0].description;
    EXPECT_EQ(page.rfind("Balance: **$78.00**\n\n+$12.00 staff_credit — credit 12 (#12", 0), 0U) << page;
    EXPECT_NE(page.find("credit 3 (#3"), std::string::npos);
    EXPECT_EQ(page.find("credit 2 (#2"), std::string::npos) << "ten a page";
    ASSERT_EQ(first.body.rows.size(), 1U);
    const auto& older = std::get<ports::button>(first.body.rows[0].components.at(0));
    EXPECT_EQ(older.custom_id, "wal:t:3");

    const auto second = bot_.handle(click(customer, older.custom_id));
    EXPECT_EQ(second.kind, ports::response_kind::update_message);
    EXPECT_NE(second.body.embeds.at(0).description.find("credit 2 (#2"), std::string::npos);
    EXPECT_NE(second.body.embeds.at(0).description.find("credit 1 (#1"), std::string::npos);
    EXPECT_TRUE(second.body.rows.empty()) << "the oldest page";

    // Pressing someone else's button pages through your own ledger, never theirs.
    constexpr core::user_id other{30};
    const auto theirs = bot_.handle(click(other, older.custom_id));
    EXPECT_NE(theirs.body.embeds.at(0).description.find("No older entries."), std::string::npos);
    EXPECT_EQ(bot_.handle(click(customer, "wal:t:x")).body.content, "This button is not valid.");
}

TEST_F(ShopBotTest, AddBalanceRejectsBadAmountsWithTheReason) {
    for (const char* amount : {"-5", "0", "abc", "1.234", "99999999999999999999"}) {
        const auto r = bot_.handle(command(staff_user, "addbalance", {{"user", customer}, {"amount", std::string(amount)}},
                                           {staff_role}));
        EXPECT_TRUE(r.body.ephemeral);
        EXPECT_TRUE(r.body.rows.empty()) << amount << ": no preview, nothing to confirm: " << r.body.content;
    }
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(0));
}

TEST_F(ShopBotTest, BuyFlowFromSelectToConfirmation) {
    const auto product = add(1200);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());

    const auto menu = bot_.handle(command(customer, "buy"));
    ASSERT_EQ(menu.body.rows.size(), 1U);
    const auto& select = std::get<ports::string_select>(menu.body.rows[0].components[0]);
    ASSERT_EQ(select.options.size(), 1U);
    EXPECT_EQ(select.options[0].value, std::to_string(product.id.value));

    const auto card = bot_.handle(click(customer, select.custom_id, {select.options[0].value}));
    EXPECT_EQ(card.kind, ports::response_kind::update_message);
    const auto& button = std::get<ports::button>(card.body.rows.at(0).components.at(0));
    EXPECT_FALSE(button.disabled);

    // The final confirmation: the exact total and the balance after it; nothing charged yet.
    const auto review = bot_.handle(click(customer, button.custom_id));
    EXPECT_EQ(review.kind, ports::response_kind::update_message);
    ASSERT_EQ(review.body.embeds.size(), 1U);
    EXPECT_EQ(review.body.embeds[0].title, "Confirm your purchase");
    EXPECT_EQ(review.body.embeds[0].fields.at(0).value, "**$12.00**");
    EXPECT_EQ(review.body.embeds[0].fields.at(1).name, "Balance after");
    EXPECT_EQ(review.body.embeds[0].fields.at(1).value, "$8.00");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000));
    const auto& confirm = std::get<ports::button>(review.body.rows.at(0).components.at(0));
    EXPECT_EQ(confirm.label, "Confirm — pay $12.00");

    const auto done = bot_.handle(click(customer, confirm.custom_id));
    EXPECT_TRUE(done.body.ephemeral);
    EXPECT_TRUE(done.body.content.starts_with("Thank you! Order **AC-")) << done.body.content;
    ASSERT_EQ(done.body.embeds.size(), 1U);
    EXPECT_TRUE(done.body.embeds[0].title.starts_with("Order AC-")) << "the reference /order and the DM show";
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(800));
}

TEST_F(ShopBotTest, ForgedOrStaleCustomIdsGetAClearErrorAndChargeNothing) {
    const auto product = add(1200);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());
    const std::string forged_price = "ac1:b:" + std::to_string(product.id.value) + ":1";
    EXPECT_EQ(bot_.handle(click(customer, forged_price)).body.content,
              core::describe(core::rejection::price_changed));
    // Another codec version is another namespace: no feature owns it.
    EXPECT_EQ(bot_.handle(click(customer, "ac0:b:1:1200")).body.content, bot::stale_component_reply);
    EXPECT_EQ(bot_.handle(click(customer, "ac1:b:abc:1")).body.content, describe(bot::custom_id_error::malformed));
    EXPECT_EQ(bot_.handle(click(customer, "ac1:b:999:1200")).body.content,
              core::describe(core::rejection::unknown_product));
    EXPECT_EQ(bot_.handle(click(customer, "ac1:s", {"999"})).body.content,
              core::describe(core::rejection::unknown_product));
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000));
}

TEST_F(ShopBotTest, BuyWithoutFundsIsRefused) {
    const auto product = add(1200);
    const auto r = bot_.handle(click(customer, bot::encode_custom_id({bot::component_kind::buy_product, product.id, 1200})));
    EXPECT_EQ(r.body.content, core::describe(core::rejection::insufficient_funds));
}

TEST_F(ShopBotTest, EmptyShopSaysSo) {
    EXPECT_EQ(bot_.handle(command(customer, "buy")).body.content, "The shop has no products for sale right now.");
}

TEST_F(ShopBotTest, BalanceShowsFormattedMoney) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(1234), ""}).ok());
    EXPECT_EQ(bot_.handle(command(customer, "balance")).body.content, "Your wallet balance is **$12.34**.");
}

}  // namespace

namespace {

// A license key that was charged for is shown to the buyer in the receipt (only they see it).
TEST_F(ShopBotTest, TheReceiptShowsTheLicenseKeyThatWasBought) {
    auto product = *catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Key", money::usd_cents(500), true, {}, {}, {}, {},
                                  {}, {}, {{core::deliverable_kind::key, ""}}});
    services::license_service keys(store_, services::shop_config{});
    const auto imported = keys.import_keys({staff_user, true}, product.id, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789\n");
    ASSERT_TRUE(imported.ok());
    ASSERT_EQ(imported->added, 1U);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(500), ""}).ok());
    const auto done = bot_.handle(click(customer, bot::encode_custom_id({bot::component_kind::buy_product, product.id, 500})));
    ASSERT_EQ(done.body.embeds.size(), 1U) << done.body.content;
    const auto& fields = done.body.embeds[0].fields;
    const auto key = std::find_if(fields.begin(), fields.end(), [](const auto& f) { return f.name == "Your license key"; });
    ASSERT_NE(key, fields.end()) << "the key was charged for but not shown";
    EXPECT_EQ(key->value, "`ABCDEFGHJKLMNPQRSTUVWXYZ23456789`");
    EXPECT_TRUE(done.body.ephemeral);
}

}  // namespace

namespace {

// A checkout is one-time: the same "Buy with wallet" button pressed twice (a double-click, a
// second device) charges once; the second press shows the first receipt and says so.
TEST_F(ShopBotTest, APriceThatChangesBetweenTheConfirmationAndConfirmChargesNothing) {
    auto product = add(700);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());
    const auto card = bot_.handle(click(customer, "ac1:s", {std::to_string(product.id.value)}));
    const auto review = bot_.handle(click(customer, std::get<ports::button>(card.body.rows.at(0).components.at(0)).custom_id));
    const std::string confirm = std::get<ports::button>(review.body.rows.at(0).components.at(0)).custom_id;
    product.price = money::usd_cents(900);
    ASSERT_TRUE(catalog_.update({staff_user, true}, product).ok());
    EXPECT_EQ(bot_.handle(click(customer, confirm)).body.content, core::describe(core::rejection::price_changed));
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000)) << "the member confirmed $7.00, not $9.00";
}

TEST_F(ShopBotTest, PressingTheSameBuyButtonTwiceChargesOnce) {
    const auto product = add(700);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());
    const auto menu = bot_.handle(command(customer, "buy"));
    const auto& select = std::get<ports::string_select>(menu.body.rows.at(0).components.at(0));
    const auto card = bot_.handle(click(customer, select.custom_id, {std::to_string(product.id.value)}));
    // Buy opens the confirmation; its Confirm button is the purchase.
    const auto confirm_of = [&](const std::string& review) {
        return std::get<ports::button>(bot_.handle(click(customer, review)).body.rows.at(0).components.at(0)).custom_id;
    };
    const std::string buy = confirm_of(std::get<ports::button>(card.body.rows.at(0).components.at(0)).custom_id);

    const auto first = bot_.handle(click(customer, buy));
    const auto second = bot_.handle(click(customer, buy));  // a new interaction, the same button
    EXPECT_EQ(first.kind, ports::response_kind::update_message);
    const std::string reference = first.body.embeds.at(0).title.substr(6);  // "Order AC-…"
    EXPECT_EQ(first.body.content, "Thank you! Order **" + reference + "** is paid.");
    EXPECT_EQ(second.body.content, "Already bought — nothing was charged again. Order **" + reference + "** is paid.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(1300)) << "charged once";
    const auto& bought = std::get<ports::button>(first.body.rows.at(0).components.at(0));
    EXPECT_TRUE(bought.disabled);
    EXPECT_EQ(bought.label, "Bought");

    // A new card (a new checkout) buys again.
    const auto card2 = bot_.handle(click(customer, select.custom_id, {std::to_string(product.id.value)}));
    const auto third = bot_.handle(click(customer, confirm_of(std::get<ports::button>(card2.body.rows.at(0).components.at(0)).custom_id)));
    EXPECT_TRUE(third.body.content.starts_with("Thank you! Order **AC-")) << third.body.content;
    EXPECT_EQ(third.body.content.find(reference), std::string::npos) << "another order";
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(600));
}

}  // namespace

namespace {

// /help lists what the asker may use: members do not see staff commands; staff see them apart.
TEST_F(ShopBotTest, HelpListsTheCommandsTheMemberMayUse) {
    const auto member = bot_.handle(command(customer, "help"));
    ASSERT_EQ(member.body.embeds.size(), 1U);
    const auto& listed = member.body.embeds[0].description;
    EXPECT_NE(listed.find("`/balance` — Show your wallet balance"), std::string::npos) << listed;
    EXPECT_NE(listed.find("`/buy [product]`"), std::string::npos) << listed;
    EXPECT_NE(listed.find("`/help`"), std::string::npos) << listed;
    EXPECT_EQ(listed.find("addbalance"), std::string::npos) << "a staff command shown to a member";
    EXPECT_TRUE(member.body.embeds[0].fields.empty());
    EXPECT_TRUE(member.body.ephemeral);

    const auto staff = bot_.handle(command(staff_user, "help", {}, {staff_role}));
    ASSERT_EQ(staff.body.embeds.size(), 1U);
    ASSERT_EQ(staff.body.embeds[0].fields.size(), 1U);
    EXPECT_EQ(staff.body.embeds[0].fields[0].name, "Staff");
    EXPECT_EQ(staff.body.embeds[0].fields[0].value,
              "`/addbalance user amount [reason]` — Staff: add money to a member's wallet (after a preview)\n"
              "`/catalog export` — Staff: every product as a CSV file\n"
              "`/product add|edit|disable|enable|show` — Staff: the products for sale\n"
              "`/removebalance user amount reason` — Staff: take money from a member's wallet (after a preview)\n"
              "`/shop panel` — Staff: post the shop panel in this channel, for everyone to browse and buy\n"
              "`/stock check|add|set` — Staff: stock of the products\n"
              "`/wallet show user` — Staff: a member's balance and last ledger entries\n");
    EXPECT_NE(listed.find("`/transactions`"), std::string::npos) << listed;
}

}  // namespace
