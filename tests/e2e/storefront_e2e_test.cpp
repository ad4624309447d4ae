// End to end (issue 11 §1): the real apexbot with a 30-product catalog against the sandbox — the
// shop panel posted by staff, browsed by a member page by page (the sandbox checks every
// component the way Discord does), a product bought from it.
#include "bot_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;

class StorefrontEndToEndTest : public apexcore::test_support::BotFixture {
protected:
    json extra_config() override {
        json products = json::array();
        for (int i = 0; i < 28; ++i) {
            products.push_back({{"main_category", "Games"}, {"sub_category", "Keys"}, {"service_name", "Game " + std::to_string(10 + i)},
                                {"variant_name", "Standard"}, {"price", "2.00"}});
        }
        products.push_back({{"main_category", "Streaming"}, {"sub_category", "Video"}, {"service_name", "Flix"},
                            {"variant_name", "1 month"}, {"price", "4.99"}});
        products.push_back({{"main_category", "Streaming"}, {"sub_category", "Music"}, {"service_name", "Tunes"},
                            {"variant_name", "1 month"}, {"price", "3.50"}});
        std::ofstream(dir_ / "products.json") << products.dump(2);
        return {{"products_file", (dir_ / "products.json").string()}};
    }
    static const json& select_of(const json& data) { return data["components"][0]["components"][0]; }
    static json option_labels(const json& data) {
        json out = json::array();
        for (const auto& o : select_of(data)["options"]) out.push_back(o["label"]);
        return out;
    }
};

TEST_F(StorefrontEndToEndTest, APanelIsBrowsedPageByPageAndAProductBoughtFromIt) {
    ASSERT_EQ(top_up("10.00").status, 200U);
    const auto posted = command(staff(), "shop panel");
    ASSERT_EQ(posted.status, 200U) << posted.body.dump();
    const json panel = posted.body["response"]["data"];
    EXPECT_FALSE(panel.contains("flags") && (panel["flags"].get<int>() & 64) != 0) << "the panel is public";
    EXPECT_EQ(option_labels(panel), json::array({"Games", "Streaming"}));
    // It is a real message in #shop that anyone sees.
    ASSERT_EQ(count_messages(shop_channel(), ""), 1) << channel_history(shop_channel()).dump();

    const std::string panel_id = posted.body["message_id"];
    const auto games = click(customer(), panel_id, select_of(panel)["custom_id"], json::array({select_of(panel)["options"][0]["value"]}));
    ASSERT_EQ(games.status, 200U) << games.body.dump();
    EXPECT_EQ(games.body["response"]["type"], 4) << "a new message, only for the member";
    EXPECT_EQ(games.body["response"]["data"]["flags"], 64);
    const json page1 = games.body["response"]["data"];
    EXPECT_EQ(option_labels(page1).size(), 25U) << "one sub-category: straight to its products";
    EXPECT_EQ(page1["embeds"][0]["footer"]["text"], "Page 1 of 2");

    const std::string own = games.body["message_id"];
    json next;
    for (const auto& b : page1["components"][1]["components"]) {
        if (b["label"] == "Next") next = b;
    }
    ASSERT_TRUE(next.is_object()) << page1.dump();
    const auto page2 = click(customer(), own, next["custom_id"]);
    ASSERT_EQ(page2.status, 200U) << page2.body.dump();
    EXPECT_EQ(page2.body["response"]["type"], 7);
    const json data2 = page2.body["response"]["data"];
    EXPECT_EQ(option_labels(data2).size(), 3U);

    const auto card = click(customer(), own, select_of(data2)["custom_id"], json::array({select_of(data2)["options"][0]["value"]}));
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    const json buy = card.body["response"]["data"]["components"][0]["components"][0];
    ASSERT_EQ(buy["label"], "Buy with wallet") << card.body.dump();
    const auto bought = confirm_purchase(customer(), own, buy["custom_id"]);
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << reply_text(bought);
    expect_balance("$8.00");

    // The panel itself never changed: another member still sees it as posted.
    const auto visitor = click(info_["visitor_user_id"], panel_id, select_of(panel)["custom_id"],
                               json::array({select_of(panel)["options"][1]["value"]}));
    ASSERT_EQ(visitor.status, 200U) << visitor.body.dump();
    EXPECT_EQ(option_labels(visitor.body["response"]["data"]), json::array({"Music", "Video"}));
}

