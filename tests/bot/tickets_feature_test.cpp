// The tickets feature (issue 10 §2) over a recording fake of the outbound port: the panel, the
// modal, the private channel and its overwrites, claiming, the opener's confirmed close, the
// channel locked and the rating asked by DM, members' messages as activity, the sweep's warning
// and the scheduled deletion — and forged custom_ids, refused platforms and non-staff callers.
#include "../services/commerce_fixture.hpp"
#include "fake_chat_actions.hpp"

#include <apexcore/bot/features/tickets.hpp>
#include <apexcore/bot/router.hpp>
#include <apexcore/bot/scheduler.hpp>

namespace apexcore::test_support {
namespace {

using namespace std::chrono_literals;

class TicketsFeatureTest : public CommerceTest {
protected:
    const core::guild_id guild_{100};
    const core::role_id staff_role_{5};
    const core::user_id member_{200};
    const core::user_id helper_{300};
    const core::channel_id lobby_{50};
    fake_chat_actions actions_;
    bot::router router_{{guild_, staff_role_, core::usd, [this](const apexcore::ports::log_record& r) {
                             logs_.emplace_back(r.message);
                             log_tickets_.push_back(r.context.ticket);
                             log_components_.emplace_back(r.component);
                         }}};
    std::vector<std::string> logs_;
    std::vector<std::int64_t> log_tickets_;       ///< each record's context.ticket
    std::vector<std::string> log_components_;  ///< each record's component
    std::uint64_t next_ = 1;

    void SetUp() override {
        router_.add(std::make_shared<bot::tickets_feature>(router_.config(), tickets_, actions_, bot::ticket_transcripts{},
                                                           bot::ticket_shop{&wallet_, &catalog_, &payments_, config_.payment_methods}));
    }

