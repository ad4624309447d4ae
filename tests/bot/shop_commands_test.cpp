// The storefront card and checkout (issue 11 §1, §2, §4, §5, §7) and the staff shop commands
// (issue 12 §2, §3), through bot::shop_bot with an in-memory store.
#include <apexcore/bot/custom_id.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/bot/views.hpp>
#include <apexcore/services/member_service.hpp>
#include <apexcore/services/order_service.hpp>
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

}  // namespace

namespace {

// The product card (issue 11 §1, §5): the price this member pays with their role or VIP discount,
// and the stock state — a sold-out product cannot be bought.
class ProductCardTest : public ::testing::Test {
protected:
    static constexpr core::role_id gold{900};
    static services::shop_config with_tiers() {
        services::shop_config c;
        c.tiers = {{"Gold", gold, core::tier_mode::manual, 0, 1000}};  // 10 % off for members holding Gold
        return c;
    }
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, with_tiers()};
    services::catalog_service catalog_{store_, with_tiers()};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_};
    std::uint64_t next_id_ = 1000;

    ports::interaction click(std::string custom_id, std::vector<std::string> values, std::vector<core::role_id> roles) {
        return {core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {customer, "member", std::move(roles)},
                ports::component_action{std::move(custom_id), std::move(values)}};
    }
    /// The card of `product` as `roles` see it.
    ports::interaction_response card(const core::product& product, std::vector<core::role_id> roles) {
        const auto menu = bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2},
                                       {customer, "member", roles}, ports::command_invocation{"buy", {}}});
        const auto& select = std::get<ports::string_select>(menu.body.rows.at(0).components.at(0));
        return bot_.handle(click(select.custom_id, {std::to_string(product.id.value)}, std::move(roles)));
    }
    static std::string field(const ports::interaction_response& r, std::string_view name) {
        for (const auto& f : r.body.embeds.at(0).fields) {
            if (f.name == name) return f.value;
        }
        return "(none)";
    }
    static const ports::button& button(const ports::interaction_response& r) {
        return std::get<ports::button>(r.body.rows.at(0).components.at(0));
    }
    core::product add(std::int64_t cents, std::optional<std::int64_t> stock) {
        core::product p{{}, "Games", "Keys", "Indie Bundle", "Edition " + std::to_string(next_id_++), money::usd_cents(cents), true};
        p.stock = stock;
        p.low_stock_threshold = 5;
        return *catalog_.add(p);
    }
};

TEST_F(ProductCardTest, AMemberWithADiscountSeesAndPaysTheDiscountedPrice) {
    const auto p = add(1200, std::nullopt);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());
    const auto plain = card(p, {});
    EXPECT_EQ(field(plain, "Price"), "$12.00");
    EXPECT_EQ(field(plain, "Your discount"), "(none)");

    const auto discounted = card(p, {gold});
    EXPECT_EQ(field(discounted, "Price"), "~~$12.00~~ **$10.80**");
    EXPECT_EQ(field(discounted, "Your discount"), "10 % (your VIP tier or role)");
    EXPECT_EQ(field(discounted, "Stock"), "(none)") << "unlimited stock says nothing";
    const auto review = bot_.handle(click(button(discounted).custom_id, {}, {gold}));
    const auto& confirm = std::get<ports::button>(review.body.rows.at(0).components.at(0));
    EXPECT_EQ(confirm.label, "Confirm — pay $10.80");
    EXPECT_EQ(bot_.handle(click(confirm.custom_id, {}, {})).body.content, core::describe(core::rejection::price_changed))
        << "without the role the total is not the one confirmed: nothing is charged";
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000));
    const auto receipt = bot_.handle(click(confirm.custom_id, {}, {gold}));
    EXPECT_TRUE(receipt.body.content.starts_with("Thank you! Order **AC-")) << receipt.body.content;
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(920)) << "charged the price the card showed";
}

