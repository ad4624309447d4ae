// The payments feature (issue 11 §3): "Pay by <method>" on the product card opens a payment
// session; the proof goes in by modal (a link) or /proof (an upload or a link); staff approve or
// reject it from its post in the payments log; the member may cancel; forged ids, strangers and
// non-staff are refused and change nothing.
#include "../support/manual_clock.hpp"

#include <apexcore/bot/features/notifications.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/services/outbox_service.hpp>
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

class PaymentsFeatureTest : public ::testing::Test {
protected:
    static services::shop_config config(const ports::clock* clock) {
        services::shop_config c;
        c.clock = clock;
        c.payment_methods = {{"PayPal", "Send the amount to pay@example.com as a friends payment."},
                             {"Bank transfer", "IBAN DE00 1234, reference: your order."}};
        c.payment_session_ttl = 30min;
        c.notifications.log_topics = {core::log_topic::payments};
        c.notifications.direct_messages = true;
        return c;
    }
    test_support::manual_clock clock_;
    sqlite::sqlite_store store_{{.path = ":memory:", .clock = &clock_}};
    services::shop_config config_ = config(&clock_);
    services::wallet_service wallet_{store_, config_};
    services::catalog_service catalog_{store_, config_};
    services::order_service orders_{store_, config_};
    services::payment_service payments_{store_, config_};
    services::outbox_service outbox_{store_, config_};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}},
                       wallet_,
                       catalog_,
                       {.payments = &payments_, .payment_methods = config_.payment_methods, .orders = &orders_}};
    std::uint64_t next_id_ = 9000;

    using action_type = std::variant<ports::command_invocation, ports::component_action, ports::modal_submit, ports::autocomplete_request>;
    ports::interaction_response as(core::user_id who, action_type action, std::vector<core::role_id> roles = {}) {
        return bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", std::move(roles)},
                            std::move(action)});
    }
    ports::interaction_response as_staff(action_type action) { return as(staff_user, std::move(action), {staff_role}); }
    static ports::component_action press(std::string custom_id) { return {std::move(custom_id), {}, ports::component_kind::button}; }
    static const ports::button& button(const ports::interaction_response& r, std::size_t row, std::size_t at) {
        return std::get<ports::button>(r.body.rows.at(row).components.at(at));
    }
    static std::string field(const ports::interaction_response& r, std::string_view name) {
        for (const auto& f : r.body.embeds.at(0).fields) {
            if (f.name == name) return f.value;
        }
        return "(none)";
    }
    core::product product(std::int64_t cents, std::optional<std::int64_t> stock = std::nullopt) {
        core::product p{{}, "Games", "Keys", "Indie", "Std", money::usd_cents(cents), true};
        p.stock = stock;
        p.delivery_payload = "https://example.com/download";
        return *catalog_.add(p);
    }
    /// The card of `p` as `who` sees it (/buy product:<id>).
    ports::interaction_response card(core::user_id who, const core::product& p) {
        return as(who, ports::command_invocation{"buy", {{"product", std::to_string(p.id.value)}}});
    }
    /// Every pending outbox entry of `event`.
    std::vector<core::outbox_entry> posted(std::string_view event) {
        std::vector<core::outbox_entry> out;
        for (auto& e : outbox_.claim(100, 1s)) {
            if (e.draft.event == event) out.push_back(std::move(e));
        }
        return out;
    }
    core::order order_of(const std::string& reference) { return *orders_.find_by_reference({staff_user, true}, reference); }
};