    ports::interaction from(core::user_id who, bool as_staff, std::optional<core::channel_id> channel,
                            decltype(ports::interaction::action) action) {
        ports::interaction i;
        i.id = core::interaction_id{next_++};
        i.guild = guild_;
        i.channel = channel;
        i.from.user = who;
        i.from.display_name = "user" + who.str();
        if (as_staff) i.from.roles = {staff_role_};
        i.action = std::move(action);
        return i;
    }
    ports::interaction_response click(core::user_id who, bool as_staff, const std::string& custom_id,
                                      std::optional<core::channel_id> channel = std::nullopt) {
        return router_.handle(from(who, as_staff, channel, ports::component_action{custom_id, {}, ports::component_kind::button}));
    }
    ports::interaction_response command(core::user_id who, bool as_staff, core::channel_id channel, std::string name,
                                        std::vector<ports::command_option> options = {}) {
        return router_.handle(from(who, as_staff, channel, ports::command_invocation{std::move(name), std::move(options)}));
    }
    /// Opens a ticket of `type` as `member_` through the panel's button and the modal; its channel.
    core::channel_id open_ticket(const std::string& type = "support") {
        const auto form = click(member_, false, "tk:open:" + type);
        EXPECT_EQ(form.kind, ports::response_kind::open_modal);
        const auto r = router_.handle(from(member_, false, lobby_, ports::modal_submit{form.form.custom_id, {{"q0", "My key fails"}}}));
        EXPECT_EQ(r.body.content.rfind("Your ticket is open: <#", 0), 0U) << r.body.content;
        return actions_.channels.empty() ? core::channel_id{} : actions_.channels.rbegin()->first;
    }
    const ports::overwrite* overwrite_for(core::channel_id channel, std::uint64_t target) {
        for (const auto& o : actions_.channels.at(channel).overwrites) {
            if (o.target == target) return &o;
        }
        return nullptr;
    }
};

TEST_F(TicketsFeatureTest, StaffPostThePanelWithAButtonPerType) {
    EXPECT_EQ(command(member_, false, lobby_, "ticket panel").body.content, std::string(core::describe(core::rejection::not_staff)));
    EXPECT_TRUE(actions_.messages.empty());
    const auto r = command(helper_, true, lobby_, "ticket panel");
    EXPECT_EQ(r.body.content, "The ticket panel is posted.");
    ASSERT_EQ(actions_.messages.size(), 1U);
    EXPECT_EQ(actions_.messages[0].channel, lobby_);
    const auto& rows = actions_.messages[0].body.rows;
    ASSERT_EQ(rows.size(), 2U) << "six types: a row of five and a row of one";
    EXPECT_EQ(std::get<ports::button>(rows[0].components[0]).custom_id, "tk:open:support");
    EXPECT_EQ(std::get<ports::button>(rows[1].components[0]).custom_id, "tk:open:billing");
}

TEST_F(TicketsFeatureTest, OpeningMakesAPrivateChannelOnlyTheMemberStaffAndTheBotSee) {
    const auto form = click(member_, false, "tk:open:support");
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_EQ(form.form.custom_id, "tk:form:support");
    ASSERT_EQ(form.form.inputs.size(), 1U);
    EXPECT_EQ(form.form.inputs[0].label, "How can we help?");
    const auto channel = open_ticket();
    const auto& info = actions_.channels.at(channel);
    EXPECT_EQ(info.name, "support-1");
    const auto* everyone = overwrite_for(channel, guild_.value);
    ASSERT_NE(everyone, nullptr);
    EXPECT_TRUE(everyone->deny.has(ports::ability::view));
    ASSERT_NE(overwrite_for(channel, member_.value), nullptr);
    EXPECT_TRUE(overwrite_for(channel, member_.value)->allow.has(ports::ability::send));
    ASSERT_NE(overwrite_for(channel, staff_role_.value), nullptr);
    ASSERT_NE(overwrite_for(channel, actions_.me.value), nullptr) << "the bot keeps itself in the channel";
    // The opening message: the answer and the staff buttons.
    ASSERT_EQ(actions_.messages.size(), 1U);
    EXPECT_EQ(actions_.messages[0].channel, channel);
    ASSERT_EQ(actions_.messages[0].body.embeds.size(), 1U);
    EXPECT_EQ(actions_.messages[0].body.embeds[0].fields[0].value, "My key fails");
    EXPECT_EQ(std::get<ports::button>(actions_.messages[0].body.rows[0].components[0]).custom_id, "tk:claim:1");
    EXPECT_EQ(tickets_.find_by_channel(channel)->opener, member_);
}

TEST_F(TicketsFeatureTest, WhenThePlatformRefusesTheChannelTheMemberIsToldAndNotBlocked) {
    actions_.refuse = {"create_channel"};
    const auto form = click(member_, false, "tk:open:support");
    const auto r = router_.handle(from(member_, false, lobby_, ports::modal_submit{form.form.custom_id, {{"q0", "Help"}}}));
    EXPECT_NE(r.body.content.find("could not be opened"), std::string::npos) << r.body.content;
    ASSERT_FALSE(logs_.empty());
    EXPECT_NE(logs_.back().find("missing_permissions"), std::string::npos);
    EXPECT_EQ(log_components_.back(), "tickets");
    EXPECT_EQ(log_tickets_.back(), 1) << "the record names the ticket: " << logs_.back();
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::closed) << "abandoned, not lingering";
    actions_.refuse.clear();
    open_ticket();  // neither the limit nor the cooldown hold the member back
}

TEST_F(TicketsFeatureTest, ForgedAndStaleCustomIdsChangeNothing) {
    open_ticket();
    for (const char* forged : {"tk:claim:abc", "tk:claim:-1", "tk:claim:", "tk:", "tk:rate:1", "tk:bogus:1"}) {
        EXPECT_EQ(click(helper_, true, forged).body.content, "This control is not valid.") << forged;
    }
    EXPECT_EQ(click(member_, false, "tk:rate:1:x").body.content, std::string(core::describe(core::rejection::invalid_rating)));
    EXPECT_EQ(click(member_, false, "tk:rate:1:9").body.content, std::string(core::describe(core::rejection::invalid_rating)));
    const auto forged_stars = router_.handle(from(member_, false, std::nullopt, ports::modal_submit{"tk:feedback:1:9", {{"comment", ""}}}));
    EXPECT_EQ(forged_stars.body.content, std::string(core::describe(core::rejection::invalid_rating)))
        << "a forged form is checked by the service again";
    EXPECT_EQ(click(helper_, true, "tk:claim:999").body.content, std::string(core::describe(core::rejection::unknown_ticket)));
    EXPECT_EQ(click(member_, false, "tk:open:nope").body.content,
              std::string(core::describe(core::rejection::unknown_ticket_type)));
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::open);
}