// Customisation (issue 11 §2): a product's questions are asked in a modal after Confirm; the
// answers are kept in the order's metadata, and /order shows them.
TEST_F(ProductCardTest, AProductWithQuestionsAsksThemAndKeepsTheAnswersWithTheOrder) {
    core::product draft{{}, "Games", "Boosts", "Rank boost", "Gold", money::usd_cents(500), true};
    draft.questions = {"Your in-game name", "Your server region"};
    const auto p = *catalog_.add(draft);
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(2000), ""}).ok());
    const auto review = bot_.handle(click(button(card(p, {})).custom_id, {}, {}));
    EXPECT_EQ(field(review, "Before buying"), "You answer 2 questions for staff.");
    const auto& confirm = std::get<ports::button>(review.body.rows.at(0).components.at(0));
    EXPECT_EQ(confirm.label, "Confirm — pay $5.00");
    const auto form = bot_.handle(click(confirm.custom_id, {}, {}));
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    ASSERT_EQ(form.form.inputs.size(), 2U);
    EXPECT_EQ(form.form.inputs[0].label, "Your in-game name");
    EXPECT_EQ(form.form.inputs[1].max_length, static_cast<int>(core::product_answer_length_max));
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000)) << "asking charges nothing";

    const auto submit = [&](std::vector<std::pair<std::string, std::string>> answers) {
        return bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {customer, "member", {}},
                            ports::modal_submit{form.form.custom_id, std::move(answers)}});
    };
    EXPECT_EQ(submit({{"q0", "Kestrel"}, {"q1", "  "}}).body.content, "Please answer \"Your server region\". Nothing was charged.");
    EXPECT_EQ(submit({{"q0", std::string(401, 'x')}, {"q1", "EU"}}).body.content,
              "The answer to \"Your in-game name\" is too long (at most 400 characters). Nothing was charged.");
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(2000));
    const auto done = submit({{"q0", "Kestrel"}, {"q1", "EU West"}});
    ASSERT_TRUE(done.body.content.starts_with("Thank you! Order **AC-")) << done.body.content;
    EXPECT_EQ(wallet_.balance(customer), money::usd_cents(1500));
    EXPECT_TRUE(submit({{"q0", "Other"}, {"q1", "US"}}).body.content.starts_with("Already bought")) << "one checkout";

    const std::string reference = done.body.embeds.at(0).title.substr(6);
    services::order_service orders{store_, with_tiers()};
    const auto order = orders.find_by_reference({staff_user, true}, reference);
    ASSERT_TRUE(order.ok());
    EXPECT_EQ(order->metadata.at("answer: Your in-game name"), "Kestrel");
    bot::shop_bot with_orders{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.orders = &orders}};
    const auto shown = with_orders.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2},
                                           {staff_user, "staff", {staff_role}}, ports::command_invocation{"order show", {{"reference", reference}}}});
    EXPECT_EQ(field(shown, "Answers"), "**Your in-game name**: Kestrel\n**Your server region**: EU West\n");
}

TEST_F(ProductCardTest, FewLeftIsShownAndASoldOutProductCannotBeBought) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(5000), ""}).ok());
    const auto few = card(add(100, 3), {});
    EXPECT_EQ(field(few, "Stock"), "Only 3 left");
    EXPECT_FALSE(button(few).disabled);
    const auto plenty = card(add(100, 50), {});
    EXPECT_EQ(field(plenty, "Stock"), "(none)");

    const auto sold_out = card(add(100, 0), {});
    EXPECT_EQ(field(sold_out, "Stock"), "Sold out");
    EXPECT_EQ(button(sold_out).label, "Sold out");
    EXPECT_TRUE(button(sold_out).disabled);
}

}  // namespace

namespace {

// /profile (issue 11 §4): tier, lifetime spend, purchases, discount, and what the next tier needs.
TEST(ProfileFeatureTest, ShowsTheTierTheDiscountAndWhatTheNextTierNeeds) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::shop_config config;
    config.tiers = {{"Client", core::role_id{1}, core::tier_mode::automatic_first_purchase, 0, 0},
                    {"Gold", core::role_id{2}, core::tier_mode::automatic_spend, 5000, 500},
                    {"Platinum", core::role_id{3}, core::tier_mode::automatic_spend, 20000, 1250}};
    services::wallet_service wallet{store, config};
    services::catalog_service catalog{store, config};
    services::member_service members{store, config};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog, {.members = &members}};
    const auto ask = [&](std::vector<core::role_id> roles = {}) {
        return bot.handle({core::interaction_id{5000}, core::guild_id{1}, core::channel_id{2}, {customer, "member", std::move(roles)},
                           ports::command_invocation{"profile", {}}});
    };
    const auto field = [](const ports::interaction_response& r, std::string_view name) {
        for (const auto& f : r.body.embeds.at(0).fields) {
            if (f.name == name) return f.value;
        }
        return std::string("(none)");
    };
    const auto fresh = ask();
    EXPECT_EQ(field(fresh, "Lifetime spend"), "$0.00");
    EXPECT_EQ(field(fresh, "VIP tier"), "none yet");
    EXPECT_EQ(field(fresh, "Next tier"), "Spend $50.00 more to reach Gold: 5 % off");

    const auto p = *catalog.add({{}, "Games", "Keys", "Bundle", "Big", money::usd_cents(6000), true});
    ASSERT_TRUE(wallet.staff_credit({{staff_user, true}, customer, money::usd_cents(6000), ""}).ok());
    ASSERT_TRUE(wallet.purchase({customer, p.id, std::nullopt}).ok());
    const auto after = ask();
    EXPECT_EQ(field(after, "Lifetime spend"), "$60.00");
    EXPECT_EQ(field(after, "Purchases"), "1");
    EXPECT_EQ(field(after, "VIP tier"), "Client, Gold");
    EXPECT_EQ(field(after, "Your discount"), "5 % on every price");
    EXPECT_EQ(field(after, "Next tier"), "Spend $140.00 more to reach Platinum: 12.5 % off");
    EXPECT_TRUE(after.body.ephemeral);
    EXPECT_EQ(field(ask({core::role_id{3}}), "Your discount"), "12.5 % on every price") << "a role held on Discord counts";
}

}  // namespace