TEST_F(StorefrontEndToEndTest, AStaffPromoCodeIsTypedOnTheCardAndPricesThePurchase) {
    ASSERT_EQ(top_up("10.00").status, 200U);
    const auto created = command(staff(), "promo create", {{"code", "FLIX20"}, {"percent", 20}});
    ASSERT_EQ(created.status, 200U) << created.body.dump();
    EXPECT_EQ(reply_text(created).rfind("`FLIX20` is ready: 20 % off", 0), 0U) << reply_text(created);

    const auto card = command(customer(), "buy", {{"product", "flix"}});  // one match: its card
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    const json promo_button = card.body["response"]["data"]["components"][0]["components"][1];
    ASSERT_EQ(promo_button["label"], "Promo code") << card.body.dump();
    const auto form = click(customer(), card.body["message_id"], promo_button["custom_id"]);
    ASSERT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump();
    const auto priced = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                            {"interaction_id", form.body["interaction_id"]},
                                                            {"values", {{"code", "flix20"}}}});
    ASSERT_EQ(priced.status, 200U) << priced.body.dump();
    EXPECT_EQ(priced.body["response"]["type"], 7);
    EXPECT_NE(priced.body.dump().find("~~$4.99~~ **$3.99**"), std::string::npos) << priced.body.dump();
    const std::string buy = priced.body["response"]["data"]["components"][0]["components"][0]["custom_id"];
    const auto bought = confirm_purchase(customer(), card.body["message_id"], buy);
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << reply_text(bought);
    expect_balance("$6.01");
}

TEST_F(StorefrontEndToEndTest, BuyWithAutocompleteGoesStraightToTheCard) {
    const auto suggested = control_->post("/_sandbox/autocomplete",
                                          {{"user_id", customer()}, {"name", "buy"}, {"option", "product"}, {"value", "flix"}});
    ASSERT_EQ(suggested.status, 200U) << suggested.body.dump();
    const json choices = suggested.body["response"]["data"]["choices"];
    ASSERT_EQ(choices.size(), 1U) << suggested.body.dump();
    EXPECT_EQ(choices[0]["name"], "Flix - 1 month — $4.99");
    const auto card = command(customer(), "buy", {{"product", choices[0]["value"]}});
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    EXPECT_EQ(card.body["response"]["type"], 4);
    EXPECT_EQ(card.body["response"]["data"]["embeds"][0]["title"], "Flix - 1 month");
}

}  // namespace

namespace {

using nlohmann::json;

// The message catalog with the real apexbot (issue 11 §8): the owner's texts from the config, each
// member answered in their Discord client's language (the sandbox sends it as the interaction's
// `locale`), DMs in the owner's default.
class MessagesEndToEndTest : public apexcore::test_support::BotFixture {
protected:
    json extra_config() override {
        return {{"messages",
                 {{"de", {{"wallet.balance", "Dein Guthaben: **{balance}**."}, {"storefront.confirm_title", "Kauf bestätigen"}}},
                  {"default", {{"dm.wallet_credited_title", "Money in!"}}}}}};
    }
};

TEST_F(MessagesEndToEndTest, EachMemberReadsTheirLanguageAndDmsUseTheOwnersDefault) {
    ASSERT_EQ(top_up("50.00").status, 200U);
    expect_balance("$50.00");  // English: the customer's client is en-US
    ASSERT_EQ(control_->post("/_sandbox/locale", {{"user_id", customer()}, {"locale", "de"}}).status, 200U);
    EXPECT_EQ(reply_text(command(customer(), "balance")), "Dein Guthaben: **$50.00**.");
    const auto menu = command(customer(), "buy");
    const json select = menu.body["response"]["data"]["components"][0]["components"][0];
    const auto card = click(customer(), menu.body["message_id"], select["custom_id"], json::array({select["options"][0]["value"]}));
    const auto review = click(customer(), menu.body["message_id"], card.body["response"]["data"]["components"][0]["components"][0]["custom_id"]);
    ASSERT_NE(review.body.dump().find("\"title\":\"Kauf bestätigen\""), std::string::npos) << card.body.dump() << review.body.dump();
    EXPECT_EQ(reply_text(command(staff(), "balance")), "Your wallet balance is **$0.00**.") << "staff's client is still en-US";
    ASSERT_TRUE(wait_for([&] {
        const json m = control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array());
        return !m.empty() && m.back()["embeds"][0].value("title", "") == "Money in!";
    })) << bot_->output();
}

}  // namespace

