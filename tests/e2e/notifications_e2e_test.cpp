// End to end (issue 12 §6, issue 11 §2 and §6): the real apexbot with log channels and DMs
// against the sandbox. A credit and a purchase are posted to their log channels and DMed to the
// member with the delivery; a log channel that is down delays its posts but loses none, not
// even across a SIGKILL; a member who does not accept DMs is reported to staff without the
// delivery.
#include "bot_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* payload = "https://downloads.example.com/editor-pro/8f3a9c";

class NotificationsEndToEndTest : public apexcore::test_support::BotFixture {
protected:
    json extra_config() override {
        json products = json::array({{{"main_category", "Software"},
                                      {"sub_category", "Tools"},
                                      {"service_name", "Editor Pro"},
                                      {"variant_name", "1 year"},
                                      {"price", "5.00"},
                                      {"delivery_payload", payload}}});
        std::ofstream(dir_ / "products.json") << products.dump(2);
        return {{"products_file", (dir_ / "products.json").string()},
                {"log_channels", {{"orders", orders_log()}, {"payments", payments_log()}}}};
    }
    std::string orders_log() const { return info_["channel_ids"][1].get<std::string>(); }
    std::string payments_log() const { return info_["channel_ids"][2].get<std::string>(); }

    /// The messages the bot posted to `channel` (its history, oldest first).
    json posts(const std::string& channel) { return channel_history(channel); }
    json dms() { return control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array()); }
    static std::string embed_title(const json& message) {
        return message.contains("embeds") && !message["embeds"].empty() ? message["embeds"][0].value("title", "") : "";
    }
    /// A staff top-up of $20.00, then the catalog's one product bought through /buy.
    void top_up_and_buy() {
        const auto topup = top_up("20.00");
        ASSERT_EQ(topup.status, 200U) << topup.body.dump();
        const auto menu = command(customer(), "buy");
        ASSERT_EQ(menu.status, 200U) << menu.body.dump();
        const json select = menu.body["response"]["data"]["components"][0]["components"][0];
        const auto bought = buy_through_menu(customer(), select["options"][0]["value"]);
        ASSERT_EQ(bought.status, 200U) << bought.body.dump();
        EXPECT_NE(bought.body.dump().find("is paid"), std::string::npos) << "the purchase does not wait for any log channel";
    }
};

TEST_F(NotificationsEndToEndTest, ACreditAndAPurchaseArePostedToTheirLogChannelsAndDmedWithTheDelivery) {
    top_up_and_buy();
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 1 && posts(payments_log()).size() == 1 && dms().size() == 2; }))
        << posts(orders_log()).dump() << posts(payments_log()).dump() << dms().dump() << bot_->output();

    const json credit = posts(payments_log())[0];
    EXPECT_EQ(embed_title(credit), "Wallet credited");
    EXPECT_NE(credit.dump().find("<@" + staff() + "> credited <@" + customer() + "> **$20.00**"), std::string::npos) << credit.dump();

    const json order = posts(orders_log())[0];
    EXPECT_TRUE(embed_title(order).starts_with("Order AC-")) << order.dump();
    EXPECT_NE(order.dump().find("Editor Pro - 1 year"), std::string::npos);
    EXPECT_EQ(order.dump().find(payload), std::string::npos) << "the delivery never goes to a log channel";

    const json messages = dms();
    EXPECT_EQ(embed_title(messages[0]), "Your wallet was credited");
    EXPECT_EQ(embed_title(messages[1]), "Thank you for your purchase");
    EXPECT_NE(messages[1].dump().find(std::string("`") + payload + "`"), std::string::npos) << messages[1].dump();
}

TEST_F(NotificationsEndToEndTest, ALogChannelThatIsDownLosesNothingEvenWhenTheBotIsKilledMeanwhile) {
    const std::string route = "/api/v10/channels/" + orders_log() + "/messages";
    ASSERT_EQ(faults({{"rest_error", {{"status", 503}, {"count", 100000}, {"path", route}}}}).status, 200U);
    top_up_and_buy();
    // The payments log and the DMs are not held up by the orders channel being down.
    ASSERT_TRUE(wait_for([&] { return posts(payments_log()).size() == 1 && dms().size() == 2; })) << bot_->output();
    ASSERT_TRUE(wait_for([&] { return stats().value("rest_errors_injected", 0) >= 2; })) << "the bot keeps trying";
    EXPECT_TRUE(posts(orders_log()).empty());

    // SIGKILL: no chance to flush anything; the outbox is in the database.
    const std::string first_run = bot_->output();
    EXPECT_NE(first_run.find("not sent (unavailable"), std::string::npos) << first_run;
    bot_->stop(SIGKILL, 5s);
    ASSERT_EQ(faults({{"rest_error", {{"status", 503}, {"count", 0}}}}).status, 200U);  // the channel is back
    bot_ = std::make_unique<apexcore::test_support::child_process>(
        APEXBOT_PATH, std::vector<std::string>{"--config", (dir_ / "config.json").string()}, (dir_ / "bot-2.log").string(),
        std::vector<std::string>{"DISCORD_TOKEN=" + token_});
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 1; }, 20s)) << bot_->output();
    EXPECT_TRUE(embed_title(posts(orders_log())[0]).starts_with("Order AC-"));
    std::this_thread::sleep_for(1500ms);  // a round or more later: still exactly one of each
    EXPECT_EQ(posts(orders_log()).size(), 1U);
    EXPECT_EQ(posts(payments_log()).size(), 1U);
    EXPECT_EQ(dms().size(), 2U);
}