namespace {

// A purchase cooldown (issue 11 §7) tells the member when they may buy again.
TEST(PurchaseCooldownTest, TheRefusalSaysWhenToTryAgainAndChargesNothing) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::shop_config config;
    config.cooldowns.purchases = core::cooldown_rule{1, std::chrono::minutes(30)};
    services::wallet_service wallet{store, config};
    services::catalog_service catalog{store, config};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog};
    const auto p = *catalog.add({{}, "Games", "Keys", "Indie", "Std", money::usd_cents(100), true});
    ASSERT_TRUE(wallet.staff_credit({{staff_user, true}, customer, money::usd_cents(1000), ""}).ok());
    std::uint64_t id = 7000;
    const auto press = [&] {
        const std::string buy = bot::encode_custom_id({bot::component_kind::buy_product, p.id, 100, core::interaction_id{id}});
        return bot.handle({core::interaction_id{id++}, core::guild_id{1}, core::channel_id{2}, {customer, "member", {}},
                           ports::component_action{buy, {}, ports::component_kind::button}});
    };
    EXPECT_TRUE(press().body.content.starts_with("Thank you!"));
    const auto refused = press();
    EXPECT_TRUE(refused.body.content.starts_with("You have made as many purchases as the shop allows for now; you can buy again <t:"))
        << refused.body.content;
    EXPECT_TRUE(refused.body.content.ends_with(":R>. Nothing was charged.")) << refused.body.content;
    EXPECT_EQ(wallet.balance(customer), money::usd_cents(900));
}

}  // namespace