TEST_F(TicketsFeatureTest, ClaimAddAndTheOpenersConfirmedCloseLockTheChannelAndAskForARating) {
    const auto channel = open_ticket();
    EXPECT_EQ(click(member_, false, "tk:claim:1").body.content, std::string(core::describe(core::rejection::not_staff)));
    EXPECT_EQ(click(helper_, true, "tk:claim:1").body.content, "<@300> claimed this ticket.");
    const core::user_id friend_{400};
    const auto added = command(member_, false, channel, "ticket add", {{"user", friend_}});
    EXPECT_EQ(added.body.content, "<@400> was added to this ticket.");
    ASSERT_NE(overwrite_for(channel, friend_.value), nullptr) << "the added member can see the channel";

    const auto ask = click(member_, false, "tk:close:1");
    EXPECT_EQ(ask.body.content, "Close this ticket? You can reopen it within a day.");
    ASSERT_EQ(ask.body.rows.size(), 1U);
    EXPECT_EQ(std::get<ports::button>(ask.body.rows[0].components[0]).custom_id, "tk:confirm:1");
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::claimed) << "not closed before confirming";
    EXPECT_EQ(click(member_, false, "tk:confirm:1").body.content, "Ticket #1 is closed.");
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::closed);
    // Locked: the opener and the added member still read, no longer write; staff unchanged.
    EXPECT_TRUE(overwrite_for(channel, member_.value)->deny.has(ports::ability::send));
    EXPECT_TRUE(overwrite_for(channel, member_.value)->allow.has(ports::ability::view));
    EXPECT_TRUE(overwrite_for(channel, friend_.value)->deny.has(ports::ability::send));
    EXPECT_TRUE(overwrite_for(channel, staff_role_.value)->allow.has(ports::ability::send));
    ASSERT_FALSE(actions_.messages.empty());
    EXPECT_EQ(actions_.messages.back().body.embeds[0].title, "Ticket #1 closed");
    ASSERT_EQ(actions_.dms.size(), 1U);
    EXPECT_EQ(actions_.dms[0].first, member_);
    EXPECT_EQ(std::get<ports::button>(actions_.dms[0].second.body.rows[0].components[4]).custom_id, "tk:rate:1:5");
    EXPECT_EQ(click(helper_, true, "tk:rate:1:5").body.content, std::string(core::describe(core::rejection::not_owner)));
    const auto form = click(member_, false, "tk:rate:1:5");
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_EQ(form.form.custom_id, "tk:feedback:1:5");
    EXPECT_FALSE(form.form.inputs[0].required) << "the comment is optional";
    const auto rated = router_.handle(from(member_, false, std::nullopt, ports::modal_submit{"tk:feedback:1:5", {{"comment", "Fast and kind"}}}));
    EXPECT_EQ(rated.body.content, "Thank you! You rated ticket #1 5 of 5.");
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->rating_comment, "Fast and kind");
    EXPECT_EQ(click(member_, false, "tk:rate:1:4").body.content,
              std::string(core::describe(core::rejection::feedback_already_given)));
    const auto forged = router_.handle(from(member_, false, std::nullopt, ports::modal_submit{"tk:feedback:1:4", {{"comment", "again"}}}));
    EXPECT_EQ(forged.body.content, std::string(core::describe(core::rejection::feedback_already_given)));
}

