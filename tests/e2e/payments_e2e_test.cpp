// End to end (issue 11 §3): the real apexbot with a manual payment method against the sandbox. A
// member pays by PayPal from the product card, uploads the proof with /proof, and staff approve it
// from its post in the payments log — the member gets the delivery by DM; a rejected proof is
// told with its reason and can be sent again; a session nobody pays expires through the bot's
// scheduler (the shop's clock moved by APEXBOT_TEST_CLOCK_FILE), releasing the held unit.
#include "bot_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using apexcore::test_support::control_response;
namespace fs = std::filesystem;

constexpr const char* payload = "https://downloads.example.com/editor-pro/8f3a9c";

class PaymentsEndToEndTest : public apexcore::test_support::BotFixture {
protected:
    PaymentsEndToEndTest() {
        expected_commands_ = 26;  // with /proof
        clock_file_ = fs::temp_directory_path() / ("apexcore-e2e-pay-clock-" + std::to_string(::getpid()));
        std::ofstream(clock_file_) << 0;
        bot_env_ = {"APEXBOT_TEST_CLOCK_FILE=" + clock_file_.string()};
    }
    ~PaymentsEndToEndTest() override { fs::remove(clock_file_); }

    json extra_config() override {
        json products = json::array({{{"main_category", "Software"},
                                      {"sub_category", "Tools"},
                                      {"service_name", "Editor Pro"},
                                      {"variant_name", "1 year"},
                                      {"price", "5.00"},
                                      {"stock", 1},
                                      {"delivery_payload", payload}}});
        std::ofstream(dir_ / "products.json") << products.dump(2);
        return {{"products_file", (dir_ / "products.json").string()},
                {"log_channels", {{"payments", payments_log()}}},
                {"payments",
                 {{"session_ttl_minutes", 30},
                  {"methods", json::array({{{"name", "PayPal"}, {"instructions", "Send the amount to pay@example.com."}}})}}}};
    }
    std::string payments_log() const { return info_["channel_ids"][2].get<std::string>(); }
    json dms() { return control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array()); }
    static std::string embed_title(const json& message) {
        return message.contains("embeds") && !message["embeds"].empty() ? message["embeds"][0].value("title", "") : "";
    }
    static std::string field(const json& data, const std::string& name) {
        for (const auto& f : data["embeds"][0].value("fields", json::array())) {
            if (f.value("name", "") == name) return f.value("value", "");
        }
        return "(none)";
    }
    /// The posts in the payments log whose first embed's title is `title`.
    std::vector<json> log_posts(const std::string& title) {
        std::vector<json> out;
        for (const auto& m : channel_history(payments_log())) {
            if (embed_title(m) == title) out.push_back(m);
        }
        return out;
    }
    /// /buy product:<the one product>, then "Pay by PayPal" on its card; returns the session's answer.
    control_response start_paying() {
        const auto menu = command(customer(), "buy");
        EXPECT_EQ(menu.status, 200U) << menu.body.dump();
        const std::string product = menu.body["response"]["data"]["components"][0]["components"][0]["options"][0]["value"];
        const auto card = command(customer(), "buy", {{"product", product}});
        EXPECT_EQ(card.status, 200U) << card.body.dump();
        const json rows = card.body["response"]["data"]["components"];
        EXPECT_EQ(rows.size(), 2U) << card.body.dump();
        EXPECT_EQ(rows[1]["components"][0]["label"], "Pay by PayPal");
        return click(customer(), card.body["message_id"], rows[1]["components"][0]["custom_id"]);
    }
    std::string order_status(const std::string& reference) {
        return field(command(customer(), "order show", {{"reference", reference}}).body["response"]["data"], "Status");
    }
    void move_clock(std::chrono::minutes ahead) { std::ofstream(clock_file_, std::ios::trunc) << ahead.count() * 60; }
    fs::path clock_file_;
};