namespace {

using nlohmann::json;

// A member's journey through the real apexbot (issue 11 §2, §7, §9): the delivery shown on the
// receipt, again in /order, and re-sent by DM; a purchase cooldown hit; a sold-out product that
// cannot be bought.
class StorefrontJourneyEndToEndTest : public apexcore::test_support::BotFixture {
protected:
    static constexpr const char* payload = "https://downloads.example.com/editor-pro/8f3a9c";
    json extra_config() override {
        json products = json::array({{{"main_category", "Software"}, {"sub_category", "Tools"}, {"service_name", "Editor Pro"},
                                      {"variant_name", "1 year"}, {"price", "5.00"}, {"stock", 5}, {"delivery_payload", payload}},
                                     {{"main_category", "Software"}, {"sub_category", "Tools"}, {"service_name", "Rare Plugin"},
                                      {"variant_name", "Lifetime"}, {"price", "3.00"}, {"stock", 0}}});
        std::ofstream(dir_ / "products.json") << products.dump(2);
        return {{"products_file", (dir_ / "products.json").string()},
                {"cooldowns", {{"purchases", {{"max", 1}, {"per_minutes", 60}}}}}};
    }
    /// The value of `name` in the /buy menu (the product ids are the options' values).
    std::string product_value(const std::string& name) {
        const auto menu = command(customer(), "buy");
        for (const auto& o : menu.body["response"]["data"]["components"][0]["components"][0]["options"]) {
            if (o.value("label", "").starts_with(name)) return o["value"];
        }
        return "";
    }
    static std::string field(const json& data, const std::string& name) {
        for (const auto& f : data["embeds"][0].value("fields", json::array())) {
            if (f.value("name", "") == name) return f.value("value", "");
        }
        return "(none)";
    }
};

TEST_F(StorefrontJourneyEndToEndTest, TheDeliveryIsShownKeptAndResentAndLimitsAreExplained) {
    ASSERT_EQ(top_up("20.00").status, 200U);
    const auto bought = buy_through_menu(customer(), product_value("Editor Pro"));
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    const json receipt = bought.body["response"]["data"];
    EXPECT_EQ(field(receipt, "Delivery"), payload) << receipt.dump();
    const std::string reference = receipt["embeds"][0]["title"].get<std::string>().substr(6);

    // /order shows it again, with "Send to my DMs".
    const auto order = command(customer(), "order show", {{"reference", reference}});
    const json view = order.body["response"]["data"];
    EXPECT_EQ(field(view, "Delivered"), "`" + std::string(payload) + "`");
    const json buttons = view["components"][0]["components"];
    const json send = buttons[buttons.size() - 1];
    EXPECT_EQ(send["label"], "Send to my DMs") << view.dump();
    EXPECT_EQ(reply_text(click(customer(), order.body["message_id"], send["custom_id"])),
              "Sent: order **" + reference + "**'s delivery is on its way to your DMs.");
    ASSERT_TRUE(wait_for([&] {
        const json m = control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array());
        return !m.empty() && m.back()["embeds"][0].value("title", "") == "Your order " + reference;
    })) << bot_->output();

    // One purchase an hour: the second is refused before anything is charged, saying when.
    const auto again = buy_through_menu(customer(), product_value("Editor Pro"));
    EXPECT_NE(reply_text(again).find("You have made as many purchases as the shop allows for now; you can buy again <t:"),
              std::string::npos)
        << again.body.dump();
    expect_balance("$15.00");

    // Sold out: the menu says so and the card's button cannot be pressed.
    const auto menu = command(customer(), "buy");
    EXPECT_NE(menu.body.dump().find("$3.00 · sold out"), std::string::npos) << menu.body.dump();
    const auto card = command(customer(), "buy", {{"product", product_value("Rare Plugin")}});
    const json buy = card.body["response"]["data"]["components"][0]["components"][0];
    EXPECT_EQ(buy["label"], "Sold out");
    EXPECT_EQ(buy["disabled"], true);
}

}  // namespace