TEST_F(PaymentsFeatureTest, TheCardOffersEachMethodAndAPressOpensOneSessionWithItsInstructionsAndDeadline) {
    const auto p = product(2500);
    const auto shown = card(customer, p);
    ASSERT_EQ(shown.body.rows.size(), 2U) << "Buy / Promo code, then the payment methods";
    EXPECT_EQ(button(shown, 1, 0).label, "Pay by PayPal");
    EXPECT_EQ(button(shown, 1, 1).label, "Pay by Bank transfer");
    EXPECT_LE(button(shown, 1, 1).custom_id.size(), 100U);

    const auto session = as(customer, press(button(shown, 1, 0).custom_id));
    EXPECT_EQ(session.kind, ports::response_kind::update_message) << "the card becomes the session";
    EXPECT_TRUE(session.body.ephemeral);
    EXPECT_EQ(session.body.embeds.at(0).title, "Pay by PayPal");
    EXPECT_EQ(session.body.embeds.at(0).description, "Send the amount to pay@example.com as a friends payment.");
    EXPECT_EQ(field(session, "Amount"), "**$25.00**");
    const auto deadline = std::chrono::duration_cast<std::chrono::seconds>((clock_.now() + 30min).time_since_epoch()).count();
    EXPECT_NE(field(session, "Pay before").find("<t:" + std::to_string(deadline) + ":R>"), std::string::npos);
    const std::string reference = field(session, "Order");
    EXPECT_EQ(order_of(reference).status, core::order_status::pending_payment);
    EXPECT_NE(session.body.content.find("/proof reference:" + reference), std::string::npos);
    EXPECT_EQ(button(session, 0, 0).label, "Send proof");
    EXPECT_EQ(button(session, 0, 1).label, "Cancel payment");

    // A double-click or a second device: the same session, not a second order.
    const auto again = as(customer, press(button(shown, 1, 0).custom_id));
    EXPECT_EQ(field(again, "Order"), reference);
    EXPECT_EQ(orders_.list_for(customer, 10).size(), 1U);
}

TEST_F(PaymentsFeatureTest, AProofLinkGoesToStaffWhoApproveItFromThePaymentsLogAndTheMemberIsTold) {
    const auto p = product(2500);
    const auto session = as(customer, press(button(card(customer, p), 1, 0).custom_id));
    const std::string reference = field(session, "Order");
    const auto form = as(customer, press(button(session, 0, 0).custom_id));
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    ASSERT_EQ(form.form.inputs.size(), 3U);
    EXPECT_EQ(form.form.inputs[0].custom_id, "link");

    EXPECT_EQ(as(stranger, ports::modal_submit{form.form.custom_id, {{"link", "https://x.example/r.png"}}}).body.content,
              std::string(core::describe(core::rejection::unknown_payment_session)))
        << "another member cannot send a proof for this session";
    EXPECT_NE(as(customer, ports::modal_submit{form.form.custom_id, {{"link", "ftp://x.example/r.png"}}}).body.content.find("https://"),
              std::string::npos);
    EXPECT_EQ(order_of(reference).status, core::order_status::pending_payment) << "a refused proof changes nothing";

    const auto sent = as(customer, ports::modal_submit{form.form.custom_id,
                                                       {{"link", " https://x.example/receipt.PNG "}, {"transaction", "TX-1"}, {"notes", ""}}});
    EXPECT_EQ(sent.kind, ports::response_kind::update_message);
    EXPECT_EQ(sent.body.content, "Thank you! Your proof for order **" + reference + "** is with staff. You get a DM when they have checked it.");
    EXPECT_EQ(order_of(reference).status, core::order_status::awaiting_review);

    // The payments log post: the proof shown, with Approve / Reject.
    const auto review = posted("payment.submitted");
    ASSERT_EQ(review.size(), 1U);
    const auto post = bot::log_post_view(review[0]);
    EXPECT_EQ(post.embeds.at(0).title, "Payment to check: order " + reference);
    EXPECT_EQ(post.embeds.at(0).image_url, "https://x.example/receipt.PNG");
    ASSERT_EQ(post.rows.size(), 1U);
    const auto approve = std::get<ports::button>(post.rows[0].components.at(0)).custom_id;
    EXPECT_EQ(approve, "pm:a:" + review[0].draft.facts.at("session"));

    EXPECT_EQ(as(customer, press(approve)).body.content, std::string(core::describe(core::rejection::not_staff)));
    EXPECT_EQ(order_of(reference).status, core::order_status::awaiting_review);
    const auto decided = as_staff(press(approve));
    EXPECT_EQ(decided.kind, ports::response_kind::update_message);
    EXPECT_FALSE(decided.body.ephemeral) << "the post in the log becomes the decision";
    EXPECT_EQ(decided.body.embeds.at(0).title, "Payment approved: order " + reference);
    EXPECT_TRUE(decided.body.rows.empty());
    EXPECT_EQ(order_of(reference).status, core::order_status::delivered);
    EXPECT_EQ(as_staff(press(approve)).body.content, "This payment was already decided, cancelled or has expired; nothing was changed.");
    const auto told = posted("payment.approved");
    ASSERT_EQ(told.size(), 2U) << "the payments log and the member's DM";
    EXPECT_EQ(bot::direct_message_view(told[1]).embeds.at(0).title, "Your payment was approved");
}