namespace {

// A promo code at checkout (issue 11 §2): typed in a modal, the card re-drawn with the discount
// and why, or with the reason a code does not apply; the purchase charges the card's price.
TEST(PromoCheckoutTest, ACodeTypedInTheModalPricesTheCardAndThePurchase) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::wallet_service wallet{store, services::shop_config{}};
    services::catalog_service catalog{store, services::shop_config{}};
    services::promo_service promos{store, services::shop_config{}};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog};
    const auto p = *catalog.add({{}, "Games", "Keys", "Indie", "Std", money::usd_cents(2000), true});
    core::promo_code summer;
    summer.code = "SUMMER10";
    summer.percent = 1000;
    ASSERT_TRUE(promos.upsert({staff_user, true}, summer).ok());
    ASSERT_TRUE(wallet.staff_credit({{staff_user, true}, customer, money::usd_cents(5000), ""}).ok());
    std::uint64_t next = 100;
    using action_type = std::variant<ports::command_invocation, ports::component_action, ports::modal_submit, ports::autocomplete_request>;
    const auto as = [&](action_type a) {
        return bot.handle({core::interaction_id{next++}, core::guild_id{1}, core::channel_id{2}, {customer, "member", {}}, std::move(a)});
    };
    const auto card = as(ports::component_action{"ac1:s", {std::to_string(p.id.value)}, ports::component_kind::string_select});
    const auto& promo_button = std::get<ports::button>(card.body.rows.at(0).components.at(1));
    EXPECT_EQ(promo_button.label, "Promo code");
    const auto form = as(ports::component_action{promo_button.custom_id, {}, ports::component_kind::button});
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);

    const auto wrong = as(ports::modal_submit{form.form.custom_id, {{"code", "NOPE"}}});
    EXPECT_EQ(wrong.kind, ports::response_kind::update_message);
    EXPECT_EQ(wrong.body.content.rfind("The code `NOPE` does not apply: ", 0), 0U) << wrong.body.content;
    const auto junk = as(ports::modal_submit{form.form.custom_id, {{"code", "a b"}}});
    EXPECT_EQ(junk.body.content, "A promo code is 1 to 32 letters, digits, _ or -; nothing was applied.");

    const auto priced = as(ports::modal_submit{form.form.custom_id, {{"code", " summer10 "}}});
    EXPECT_TRUE(priced.body.content.empty()) << priced.body.content;
    std::string price, code;
    for (const auto& f : priced.body.embeds.at(0).fields) {
        if (f.name == "Price") price = f.value;
        if (f.name == "Promo code") code = f.value;
    }
    EXPECT_EQ(price, "~~$20.00~~ **$18.00**");
    EXPECT_EQ(code, "summer10: −$2.00");
    const auto& buy = std::get<ports::button>(priced.body.rows.at(0).components.at(0));
    const auto& original = std::get<ports::button>(card.body.rows.at(0).components.at(0));
    EXPECT_EQ(buy.custom_id, original.custom_id + ":summer10") << "the same checkout, with the code";
    const auto review = as(ports::component_action{buy.custom_id, {}, ports::component_kind::button});
    ASSERT_EQ(review.body.embeds.size(), 1U);
    EXPECT_EQ(review.body.embeds[0].fields.at(0).value, "~~$20.00~~ **$18.00**");
    EXPECT_EQ(review.body.embeds[0].fields.at(1).value, "summer10: −$2.00");
    const auto& confirm = std::get<ports::button>(review.body.rows.at(0).components.at(0));
    EXPECT_EQ(confirm.label, "Confirm — pay $18.00");
    const auto done = as(ports::component_action{confirm.custom_id, {}, ports::component_kind::button});
    EXPECT_TRUE(done.body.content.starts_with("Thank you!")) << done.body.content;
    EXPECT_EQ(wallet.balance(customer), money::usd_cents(3200)) << "charged the card's $18.00";
    EXPECT_TRUE(bot::decode_custom_id(buy.custom_id + "x!").ok() == false);
}

}  // namespace

namespace {

// /promo for staff (issue 12 §3): create with the precise reason for a bad definition, list,
// info, deactivate, delete only when unused.
TEST(PromoCommandsTest, StaffCreateListDeactivateAndDeleteCodes) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::wallet_service wallet{store, services::shop_config{}};
    services::catalog_service catalog{store, services::shop_config{}};
    services::promo_service promos{store, services::shop_config{}};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog, {.promos = &promos}};
    std::uint64_t next = 300;
    const auto promo = [&](std::string sub, std::vector<ports::command_option> options, core::user_id who = staff_user) {
        return bot.handle({core::interaction_id{next++}, core::guild_id{1}, core::channel_id{2},
                           {who, "member", who == staff_user ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}},
                           ports::command_invocation{"promo " + sub, std::move(options)}})
            .body.content;
    };
    EXPECT_EQ(promo("list", {}, customer), "Only staff members can do that.");
    EXPECT_EQ(promo("list", {}), "No promo codes yet. Create one with /promo create.");
    EXPECT_EQ(promo("create", {{"code", std::string("X")}}), "Give either `percent` or `amount`: how much the code takes off.");
    EXPECT_EQ(promo("create", {{"code", std::string("bad code")}, {"percent", std::int64_t{10}}}),
              "The code must be 1 to 32 letters, digits, _ or -.");
    EXPECT_EQ(promo("create", {{"code", std::string("BIG")}, {"amount", std::string("0")}}),
              "An amount code takes a positive amount off, in the shop's currency.");
    EXPECT_EQ(promo("create", {{"code", std::string("SUMMER10")}, {"percent", std::int64_t{10}}, {"max_uses", std::int64_t{100}}}),
              "`SUMMER10` is ready: 10 % off · used 0 of 100. Members type it with the Promo code button on a product.");
    EXPECT_EQ(promo("create", {{"code", std::string("FIVE")}, {"amount", std::string("5.00")}, {"min_spend", std::string("20")}}),
              "`FIVE` is ready: $5.00 off · used 0 · from $20.00. Members type it with the Promo code button on a product.");

    const auto listed = bot.handle({core::interaction_id{next++}, core::guild_id{1}, core::channel_id{2}, {staff_user, "m", {staff_role}},
                                    ports::command_invocation{"promo list", {}}});
    EXPECT_EQ(listed.body.embeds.at(0).description, "`FIVE` — $5.00 off · used 0 · from $20.00\n`SUMMER10` — 10 % off · used 0 of 100\n");

    // Used once, it can only be switched off; unused, it can go.
    const auto p = *catalog.add({{}, "Games", "Keys", "Indie", "Std", money::usd_cents(2000), true});
    ASSERT_TRUE(wallet.staff_credit({{staff_user, true}, customer, money::usd_cents(5000), ""}).ok());
    services::purchase_request r{customer, p.id, std::nullopt};
    r.promo_code = "summer10";
    ASSERT_TRUE(wallet.purchase(r).ok());
    EXPECT_EQ(promo("delete", {{"code", std::string("summer10")}}),
              "`summer10` has been used, and its uses keep it: /promo deactivate switches it off instead.");
    EXPECT_EQ(promo("deactivate", {{"code", std::string("summer10")}}),
              "`SUMMER10` is off: members can no longer use it. Its past uses are kept.");
    EXPECT_EQ(wallet.purchase(r).error(), core::rejection::promo_inactive);
    EXPECT_EQ(promo("delete", {{"code", std::string("five")}}), "`FIVE` is deleted.");
    EXPECT_EQ(promo("info", {{"code", std::string("five")}}), std::string(core::describe(core::rejection::unknown_promo_code)));
}

}  // namespace