TEST_F(PaymentsEndToEndTest, AnUploadedProofIsApprovedFromThePaymentsLogAndTheDeliveryIsDmed) {
    const auto session = start_paying();
    ASSERT_EQ(session.status, 200U) << session.body.dump();
    const json view = session.body["response"]["data"];
    EXPECT_EQ(session.body["response"]["type"], 7) << "the card becomes the session";
    EXPECT_EQ(view["embeds"][0]["title"], "Pay by PayPal");
    EXPECT_EQ(view["embeds"][0]["description"], "Send the amount to pay@example.com.");
    EXPECT_EQ(field(view, "Amount"), "**$5.00**");
    const std::string reference = field(view, "Order");
    ASSERT_TRUE(reference.starts_with("AC-")) << view.dump();

    const auto sent = command(customer(), "proof",
                              {{"reference", reference}, {"file", {{"filename", "receipt.png"}, {"size", 48213}, {"content_type", "image/png"}}},
                               {"transaction", "5TY05013RG002845M"}});
    ASSERT_EQ(sent.status, 200U) << sent.body.dump();
    EXPECT_EQ(reply_text(sent), "Thank you! Your proof for order **" + reference + "** is with staff. You get a DM when they have checked it.");

    ASSERT_TRUE(wait_for([&] { return log_posts("Payment to check: order " + reference).size() == 1; }))
        << channel_history(payments_log()).dump() << bot_->output();
    const json post = log_posts("Payment to check: order " + reference)[0];
    EXPECT_TRUE(post["embeds"][0]["image"].value("url", "").starts_with("https://cdn.discordapp.com/ephemeral-attachments/"))
        << "the screenshot is shown to staff: " << post.dump();
    EXPECT_NE(post.dump().find("5TY05013RG002845M"), std::string::npos);
    const std::string approve = post["components"][0]["components"][0]["custom_id"];
    EXPECT_EQ(reply_text(click(customer(), post["id"], approve)), "Only staff members can do that.");
    const auto approved = click(staff(), post["id"], approve);
    ASSERT_EQ(approved.status, 200U) << approved.body.dump();
    EXPECT_EQ(approved.body["response"]["type"], 7);
    EXPECT_EQ(approved.body["response"]["data"]["embeds"][0]["title"], "Payment approved: order " + reference);

    ASSERT_TRUE(wait_for([&] {
        const json m = dms();
        return !m.empty() && embed_title(m.back()) == "Your payment was approved";
    })) << dms().dump();
    EXPECT_NE(dms().back().dump().find(payload), std::string::npos) << "the delivery is in the DM";
    EXPECT_EQ(order_status(reference), "delivered");
}

TEST_F(PaymentsEndToEndTest, ARejectedProofIsToldWithItsReasonAndCanBeSentAgainByLink) {
    const auto session = start_paying();
    ASSERT_EQ(session.status, 200U) << session.body.dump();
    const json view = session.body["response"]["data"];
    const std::string reference = field(view, "Order");
    // Send proof: a modal for a link.
    const auto form = click(customer(), session.body["message_id"], view["components"][0]["components"][0]["custom_id"]);
    ASSERT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump();
    const auto sent = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                          {"interaction_id", form.body["interaction_id"]},
                                                          {"values", {{"link", "https://www.paypal.com/activity/payment/1"}}}});
    ASSERT_EQ(sent.status, 200U) << sent.body.dump();
    EXPECT_EQ(order_status(reference), "awaiting_review");

    ASSERT_TRUE(wait_for([&] { return log_posts("Payment to check: order " + reference).size() == 1; })) << bot_->output();
    const json post = log_posts("Payment to check: order " + reference)[0];
    const auto reason_form = click(staff(), post["id"], post["components"][0]["components"][1]["custom_id"]);
    ASSERT_EQ(reason_form.body["response"].value("type", 0), 9) << reason_form.body.dump();
    const auto rejected = control_->post("/_sandbox/modals", {{"user_id", staff()},
                                                              {"interaction_id", reason_form.body["interaction_id"]},
                                                              {"values", {{"reason", "No payment with this id arrived"}}}});
    ASSERT_EQ(rejected.status, 200U) << rejected.body.dump();
    EXPECT_EQ(rejected.body["response"]["data"]["embeds"][0]["title"], "Payment rejected: order " + reference);
    ASSERT_TRUE(wait_for([&] {
        const json m = dms();
        return !m.empty() && embed_title(m.back()) == "Your payment was not accepted";
    })) << dms().dump();
    EXPECT_NE(dms().back().dump().find("No payment with this id arrived"), std::string::npos);
    EXPECT_EQ(order_status(reference), "pending_payment");

    EXPECT_TRUE(log_posts("Payment to check: order " + reference).empty()) << "the review post became the decision";
    EXPECT_EQ(reply_text(command(customer(), "proof", {{"reference", reference}, {"link", "https://www.paypal.com/activity/payment/2"}})),
              "Thank you! Your proof for order **" + reference + "** is with staff. You get a DM when they have checked it.");
    ASSERT_TRUE(wait_for([&] { return log_posts("Payment to check: order " + reference).size() == 1; })) << bot_->output();
    EXPECT_NE(log_posts("Payment to check: order " + reference)[0]["id"], post["id"]) << "a new post for the new proof";
    EXPECT_EQ(order_status(reference), "awaiting_review");
}