TEST_F(NotificationsEndToEndTest, AMemberWhoDoesNotAcceptDmsIsReportedToStaffWithoutTheDelivery) {
    ASSERT_EQ(control_->post("/_sandbox/dms", {{"user_id", customer()}, {"accepts_dms", false}}).status, 200U);
    top_up_and_buy();
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 2 && posts(payments_log()).size() == 2; }))
        << posts(orders_log()).dump() << bot_->output();
    const json notice = posts(orders_log())[1];
    const std::string text = notice.value("content", "");
    EXPECT_TRUE(text.starts_with("<@" + customer() + "> does not accept direct messages")) << text;
    EXPECT_NE(text.find("/order show AC-"), std::string::npos) << text;
    EXPECT_EQ(notice.dump().find(payload), std::string::npos);
    EXPECT_TRUE(dms().empty());
}

// A refund (issue 11 §4, issue 12 §5): the member previews and requests it, staff approve it from
// the orders log channel, the member is told by DM and the money is back in the wallet.
TEST_F(NotificationsEndToEndTest, ARefundIsRequestedByTheMemberAndApprovedByStaffFromTheOrdersLog) {
    top_up_and_buy();
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 1; })) << bot_->output();
    const std::string title = embed_title(posts(orders_log())[0]);  // "Order AC-… paid"
    const std::string reference = title.substr(6, title.size() - 11);

    const auto preview = command(customer(), "refund", {{"reference", reference}});
    ASSERT_EQ(preview.status, 200U) << preview.body.dump();
    const json card = preview.body["response"]["data"];
    EXPECT_EQ(card["embeds"][0]["title"], "Refund order " + reference) << card.dump();
    EXPECT_NE(card.dump().find("Back to your wallet"), std::string::npos);
    const auto form = click(customer(), preview.body["message_id"], card["components"][0]["components"][0]["custom_id"]);
    ASSERT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump();
    const auto asked = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                           {"interaction_id", form.body["interaction_id"]},
                                                           {"values", {{"reason", "The download link is dead"}}}});
    ASSERT_EQ(asked.status, 200U) << asked.body.dump();
    EXPECT_EQ(reply_text(asked), "Your refund request for order **" + reference +
                                     "** is with staff. You will get a DM when they have decided.");

    // Staff see it in the orders log with Approve / Reject; a member cannot use them.
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 2; })) << bot_->output();
    const json request = posts(orders_log())[1];
    EXPECT_EQ(embed_title(request), "Refund requested: order " + reference);
    EXPECT_NE(request.dump().find("The download link is dead"), std::string::npos);
    const std::string approve = request["components"][0]["components"][0]["custom_id"];
    EXPECT_EQ(reply_text(click(customer(), request["id"], approve)), "Only staff members can do that.");
    const auto approved = click(staff(), request["id"], approve);
    ASSERT_EQ(approved.status, 200U) << approved.body.dump();
    EXPECT_EQ(approved.body["response"]["type"], 7) << "the request's post becomes the decision";
    EXPECT_EQ(approved.body["response"]["data"]["embeds"][0]["title"], "Refund approved: order " + reference);
    EXPECT_TRUE(approved.body["response"]["data"]["components"].empty());
    expect_balance("$20.00");  // $20 topped up, $5 spent, $5 back (no fee configured)

    ASSERT_TRUE(wait_for([&] {
        const json m = dms();
        return !m.empty() && embed_title(m.back()) == "Your refund was approved";
    })) << dms().dump();
    EXPECT_EQ(reply_text(command(customer(), "refund", {{"reference", reference}})),
              "That cannot be done in the current state of the order.")
        << "refunded once";
}

// VIP tiers on Discord (issue 11 §5): the sandbox's roles are fixed, so the tier that can be
// granted uses its Staff role (position 2, below the bot's 3) and the one that cannot its Owner
// role (position 4, above the bot's).
class VipTiersEndToEndTest : public NotificationsEndToEndTest {
protected:
    static constexpr const char* owner_role = "1300000000000000203";
    json extra_config() override {
        json config = NotificationsEndToEndTest::extra_config();
        config["log_channels"]["errors"] = errors_log();
        config["tiers"] = json::array({{{"name", "Gold"}, {"role_id", info_["staff_role_id"]}, {"mode", "first_purchase"},
                                        {"discount_bp", 1000}},
                                       {{"name", "Inner Circle"}, {"role_id", owner_role}, {"mode", "spend"},
                                        {"spend_threshold", "5.00"}, {"discount_bp", 2000}}});
        return config;
    }
    std::string errors_log() const { return info_["channel_ids"][3].get<std::string>(); }
    json customer_roles() {
        const auto guild = control_->get("/_sandbox/guild");  // kept: a temporary's members would dangle in the loop
        for (const auto& m : guild.body["members"]) {
            if (m["user_id"] == customer()) return m["roles"];
        }
        return json::array();
    }
};