namespace {

// /stock for staff (issue 12 §2): check, add, set, with autocomplete; alerts go through the outbox.
TEST(StockCommandsTest, StaffCheckAddAndSetStock) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::shop_config config;
    config.notifications.log_topics = {core::log_topic::orders};
    services::wallet_service wallet{store, config};
    services::catalog_service catalog{store, config};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog};
    core::product counted{{}, "Games", "Keys", "Indie Bundle", "Std", money::usd_cents(100), true};
    counted.stock = 0;
    counted.low_stock_threshold = 5;
    const auto p = *catalog.add(counted);
    std::uint64_t next = 900;
    using action_type = std::variant<ports::command_invocation, ports::component_action, ports::modal_submit, ports::autocomplete_request>;
    const auto as = [&](core::user_id who, action_type a) {
        std::vector<core::role_id> roles;
        if (who == staff_user) roles.push_back(staff_role);
        return bot.handle({core::interaction_id{next++}, core::guild_id{1}, core::channel_id{2}, {who, "m", roles}, std::move(a)});
    };
    const auto suggested = as(staff_user, ports::autocomplete_request{"stock add", "product", "indie", {}});
    ASSERT_EQ(suggested.choices.size(), 1U);
    EXPECT_EQ(suggested.choices[0].name, "Indie Bundle - Std — 0 left");
    EXPECT_TRUE(as(customer, ports::autocomplete_request{"stock add", "product", "indie", {}}).choices.empty()) << "staff only";
    const std::string id = std::get<std::string>(suggested.choices[0].value);

    EXPECT_EQ(as(customer, ports::command_invocation{"stock check", {{"product", id}}}).body.content, "Only staff members can do that.");
    EXPECT_EQ(as(staff_user, ports::command_invocation{"stock check", {{"product", id}}}).body.content,
              "**Indie Bundle - Std**: 0 in stock (low at 5, critical at 1).");
    EXPECT_EQ(as(staff_user, ports::command_invocation{"stock add", {{"product", id}, {"units", std::int64_t{3}}}}).body.content,
              "**Indie Bundle - Std**: 3 in stock (low at 5, critical at 1).");
    EXPECT_EQ(as(staff_user, ports::command_invocation{"stock set", {{"product", std::string("bundle")}, {"count", std::string("-2")}}})
                  .body.content,
              "The count is a number of units from 0 to 1000000000, or \"unlimited\".");
    EXPECT_EQ(as(staff_user, ports::command_invocation{"stock set", {{"product", std::string("bundle")}, {"count", std::string("unlimited")}}})
                  .body.content,
              "**Indie Bundle - Std**: unlimited (not counted).");
    EXPECT_EQ(as(staff_user, ports::command_invocation{"stock check", {{"product", std::string("nothing like it")}}}).body.content,
              "No single product matches; pick one of the suggestions.");
    // The restock from 0 was written for the orders log ("Back in stock").
    services::outbox_service outbox{store, config};
    const auto entries = outbox.claim(10, std::chrono::seconds(60));
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "stock.restocked");
}

}  // namespace