TEST_F(PaymentsEndToEndTest, AnUnpaidSessionExpiresReleasesTheUnitAndTheMemberIsTold) {
    const auto session = start_paying();
    ASSERT_EQ(session.status, 200U) << session.body.dump();
    const std::string reference = field(session.body["response"]["data"], "Order");
    // The one unit is held: the card says sold out to everyone meanwhile.
    const auto menu = command(customer(), "buy");
    EXPECT_NE(menu.body.dump().find("sold out"), std::string::npos) << menu.body.dump() << bot_->output();

    move_clock(31min);
    ASSERT_TRUE(wait_for([&] {
        const json m = dms();
        return !m.empty() && embed_title(m.back()) == "Your payment time ran out";
    }, 90s)) << dms().dump() << bot_->output();
    EXPECT_EQ(order_status(reference), "cancelled");
    EXPECT_EQ(reply_text(command(customer(), "proof", {{"reference", reference}, {"link", "https://www.paypal.com/activity/payment/3"}})),
              "Order **" + reference + "** is not waiting for a payment (it is cancelled).");
    EXPECT_EQ(command(customer(), "buy").body.dump().find("sold out"), std::string::npos) << "the unit is back";
}

// /deposit (issue 11 §4): a wallet top-up through a deposit ticket that says how to pay; staff
// credit the wallet from it once.
TEST_F(PaymentsEndToEndTest, DepositOpensATicketThatSaysHowToPayAndStaffCreditTheWalletOnce) {
    const auto form = command(customer(), "deposit");
    ASSERT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump();
    const auto sent = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                          {"interaction_id", form.body["interaction_id"]},
                                                          {"values", {{"q0", "25.00 by PayPal"}}}});
    const std::string text = reply_text(sent);
    ASSERT_EQ(text.rfind("Your ticket is open: <#", 0), 0U) << sent.body.dump() << bot_->output();
    const std::string channel = text.substr(23, text.size() - 24);
    const json opening = channel_history(channel).at(0);
    ASSERT_EQ(opening["embeds"].size(), 2U) << opening.dump();
    EXPECT_EQ(opening["embeds"][1]["title"], "How to pay");
    EXPECT_EQ(opening["embeds"][1]["fields"][0]["name"], "PayPal");
    EXPECT_EQ(opening["embeds"][1]["fields"][0]["value"], "Send the amount to pay@example.com.");
    const std::string credit = opening["components"][1]["components"][0]["custom_id"];
    EXPECT_EQ(reply_text(click(customer(), opening["id"], credit)), "Only staff members can do that.");
    const auto amount = click(staff(), opening["id"], credit);
    ASSERT_EQ(amount.body["response"].value("type", 0), 9) << amount.body.dump();
    const auto credited = control_->post("/_sandbox/modals", {{"user_id", staff()},
                                                              {"interaction_id", amount.body["interaction_id"]},
                                                              {"values", {{"amount", "25.00"}}}});
    EXPECT_NE(reply_text(credited).find("credited **$25.00**"), std::string::npos) << credited.body.dump();
    expect_balance("$25.00");
}

}  // namespace