TEST_F(TicketsFeatureTest, CommandsOutsideATicketChannelSaySo) {
    EXPECT_EQ(command(member_, false, lobby_, "ticket close").body.content,
              "This channel is not a ticket. Use /ticket commands in a ticket's channel.");
}

TEST_F(TicketsFeatureTest, MessagesAreActivityAndTheScheduledSweepWarnsThenTheChannelIsDeleted) {
    std::vector<std::string> names;
    for (const auto& job : router_.jobs()) names.push_back(job.name);
    EXPECT_EQ(std::find(names.begin(), names.end(), "payments.expire"), names.end()) << "the payments feature runs payment expiry";
    const auto channel = open_ticket();
    bot::scheduler jobs(router_.jobs(), clock_, [this](const apexcore::ports::log_record& r) { logs_.emplace_back(r.message); });
    clock_.advance(47h);
    router_.on_message({core::message_id{1}, channel, guild_, member_, false, {}});
    clock_.advance(2h);  // 2 h after the member's message: nothing due
    jobs.run_due();
    const auto warnings = [&] {
        return std::count_if(actions_.messages.begin(), actions_.messages.end(),
                             [](const auto& m) { return !m.body.embeds.empty() && m.body.embeds[0].title == "Is this still needed?"; });
    };
    EXPECT_EQ(warnings(), 0);
    clock_.advance(46h);
    jobs.run_due();
    EXPECT_EQ(warnings(), 1) << "48 h after the member's last message";
    // Staff writing does not count as the member's activity; the sweep closes an hour later.
    router_.on_message({core::message_id{2}, channel, guild_, helper_, false, {staff_role_}});
    clock_.advance(1h);
    jobs.run_due();
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::closed);
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->first_responder, helper_);
    EXPECT_EQ(actions_.dms.size(), 1U) << "the opener is asked for a rating";
    EXPECT_TRUE(actions_.channels.count(channel)) << "kept for the type's delay";
    clock_.advance(1h);
    jobs.run_due();
    EXPECT_FALSE(actions_.channels.count(channel)) << "deleted after 1 h";
    EXPECT_EQ(tickets_.find(core::ticket_id{1})->status, core::ticket_status::deleted);
}

TEST_F(TicketsFeatureTest, ABotsOwnMessagesAreNotActivity) {
    const auto channel = open_ticket();
    clock_.advance(47h);
    router_.on_message({core::message_id{1}, channel, guild_, actions_.me, true, {}});
    clock_.advance(1h);
    bot::scheduler jobs(router_.jobs(), clock_, {});
    jobs.run_due();
    EXPECT_TRUE(tickets_.find(core::ticket_id{1})->inactivity_warned_at);
}