TEST_F(PaymentsFeatureTest, AnUploadedProofIsCheckedAndARejectedOneCanBeSentAgain) {
    const auto p = product(900);
    const auto session = as(customer, press(button(card(customer, p), 1, 1).custom_id));
    const std::string reference = field(session, "Order");
    const auto proof = [&](core::user_id who, ports::attachment_info file) {
        return as(who, ports::command_invocation{"proof", {{"reference", reference}, {"file", std::move(file)}}});
    };
    const auto upload = [](std::string name, std::string type, std::uint64_t size) {
        return ports::attachment_info{1, name, std::move(type), size, "https://cdn.discordapp.com/attachments/1/2/" + name};
    };
    EXPECT_EQ(proof(customer, upload("notes.txt", "text/plain", 100)).body.content,
              "A proof is a picture or a PDF; `notes.txt` is text/plain. Nothing was sent to staff.");
    EXPECT_EQ(proof(customer, upload("huge.png", "image/png", 9ULL * 1024 * 1024)).body.content,
              "That file is 9216 KiB; a proof may be at most 8192 KiB. Nothing was sent to staff.");
    EXPECT_EQ(proof(stranger, upload("r.png", "image/png", 1000)).body.content, "That order does not exist.");
    EXPECT_EQ(as(customer, ports::command_invocation{"proof", {{"reference", reference}}}).body.content,
              "Send one proof: either a file (a screenshot or PDF) or a link.");
    EXPECT_EQ(order_of(reference).status, core::order_status::pending_payment);

    EXPECT_EQ(proof(customer, upload("receipt.pdf", "application/pdf", 50'000)).body.content,
              "Thank you! Your proof for order **" + reference + "** is with staff. You get a DM when they have checked it.");
    const auto review = posted("payment.submitted");
    ASSERT_EQ(review.size(), 1U);
    EXPECT_TRUE(bot::log_post_view(review[0]).embeds.at(0).image_url.empty()) << "a PDF is linked, not shown";
    const std::string session_id = review[0].draft.facts.at("session");

    EXPECT_EQ(as(customer, press("pm:x:" + session_id)).body.content, std::string(core::describe(core::rejection::not_staff)));
    const auto form = as_staff(press("pm:x:" + session_id));
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    const auto rejected = as_staff(ports::modal_submit{form.form.custom_id, {{"reason", "No transfer with this reference"}}});
    EXPECT_EQ(rejected.body.embeds.at(0).title, "Payment rejected: order " + reference);
    EXPECT_EQ(order_of(reference).status, core::order_status::pending_payment);
    const auto told = posted("payment.rejected");
    ASSERT_EQ(told.size(), 2U);
    EXPECT_NE(bot::direct_message_view(told[1]).embeds.at(0).description.find("/proof reference:" + reference), std::string::npos);

    // A new proof for the same order: a new session takes it.
    EXPECT_EQ(as(customer, ports::command_invocation{"proof", {{"reference", reference}, {"link", "https://bank.example/r/1"}}}).body.content,
              "Thank you! Your proof for order **" + reference + "** is with staff. You get a DM when they have checked it.");
    EXPECT_EQ(order_of(reference).status, core::order_status::awaiting_review);
    EXPECT_EQ(posted("payment.submitted").size(), 1U);
}

TEST_F(PaymentsFeatureTest, TheMemberCancelsAndForgedOrStaleButtonsChangeNothing) {
    const auto p = product(700, 1);
    const auto shown = card(customer, p);
    const auto session = as(customer, press(button(shown, 1, 0).custom_id));
    const std::string reference = field(session, "Order");
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(0)) << "the unit is held for the payment";
    EXPECT_EQ(as(stranger, press(button(session, 0, 1).custom_id)).body.content,
              std::string(core::describe(core::rejection::unknown_payment_session)));
    const auto cancelled = as(customer, press(button(session, 0, 1).custom_id));
    EXPECT_EQ(cancelled.body.content, "Order **" + reference + "** is cancelled; nothing was charged.");
    EXPECT_EQ(order_of(reference).status, core::order_status::cancelled);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(1));
    EXPECT_EQ(as(customer, press(button(session, 0, 1).custom_id)).body.content,
              "This payment can no longer be cancelled (it was already decided, cancelled or has expired).");
    EXPECT_EQ(as(customer, press(button(shown, 1, 0).custom_id)).body.content,
              "This payment was already cancelled or has expired; open the product again to start a new one.");

    const std::string id = std::to_string(p.id.value);
    for (const std::string& forged : std::vector<std::string>{"pm:s:" + id + ":700:5:Cash", "pm:s:" + id + ":07:5:PayPal", "pm:s:" + id + ":-1:5:PayPal",
                                     "pm:s:x:700:5:PayPal", "pm:s:" + id + ":700:PayPal", "pm:a:", "pm:a:0", "pm:zz:1"}) {
        EXPECT_EQ(as_staff(press(forged)).body.content, "This control is not valid.") << forged;
    }
    EXPECT_EQ(as(customer, press("pm:s:" + id + ":999:5:PayPal")).body.content,
              std::string(core::describe(core::rejection::price_changed)));
    EXPECT_EQ(orders_.list_for(customer, 10).size(), 1U);
}