namespace {

// Staff: /vip assign|remove for manual tiers, /warranty renew (issue 12 §5).
TEST(StaffTierAndWarrantyTest, VipAssignRemoveAndWarrantyRenew) {
    constexpr core::role_id partner{901};
    services::shop_config config;
    config.tiers = {{"Partner", partner, core::tier_mode::manual, 0, 1500}, {"Gold", core::role_id{902}, core::tier_mode::automatic_spend, 5000, 500}};
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::wallet_service wallet{store, config};
    services::catalog_service catalog{store, config};
    services::member_service members{store, config};
    services::order_service orders{store, config};
    bot::shop_bot bot{{core::guild_id{1}, staff_role, core::usd, {}}, wallet, catalog, {.orders = &orders, .members = &members}};
    std::uint64_t next = 100;
    const auto as = [&](core::user_id who, std::string name, std::vector<ports::command_option> options, bool staff) {
        return bot.handle({core::interaction_id{next++}, core::guild_id{1}, core::channel_id{2},
                           {who, "someone", staff ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}},
                           ports::command_invocation{std::move(name), std::move(options)}});
    };
    // Only the manual tier is offered.
    const auto commands = bot.commands();
    const auto vip = std::find_if(commands.begin(), commands.end(), [](const auto& c) { return c.name == "vip"; });
    ASSERT_NE(vip, commands.end());
    EXPECT_TRUE(vip->staff_only);
    ASSERT_EQ(vip->subcommands.at(0).options.at(1).choices.size(), 1U);
    EXPECT_EQ(vip->subcommands[0].options[1].choices[0].name, "Partner");

    EXPECT_EQ(as(customer, "vip assign", {{"user", customer}, {"tier", std::string("Partner")}}, false).body.content,
              "Only staff members can do that.");
    EXPECT_EQ(as(staff_user, "vip assign", {{"user", customer}, {"tier", std::string("Gold")}}, true).body.content,
              "`Gold` is not a tier staff give by hand.");
    EXPECT_EQ(as(staff_user, "vip assign", {{"user", customer}, {"tier", std::string("Partner")}}, true).body.content,
              "<@20> now holds **Partner** (15 % off); the role is given on Discord in a moment.");
    EXPECT_EQ(members.standing(customer).discount, 1500);
    EXPECT_EQ(as(staff_user, "vip assign", {{"user", customer}, {"tier", std::string("Partner")}}, true).body.content,
              "<@20> already holds **Partner**; nothing changed.");
    EXPECT_EQ(as(staff_user, "vip remove", {{"user", customer}, {"tier", std::string("Partner")}}, true).body.content,
              "<@20> no longer holds **Partner** (15 % off); the role is taken back on Discord in a moment.");
    EXPECT_EQ(members.standing(customer).discount, 0);

    // /warranty renew: a delivered order of a product with a duration.
    core::product p{{}, "Software", "Tools", "Editor", "1 year", money::usd_cents(1000), true};
    p.duration_days = 30;
    p.delivery_payload = "https://example.com/d";
    const auto product = *catalog.add(p);
    const auto plain = *catalog.add({{}, "Software", "Tools", "Stickers", "Pack", money::usd_cents(100), true});
    ASSERT_TRUE(wallet.staff_credit({{staff_user, true}, customer, money::usd_cents(5000), ""}).ok());
    const auto bought = wallet.purchase({customer, product.id, std::nullopt});
    const auto other = wallet.purchase({customer, plain.id, std::nullopt});
    ASSERT_TRUE(bought.ok() && other.ok());
    const auto before = *orders.find({staff_user, true}, bought->order.id)->warranty_expires_at;
    EXPECT_EQ(as(customer, "warranty renew", {{"reference", bought->order.reference}}, false).body.content, "Only staff members can do that.");
    const auto renewed = as(staff_user, "warranty renew", {{"reference", bought->order.reference}}, true);
    const auto after = *orders.find({staff_user, true}, bought->order.id)->warranty_expires_at;
    EXPECT_EQ(after, before + std::chrono::days(30)) << "from the later of now and the current end";
    EXPECT_EQ(renewed.body.content, "Order **" + bought->order.reference + "**'s warranty now runs until " + bot::discord_time(after, 'D') + ".");
    EXPECT_EQ(as(staff_user, "warranty renew", {{"reference", other->order.reference}}, true).body.content,
              "Order **" + other->order.reference +
                  "** has no warranty to renew: it is paid, and only a delivered order of a product with a duration has one.");
    EXPECT_EQ(as(staff_user, "warranty renew", {{"reference", std::string("AC-NOPE")}}, true).body.content, "That order does not exist.");
}

}  // namespace