TEST_F(TicketsFeatureTest, AnOrderTicketShowsTheDiscountedPriceAndChargesOncePerProduct) {
    const auto p = product(2000);
    ASSERT_TRUE(wallet_.deposit({staff, member_, core::money::usd_cents(5000), "test deposit"}).ok());
    open_ticket("order");
    const auto& opening = actions_.messages.back().body;
    ASSERT_EQ(opening.rows.size(), 2U) << "staff buttons, then the products";
    const auto& select = std::get<ports::string_select>(opening.rows[1].components[0]);
    EXPECT_EQ(select.custom_id, "tk:product:1");
    ASSERT_EQ(select.options.size(), 1U);
    // The member holds Apex Legend (3.75 %): the card says so and quotes the price after it.
    auto pick = from(member_, false, std::nullopt, ports::component_action{"tk:product:1", {std::to_string(p.id.value)}, ports::component_kind::string_select});
    pick.from.roles = {legend_role};
    const auto card = router_.handle(pick);
    ASSERT_EQ(card.body.embeds.size(), 1U) << card.body.content;
    EXPECT_EQ(card.body.embeds[0].fields[1].value, "3.75 %");
    EXPECT_EQ(card.body.embeds[0].fields[2].value, "**$19.25**");
    const auto& buttons = card.body.rows[0].components;
    ASSERT_EQ(buttons.size(), 4U) << "wallet, promo code, PayPal, Bank";
    EXPECT_EQ(std::get<ports::button>(buttons[0]).custom_id, "tk:wallet:1:" + std::to_string(p.id.value) + ":2000");
    // A promo code: entered in a modal, the card shows it, the payment uses it.
    core::promo_code spring;
    spring.code = "SPRING10";
    spring.kind = core::promo_kind::percent;
    spring.percent = 1000;
    spring.min_spend = core::money::usd_cents(0);
    ASSERT_TRUE(promos_.upsert(staff, spring).ok());
    const std::string ask = std::get<ports::button>(buttons[1]).custom_id;
    EXPECT_EQ(ask, "tk:promo:1:" + std::to_string(p.id.value));
    const auto form = click(member_, false, ask);
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    auto typed = from(member_, false, std::nullopt, ports::modal_submit{form.form.custom_id, {{"code", "NOPE"}}});
    EXPECT_EQ(router_.handle(typed).body.content, std::string(core::describe(core::rejection::unknown_promo_code)));
    typed = from(member_, false, std::nullopt, ports::modal_submit{form.form.custom_id, {{"code", " SPRING10 "}}});
    typed.from.roles = {legend_role};
    const auto with_code = router_.handle(typed);
    ASSERT_EQ(with_code.body.embeds.size(), 1U) << with_code.body.content;
    services::purchase_request expected{member_, p.id, p.price};
    expected.member_roles = {legend_role};
    expected.promo_code = "SPRING10";
    const auto quoted = wallet_.quote(expected).value();
    EXPECT_EQ(with_code.body.embeds[0].fields[2].name, "Promo SPRING10");
    EXPECT_EQ(with_code.body.embeds[0].fields[3].value, "**" + core::format_money(quoted.final_price) + "**");
    const std::string pay = std::get<ports::button>(with_code.body.rows[0].components[0]).custom_id;
    EXPECT_EQ(pay, "tk:wallet:1:" + std::to_string(p.id.value) + ":2000:SPRING10");
    EXPECT_EQ(click(helper_, true, pay).body.content, "Only the member who opened this ticket can pay here.");
    auto press = from(member_, false, std::nullopt, ports::component_action{pay, {}, ports::component_kind::button});
    press.from.roles = {legend_role};
    const auto paid = router_.handle(press);
    EXPECT_EQ(paid.body.content.rfind("Paid: order **AC-", 0), 0U) << paid.body.content;
    ASSERT_EQ(paid.followups.size(), 1U) << "the ticket's channel is told too";
    press.id = core::interaction_id{next_++};
    const auto again = router_.handle(press);
    EXPECT_EQ(again.body.content.rfind("Already paid: order **AC-", 0), 0U) << again.body.content;
    EXPECT_EQ(wallet_.balance(member_).minor_units(), 5000 - quoted.final_price.minor_units()) << "charged once, with the code";
    EXPECT_TRUE(tickets_.find(core::ticket_id{1})->order) << "the ticket is linked to its order";
    // A manual method opens a payment session linked to the ticket.
    const auto bank = router_.handle(from(member_, false, std::nullopt,
                                          ports::component_action{"tk:method:1:" + std::to_string(p.id.value) + ":1", {},
                                                                  ports::component_kind::button}));
    ASSERT_EQ(bank.body.embeds.size(), 1U) << bank.body.content;
    EXPECT_EQ(bank.body.embeds[0].title, "Pay by Bank");
    EXPECT_TRUE(tickets_.find(core::ticket_id{1})->payment_session);
    EXPECT_EQ(click(member_, false, "tk:method:1:" + std::to_string(p.id.value) + ":9").body.content, "This control is not valid.");
}