TEST_F(VipTiersEndToEndTest, AnEarnedTierRoleIsGrantedAndOneAboveTheBotIsReportedToStaff) {
    top_up_and_buy();
    const std::string gold = info_["staff_role_id"];
    ASSERT_TRUE(wait_for([&] { return customer_roles().dump().find(gold) != std::string::npos; })) << customer_roles().dump();
    EXPECT_EQ(customer_roles().dump().find(owner_role), std::string::npos) << "above the bot's role: refused";

    ASSERT_TRUE(wait_for([&] { return !posts(errors_log()).empty(); })) << bot_->output();
    const json report = posts(errors_log())[0];
    EXPECT_EQ(embed_title(report), "Could not give a role");
    EXPECT_NE(report.dump().find("Move the bot's role above <@&" + std::string(owner_role) + ">"), std::string::npos) << report.dump();
    EXPECT_NE(bot_->output().find("could not give member " + customer() + " the role " + owner_role + " (VIP tier Inner Circle)"),
              std::string::npos)
        << bot_->output();

    // The best tier earned prices the next card: Inner Circle's 20 %. The shop's own record of
    // what the member earned decides the discount, not whether Discord showed the role — a
    // misordered role costs the member nothing.
    const auto menu = command(customer(), "buy");
    const json select = menu.body["response"]["data"]["components"][0]["components"][0];
    const auto card = click(customer(), menu.body["message_id"], select["custom_id"], json::array({select["options"][0]["value"]}));
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    EXPECT_NE(card.body.dump().find("~~$5.00~~ **$4.00**"), std::string::npos) << card.body.dump();
    // And the purchase charges exactly that (the confirmation's Confirm carries $4.00).
    const auto bought = confirm_purchase(customer(), menu.body["message_id"],
                                         card.body["response"]["data"]["components"][0]["components"][0]["custom_id"]);
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << bought.body.dump();
    expect_balance("$11.00");  // $20.00 topped up, $5.00, then $4.00 with Inner Circle's 20 %
}

}  // namespace

namespace {

// A tier lost after a refund (issue 11 §5, §9): a spend tier on a role the bot can manage is
// granted by a purchase and taken back when the refund brings the member's spend below it.
class TierRefundEndToEndTest : public NotificationsEndToEndTest {
protected:
    json extra_config() override {
        json config = NotificationsEndToEndTest::extra_config();
        config["tiers"] = json::array({{{"name", "Gold"}, {"role_id", info_["staff_role_id"]}, {"mode", "spend"},
                                        {"spend_threshold", "5.00"}, {"discount_bp", 500}}});
        return config;
    }
    bool holds(const std::string& role) {
        const auto guild = control_->get("/_sandbox/guild");
        for (const auto& m : guild.body["members"]) {
            if (m["user_id"] == customer()) return m["roles"].dump().find(role) != std::string::npos;
        }
        return false;
    }
};

TEST_F(TierRefundEndToEndTest, ARefundThatEndsATierTakesItsRoleBack) {
    const std::string gold = info_["staff_role_id"];
    ASSERT_FALSE(holds(gold));
    top_up_and_buy();
    ASSERT_TRUE(wait_for([&] { return holds(gold); })) << bot_->output();
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 1; })) << bot_->output();
    const std::string title = embed_title(posts(orders_log())[0]);  // "Order AC-… paid"
    const std::string reference = title.substr(6, title.size() - 11);

    const auto preview = command(customer(), "refund", {{"reference", reference}});
    const auto form = click(customer(), preview.body["message_id"], preview.body["response"]["data"]["components"][0]["components"][0]["custom_id"]);
    ASSERT_EQ(control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                  {"interaction_id", form.body["interaction_id"]},
                                                  {"values", {{"reason", "Bought the wrong one"}}}})
                  .status,
              200U);
    ASSERT_TRUE(wait_for([&] { return posts(orders_log()).size() == 2; })) << bot_->output();
    const json request = posts(orders_log())[1];
    const auto approved = click(staff(), request["id"], request["components"][0]["components"][0]["custom_id"]);
    ASSERT_EQ(approved.status, 200U) << approved.body.dump();
    EXPECT_TRUE(wait_for([&] { return !holds(gold); })) << "the Gold role is taken back\n" << bot_->output();
    expect_balance("$20.00");
}

}  // namespace