TEST_F(PaymentsFeatureTest, AShopWithoutMethodsOffersNeitherTheButtonsNorProof) {
    bot::shop_bot wallet_only{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_,
                              {.payments = &payments_, .orders = &orders_}};
    const auto p = product(100);
    const auto shown = wallet_only.handle({core::interaction_id{1}, core::guild_id{1}, core::channel_id{2}, {customer, "m", {}},
                                           ports::command_invocation{"buy", {{"product", std::to_string(p.id.value)}}}});
    EXPECT_EQ(shown.body.rows.size(), 1U);
    for (const auto& c : wallet_only.commands()) EXPECT_NE(c.name, "proof");
    bool expires = false;
    for (const auto& job : wallet_only.jobs()) expires = expires || job.name == "payments.expire";
    EXPECT_TRUE(expires) << "sessions from before still expire";
}

}  // namespace

namespace {

// A method without a required proof (cash at the counter): "I have paid" with an optional link.
TEST_F(PaymentsFeatureTest, AMethodWithoutARequiredProofTakesIHavePaidAlone) {
    services::shop_config cash_config = config_;
    cash_config.payment_methods = {{"Cash", "Pay at the counter; staff check the till.", "", {}, false}};
    services::payment_service payments{store_, cash_config};
    bot::shop_bot shop{{core::guild_id{1}, staff_role, core::usd, {}},
                       wallet_,
                       catalog_,
                       {.payments = &payments, .payment_methods = cash_config.payment_methods, .orders = &orders_}};
    const auto p = product(400);
    const auto handle = [&](core::user_id who, action_type action) {
        return shop.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", {}}, std::move(action)});
    };
    const auto shown = handle(customer, ports::command_invocation{"buy", {{"product", std::to_string(p.id.value)}}});
    const auto session = handle(customer, press(button(shown, 1, 0).custom_id));
    EXPECT_EQ(button(session, 0, 0).label, "I have paid");
    const auto form = handle(customer, press(button(session, 0, 0).custom_id));
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_FALSE(form.form.inputs.at(0).required);
    const auto sent = handle(customer, ports::modal_submit{form.form.custom_id, {{"link", ""}, {"transaction", ""}, {"notes", "Paid at 10:40"}}});
    EXPECT_TRUE(sent.body.content.starts_with("Thank you!")) << sent.body.content;
    // A method that requires one refuses an empty proof.
    const auto paypal = payments_.start({customer, p.id, "PayPal"});
    ASSERT_TRUE(paypal.ok());
    EXPECT_EQ(payments_.submit(customer, paypal->session.id, {}).error(), core::rejection::invalid_text);
}

}  // namespace