TEST_F(TicketsFeatureTest, ADepositTicketCreditsTheWalletOnceAndOnlyByStaff) {
    // /deposit opens the deposit ticket's form, as the panel's button does.
    const auto deposit = command(member_, false, lobby_, "deposit");
    ASSERT_EQ(deposit.kind, ports::response_kind::open_modal);
    EXPECT_EQ(deposit.form.custom_id, "tk:form:deposit");
    open_ticket("deposit");
    const auto& opening = actions_.messages.back().body;
    // The ticket says how to pay: every configured method with its instructions.
    ASSERT_EQ(opening.embeds.size(), 2U);
    EXPECT_EQ(opening.embeds[1].title, "How to pay");
    ASSERT_EQ(opening.embeds[1].fields.size(), config_.payment_methods.size());
    EXPECT_EQ(opening.embeds[1].fields[0].name, config_.payment_methods[0].name);
    EXPECT_EQ(opening.embeds[1].fields[0].value, config_.payment_methods[0].instructions);
    ASSERT_EQ(opening.rows.size(), 2U);
    EXPECT_EQ(std::get<ports::button>(opening.rows[1].components[0]).custom_id, "tk:credit:1");
    EXPECT_EQ(click(member_, false, "tk:credit:1").body.content, std::string(core::describe(core::rejection::not_staff)));
    const auto form = click(helper_, true, "tk:credit:1");
    ASSERT_EQ(form.kind, ports::response_kind::open_modal);
    EXPECT_EQ(form.form.custom_id, "tk:amount:1");
    const auto bad = router_.handle(from(helper_, true, std::nullopt, ports::modal_submit{"tk:amount:1", {{"amount", "12,5x"}}}));
    EXPECT_NE(bad.body.content.find("is not valid"), std::string::npos) << bad.body.content;
    const auto negative = router_.handle(from(helper_, true, std::nullopt, ports::modal_submit{"tk:amount:1", {{"amount", "-5"}}}));
    EXPECT_EQ(negative.body.content, std::string(core::describe(core::rejection::invalid_amount)));
    const auto credited = router_.handle(from(helper_, true, std::nullopt, ports::modal_submit{"tk:amount:1", {{"amount", "25.00"}}}));
    EXPECT_EQ(credited.body.content, "<@300> credited **$25.00** to <@200>'s wallet. New balance: **$25.00**.");
    const auto twice = router_.handle(from(helper_, true, std::nullopt, ports::modal_submit{"tk:amount:1", {{"amount", "30.00"}}}));
    EXPECT_EQ(twice.body.content, "This ticket's deposit was already credited (with another amount); nothing was changed.");
    const auto forged = router_.handle(from(member_, false, std::nullopt, ports::modal_submit{"tk:amount:1", {{"amount", "1000"}}}));
    EXPECT_EQ(forged.body.content, std::string(core::describe(core::rejection::not_staff)));
    EXPECT_EQ(wallet_.balance(member_).minor_units(), 2500);
}

TEST_F(TicketsFeatureTest, AJobThatFailsIsLoggedAndRunsAgain) {
    int calls = 0;
    bot::scheduler jobs({{"flaky", 60s, [&] {
                              if (++calls == 1) throw std::runtime_error("database is locked");
                          }}},
                        clock_, [this](const apexcore::ports::log_record& r) { logs_.emplace_back(r.message); });
    EXPECT_EQ(jobs.run_due(), 1U);
    ASSERT_FALSE(logs_.empty());
    EXPECT_EQ(logs_.back(), "scheduled job flaky failed: database is locked; it runs again in 60 s");
    EXPECT_EQ(jobs.run_due(), 0U) << "not due yet";
    clock_.advance(60s);
    EXPECT_EQ(jobs.run_due(), 1U);
    EXPECT_EQ(calls, 2);
    EXPECT_THROW(bot::scheduler({{"bad", 0s, [] {}}}, clock_, {}), std::invalid_argument);
}

}  // namespace
}  // namespace apexcore::test_support
