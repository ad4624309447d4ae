// Tickets (issue 10 §1): opening and its limits, participants, claiming, closing and reopening,
// the inactivity sweep with a manual clock, feedback and staff statistics — all through the
// SQLite store, each change with its event in the insert-only log.
#include "commerce_fixture.hpp"

#include <apexcore/core/ticket.hpp>

namespace apexcore::test_support {
namespace {

using namespace std::chrono_literals;
using core::rejection;
using core::ticket_event_kind;
using core::ticket_status;

class TicketTest : public CommerceTest {
protected:
    static constexpr core::user_id carol{100000000000000003};
    static constexpr core::user_id staff2_id{900000000000000010};
    const services::actor staff2{staff2_id, true};
    const services::actor as_alice{alice, false};
    const services::actor as_bob{bob, false};

    core::ticket open_support(core::user_id who = alice, std::string question = "My key does not work") {
        auto t = tickets_.open({who, "support", "Key problem", {std::move(question)}});
        EXPECT_TRUE(t.ok()) << (t.ok() ? "" : core::to_string(t.error()));
        return *t;
    }
    std::vector<ticket_event_kind> kinds(core::ticket_id id) {
        std::vector<ticket_event_kind> out;
        for (const auto& e : tickets_.events(id)) out.push_back(e.kind);
        return out;
    }
};

TEST_F(TicketTest, OpeningStoresTheAnswersAndChecksThemAgainstTheTypesQuestions) {
    const auto t = open_support();
    EXPECT_EQ(t.status, ticket_status::open);
    EXPECT_EQ(t.type, "support");
    ASSERT_EQ(t.answers.size(), 1U);
    EXPECT_EQ(t.answers[0].question, "How can we help?");
    EXPECT_EQ(t.answers[0].answer, "My key does not work");
    const auto stored = tickets_.find(t.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->answers.size(), 1U);
    EXPECT_EQ(stored->opened_at, clock_.now());
    EXPECT_EQ(kinds(t.id), std::vector<ticket_event_kind>{ticket_event_kind::opened});

    EXPECT_EQ(tickets_.open({bob, "nope", "", {"x"}}).error(), rejection::unknown_ticket_type);
    EXPECT_EQ(tickets_.open({bob, "support", "", {""}}).error(), rejection::invalid_text) << "a required answer";
    EXPECT_EQ(tickets_.open({bob, "support", "", {"a", "b"}}).error(), rejection::invalid_text) << "more answers than questions";
    EXPECT_EQ(tickets_.open({bob, "support", "", {std::string(1001, 'a')}}).error(), rejection::text_too_long);
    EXPECT_EQ(tickets_.open({bob, "support", "bad\nsubject", {"a"}}).error(), rejection::invalid_text);
    EXPECT_EQ(tickets_.open({bob, "support", "", {"\xC3"}}).error(), rejection::invalid_text) << "broken UTF-8";
    EXPECT_EQ(tickets_.open({bob, "support", std::string(101, 's'), {"a"}}).error(), rejection::text_too_long);
    // An optional question may stay empty; the answer is then not stored.
    const auto order = tickets_.open({bob, "order", "", {"Flix 1 month", ""}});
    ASSERT_TRUE(order.ok());
    EXPECT_EQ(order->answers.size(), 1U);
    EXPECT_EQ(count("tickets"), 2);
}

TEST_F(TicketTest, LimitsPerTypePerMemberAndACooldownEachHaveTheirRejection) {
    open_support();
    EXPECT_EQ(tickets_.open({alice, "support", "", {"again"}}).error(), rejection::ticket_limit_reached)
        << "one open support ticket per member by default";
    clock_.advance(1min);
    ASSERT_TRUE(tickets_.open({alice, "billing", "", {"Invoice?"}}).ok());
    ASSERT_TRUE(tickets_.open({alice, "warranty", "", {"AC-1", "Broken"}}).ok());
    EXPECT_EQ(tickets_.open({alice, "refund", "", {"AC-2", "Changed my mind"}}).error(), rejection::ticket_limit_reached)
        << "three open tickets over all types by default";
    // Closing one frees the place, but the type's cooldown (5 min) still applies.
    const auto billing = tickets_.find(core::ticket_id{2});
    ASSERT_TRUE(tickets_.attach_channel(billing->id, core::channel_id{700}).ok());
    ASSERT_TRUE(tickets_.close(staff, billing->id, "answered", false).ok());
    EXPECT_EQ(tickets_.open({alice, "billing", "", {"One more"}}).error(), rejection::ticket_cooldown);
    clock_.advance(5min);
    EXPECT_TRUE(tickets_.open({alice, "billing", "", {"One more"}}).ok());
}

TEST_F(TicketTest, ATicketAbandonedBeforeItHadAChannelStartsNoCooldown) {
    const auto t = open_support();
    const auto abandoned = tickets_.abandon(t.id, "The channel could not be created");
    ASSERT_TRUE(abandoned.ok());
    EXPECT_EQ(abandoned->status, ticket_status::closed);
    EXPECT_FALSE(abandoned->closed_by);
    EXPECT_EQ(tickets_.abandon(t.id, "").error(), rejection::ticket_closed);
    EXPECT_TRUE(tickets_.open({alice, "support", "", {"Try again"}}).ok()) << "the shop's failure, not the member's";
}

TEST_F(TicketTest, LinksMustBeTheOpenersOwn) {
    const auto p = product(1000);
    fund(alice, 5000);
    const auto receipt = buy(alice, p);
    ASSERT_TRUE(receipt.ok());
    services::open_ticket_request r{bob, "order", "", {"Flix", ""}};
    r.order = receipt->order.id;
    EXPECT_EQ(tickets_.open(r).error(), rejection::not_owner);
    r.order = core::order_id{999};
    EXPECT_EQ(tickets_.open(r).error(), rejection::unknown_order);
    r.opener = alice;
    r.order = receipt->order.id;
    const auto t = tickets_.open(r);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(tickets_.find(t->id)->order, receipt->order.id);
}

TEST_F(TicketTest, ParticipantsClaimsAndTransfersFollowWhoMayDoWhat) {
    const auto t = open_support();
    EXPECT_EQ(tickets_.add_participant(as_bob, t.id, carol).error(), rejection::not_participant);
    ASSERT_TRUE(tickets_.add_participant(as_alice, t.id, bob).ok());
    ASSERT_TRUE(tickets_.add_participant(staff, t.id, carol).ok());
    EXPECT_EQ(tickets_.find(t.id)->participants, (std::vector<core::user_id>{bob, carol}));
    EXPECT_TRUE(tickets_.add_participant(staff, t.id, bob).ok()) << "already there: nothing changes";
    EXPECT_EQ(tickets_.remove_participant(staff, t.id, alice).error(), rejection::not_participant) << "not the opener";
    ASSERT_TRUE(tickets_.remove_participant(as_alice, t.id, carol).ok());
    EXPECT_FALSE(tickets_.find(t.id)->is_member(carol));

    EXPECT_EQ(tickets_.claim(as_alice, t.id).error(), rejection::not_staff);
    const auto claimed = tickets_.claim(staff, t.id);
    ASSERT_TRUE(claimed.ok());
    EXPECT_EQ(claimed->status, ticket_status::claimed);
    EXPECT_EQ(claimed->claimed_by, staff_id);
    EXPECT_EQ(tickets_.claim(staff2, t.id).error(), rejection::ticket_already_claimed);
    ASSERT_TRUE(tickets_.transfer(staff, t.id, staff2_id).ok());
    EXPECT_EQ(tickets_.find(t.id)->claimed_by, staff2_id);
    ASSERT_TRUE(tickets_.unclaim(staff2, t.id).ok());
    EXPECT_EQ(tickets_.find(t.id)->status, ticket_status::open);
    EXPECT_EQ(tickets_.unclaim(staff2, t.id).error(), rejection::ticket_not_claimed);
    ASSERT_TRUE(tickets_.rename(as_alice, t.id, "Key for Flix").ok());
    EXPECT_EQ(tickets_.rename(as_bob, t.id, "mine").error(), rejection::not_participant) << "participants cannot rename";

    const auto events = tickets_.events(t.id);
    EXPECT_EQ(kinds(t.id), (std::vector<ticket_event_kind>{ticket_event_kind::opened, ticket_event_kind::participant_added,
                                                           ticket_event_kind::participant_added,
                                                           ticket_event_kind::participant_removed, ticket_event_kind::claimed,
                                                           ticket_event_kind::transferred, ticket_event_kind::unclaimed,
                                                           ticket_event_kind::renamed}));
    EXPECT_EQ(events[1].actor, alice);
    EXPECT_EQ(events[1].subject, bob);
    EXPECT_EQ(events[5].subject, staff2_id);
    EXPECT_EQ(events[6].subject, staff2_id) << "whose claim was released";
    EXPECT_EQ(events[7].note, "Key for Flix");
}

TEST_F(TicketTest, TheOpenerClosesOnlyWithConfirmationAndReopensWithinTheWindow) {
    const auto t = open_support();
    EXPECT_EQ(tickets_.close(as_bob, t.id, "", true).error(), rejection::not_participant);
    EXPECT_EQ(tickets_.close(as_alice, t.id, "", false).error(), rejection::confirmation_required);
    EXPECT_EQ(tickets_.close(staff, t.id, std::string(501, 'r'), false).error(), rejection::text_too_long);
    const auto closed = tickets_.close(as_alice, t.id, "Solved, thanks", true);
    ASSERT_TRUE(closed.ok());
    EXPECT_EQ(closed->status, ticket_status::closed);
    EXPECT_EQ(closed->closed_by, alice);
    EXPECT_EQ(closed->close_reason, "Solved, thanks");
    EXPECT_EQ(tickets_.close(staff, t.id, "", false).error(), rejection::ticket_closed);
    EXPECT_EQ(tickets_.add_participant(staff, t.id, bob).error(), rejection::ticket_closed);

    clock_.advance(23h);
    const auto reopened = tickets_.reopen(as_alice, t.id);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(reopened->status, ticket_status::open);
    EXPECT_FALSE(reopened->closed_at);
    EXPECT_EQ(reopened->close_reason, "");
    EXPECT_EQ(tickets_.reopen(as_alice, t.id).error(), rejection::ticket_not_closed);
    ASSERT_TRUE(tickets_.close(staff, t.id, "", false).ok());
    clock_.advance(25h);
    EXPECT_EQ(tickets_.reopen(as_alice, t.id).error(), rejection::reopen_window_closed) << "24 h by default";
    EXPECT_TRUE(tickets_.reopen(staff, t.id).ok()) << "staff may reopen later";
    ASSERT_TRUE(tickets_.close(staff, t.id, "", false).ok());
    EXPECT_EQ(tickets_.remove(as_alice, t.id).error(), rejection::not_staff);
    ASSERT_TRUE(tickets_.remove(staff, t.id).ok());
    EXPECT_EQ(tickets_.find(t.id)->status, ticket_status::deleted);
    EXPECT_EQ(tickets_.reopen(staff, t.id).error(), rejection::ticket_not_closed) << "deleted is final";
}

TEST_F(TicketTest, ReopeningCountsAgainstTheLimits) {
    const auto first = open_support();
    ASSERT_TRUE(tickets_.close(staff, first.id, "", false).ok());
    clock_.advance(10min);
    open_support(alice, "Another problem");
    EXPECT_EQ(tickets_.reopen(as_alice, first.id).error(), rejection::ticket_limit_reached);
}

TEST_F(TicketTest, FeedbackOnceByTheOpenerAfterClosing) {
    const auto t = open_support();
    EXPECT_EQ(tickets_.rate(as_alice, t.id, 5, "").error(), rejection::ticket_not_closed);
    ASSERT_TRUE(tickets_.close(staff, t.id, "done", false).ok());
    EXPECT_EQ(tickets_.rate(as_bob, t.id, 5, "").error(), rejection::not_owner);
    EXPECT_EQ(tickets_.rate(as_alice, t.id, 0, "").error(), rejection::invalid_rating);
    EXPECT_EQ(tickets_.rate(as_alice, t.id, 6, "").error(), rejection::invalid_rating);
    EXPECT_EQ(tickets_.rate(as_alice, t.id, 4, std::string(1001, 'c')).error(), rejection::text_too_long);
    const auto rated = tickets_.rate(as_alice, t.id, 4, "Quick and kind");
    ASSERT_TRUE(rated.ok());
    EXPECT_EQ(rated->rating, 4);
    EXPECT_EQ(tickets_.rate(as_alice, t.id, 5, "").error(), rejection::feedback_already_given);
}

TEST_F(TicketTest, TheSweepWarnsAfter48HoursAndClosesAfter49WithoutAReply) {
    const auto quiet = open_support(alice);
    const auto chatty = open_support(bob);
    clock_.advance(47h);
    ASSERT_TRUE(tickets_.record_activity(chatty.id, as_bob).ok());
    EXPECT_TRUE(tickets_.sweep().warned.empty());
    clock_.advance(1h);  // alice silent 48 h, bob 1 h
    auto swept = tickets_.sweep();
    ASSERT_EQ(swept.warned.size(), 1U);
    EXPECT_EQ(swept.warned[0].id, quiet.id);
    EXPECT_TRUE(swept.closed.empty());
    EXPECT_TRUE(tickets_.sweep().warned.empty()) << "warned once";
    clock_.advance(59min);
    EXPECT_TRUE(tickets_.sweep().closed.empty());
    clock_.advance(1min);  // 49 h
    swept = tickets_.sweep();
    ASSERT_EQ(swept.closed.size(), 1U);
    EXPECT_EQ(swept.closed[0].id, quiet.id);
    const auto closed = tickets_.find(quiet.id);
    EXPECT_EQ(closed->status, ticket_status::closed);
    EXPECT_FALSE(closed->closed_by) << "closed by the sweep, not a person";
    EXPECT_EQ(closed->close_reason, "Closed after 49 hours without a reply");
    EXPECT_EQ(kinds(quiet.id), (std::vector<ticket_event_kind>{ticket_event_kind::opened, ticket_event_kind::warned,
                                                               ticket_event_kind::closed}));
    EXPECT_EQ(tickets_.find(chatty.id)->status, ticket_status::open);
}

TEST_F(TicketTest, AMemberWhoAnswersOrKeepsItOpenIsNotClosedAndStaffMessagesDoNotCount) {
    const auto t = open_support();
    clock_.advance(48h);
    ASSERT_EQ(tickets_.sweep().warned.size(), 1U);
    ASSERT_TRUE(tickets_.keep_open(as_alice, t.id).ok());
    clock_.advance(2h);
    EXPECT_TRUE(tickets_.sweep().closed.empty()) << "Keep open restarted the member's clock";
    clock_.advance(46h);
    ASSERT_TRUE(tickets_.record_activity(t.id, staff).ok());  // staff write; the member stays silent
    ASSERT_EQ(tickets_.sweep().warned.size(), 1U);
    EXPECT_EQ(tickets_.keep_open(as_bob, t.id).error(), rejection::not_participant);
    ASSERT_TRUE(tickets_.record_activity(t.id, as_alice).ok());
    EXPECT_FALSE(tickets_.find(t.id)->inactivity_warned_at) << "the member's message clears the warning";
    clock_.advance(49h);
    const auto swept = tickets_.sweep();
    EXPECT_EQ(swept.warned.size(), 1U) << "warned first, never closed without a warning";
    EXPECT_TRUE(swept.closed.empty());
}

TEST_F(TicketTest, ABotThatWasDownForDaysWarnsFirstAndClosesAnHourLater) {
    const auto t = open_support();
    clock_.advance(24h * 5);
    auto swept = tickets_.sweep();
    EXPECT_EQ(swept.warned.size(), 1U);
    EXPECT_TRUE(swept.closed.empty());
    clock_.advance(1h);
    swept = tickets_.sweep();
    ASSERT_EQ(swept.closed.size(), 1U);
    EXPECT_EQ(swept.closed[0].id, t.id);
}

TEST_F(TicketTest, ATicketWithALivePaymentSessionIsNeverWarnedOrClosed) {
    const auto p = product(2000);
    auto started = payments_.start({alice, p.id, "PayPal"});
    ASSERT_TRUE(started.ok());
    services::open_ticket_request r{alice, "order", "", {"Flix", ""}};
    r.order = started->order.id;
    const auto t = tickets_.open(r);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(payments_.submit(alice, started->session.id, {"TX-1", "alice@example.com", "paid", "https://cdn.discordapp.com/attachments/1/2/proof.png"}).ok());
    clock_.advance(24h * 3);
    auto swept = tickets_.sweep();
    EXPECT_TRUE(swept.warned.empty()) << "the member waits for staff to check the proof";
    EXPECT_TRUE(swept.closed.empty());
    ASSERT_TRUE(payments_.approve(staff, started->session.id).ok());
    swept = tickets_.sweep();
    EXPECT_EQ(swept.warned.size(), 1U) << "once the payment is decided, the usual rules apply";
}

TEST_F(TicketTest, ChannelsOfClosedTicketsAreDueForDeletionAfterTheTypesDelay) {
    const auto t = open_support();
    ASSERT_TRUE(tickets_.attach_channel(t.id, core::channel_id{555}).ok());
    EXPECT_EQ(tickets_.find_by_channel(core::channel_id{555})->id, t.id);
    ASSERT_TRUE(tickets_.close(staff, t.id, "", false).ok());
    EXPECT_TRUE(tickets_.due_for_deletion().empty());
    clock_.advance(1h);
    const auto due = tickets_.due_for_deletion();
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].channel, core::channel_id{555});
    ASSERT_TRUE(tickets_.remove(staff, t.id).ok());
    EXPECT_TRUE(tickets_.due_for_deletion().empty());
    EXPECT_EQ(tickets_.attach_channel(t.id, core::channel_id{556}).error(), rejection::ticket_closed);
}

TEST_F(TicketTest, StaffStatisticsOverAPeriod) {
    const auto from = clock_.now();
    const auto a = open_support(alice);
    const auto b = open_support(bob);
    const auto c = open_support(carol);
    ASSERT_TRUE(tickets_.claim(staff, a.id).ok());
    clock_.advance(10min);
    ASSERT_TRUE(tickets_.record_activity(a.id, staff).ok());   // 10 min
    clock_.advance(20min);
    ASSERT_TRUE(tickets_.record_activity(b.id, staff2).ok());  // 30 min
    clock_.advance(30min);
    ASSERT_TRUE(tickets_.record_activity(c.id, staff2).ok());  // 60 min
    ASSERT_TRUE(tickets_.record_activity(c.id, staff).ok()) << "not the first response any more";
    ASSERT_TRUE(tickets_.close(staff, a.id, "", false).ok());
    ASSERT_TRUE(tickets_.close(staff2, b.id, "", false).ok());
    ASSERT_TRUE(tickets_.close(staff2, c.id, "", false).ok());
    ASSERT_TRUE(tickets_.rate(as_alice, a.id, 5, "").ok());
    ASSERT_TRUE(tickets_.rate(as_bob, b.id, 4, "").ok());
    ASSERT_TRUE(tickets_.rate({carol, false}, c.id, 4, "").ok());
    clock_.advance(1min);
    const auto s = tickets_.stats(from, clock_.now());
    EXPECT_EQ(s.opened, 3);
    EXPECT_EQ(s.closed, 3);
    EXPECT_EQ(s.median_first_response, std::chrono::seconds(30min));
    EXPECT_EQ(s.average_rating_centi, 433) << "13 / 3 = 4.33";
    ASSERT_EQ(s.staff.size(), 2U);
    const auto& one = s.staff[0].staff == staff_id ? s.staff[0] : s.staff[1];
    const auto& two = s.staff[0].staff == staff_id ? s.staff[1] : s.staff[0];
    EXPECT_EQ(one.claimed, 1);
    EXPECT_EQ(one.closed, 1);
    EXPECT_EQ(one.median_first_response, std::chrono::seconds(10min));
    EXPECT_EQ(one.average_rating_centi, 500);
    EXPECT_EQ(two.claimed, 0);
    EXPECT_EQ(two.closed, 2);
    EXPECT_EQ(two.median_first_response, std::chrono::seconds(45min)) << "median of 30 and 60 min";
    EXPECT_EQ(two.average_rating_centi, 400);
    // Outside the period: nothing.
    const auto later = tickets_.stats(clock_.now(), clock_.now() + 24h);
    EXPECT_EQ(later.opened, 0);
    EXPECT_FALSE(later.median_first_response);
    EXPECT_FALSE(later.average_rating_centi);
}

TEST_F(TicketTest, TheEventLogIsInsertOnly) {
    if (!test_support::store_under_test::has_sql) GTEST_SKIP() << "the in-memory store has no operation that changes the event log at all";
    const auto t = open_support();
    EXPECT_NE(db_.exec("UPDATE ticket_events SET note = 'x'").find("insert-only"), std::string::npos);
    EXPECT_NE(db_.exec("DELETE FROM ticket_events"), "");
    EXPECT_EQ(kinds(t.id).size(), 1U);
}

TEST_F(TicketTest, SurvivesARestartOfTheStore) {
    const auto t = open_support();
    ASSERT_TRUE(tickets_.add_participant(staff, t.id, bob).ok());
    ASSERT_TRUE(tickets_.claim(staff, t.id).ok());
    store_.reset();
    store_ = db_.open(&clock_);
    services::ticket_service again(*store_, config_);
    const auto found = again.find(t.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, ticket_status::claimed);
    EXPECT_EQ(found->participants, std::vector<core::user_id>{bob});
    EXPECT_EQ(found->answers.size(), 1U);
    EXPECT_EQ(found->subject, "Key problem");
}

}  // namespace
}  // namespace apexcore::test_support

namespace apexcore::test_support {
namespace {

// The deposits cooldown (issue 11 §7): at most N deposit requests (deposit tickets) per period.
TEST_F(TicketTest, DepositRequestsAreLimitedByTheShopsCooldown) {
    services::shop_config c = config_;
    c.cooldowns.deposits = core::cooldown_rule{2, std::chrono::minutes(60)};
    c.tickets.max_open_per_member = 10;
    for (auto& type : c.ticket_types) {
        if (type.key != "deposit") continue;
        type.max_open_per_member = 10;
        type.cooldown = std::chrono::seconds(0);
    }
    services::ticket_service deposits(*store_, c);
    const auto first_at = clock_.now();
    ASSERT_TRUE(deposits.open({alice, "deposit", "", {"20.00 by PayPal"}}).ok());
    clock_.advance(1min);
    ASSERT_TRUE(deposits.open({alice, "deposit", "", {"10.00 by PayPal"}}).ok());
    EXPECT_EQ(deposits.open({alice, "deposit", "", {"5.00"}}).error(), rejection::cooldown_active);
    EXPECT_EQ(deposits.deposit_cooldown_until(alice), std::optional(first_at + 60min));
    EXPECT_TRUE(deposits.open({alice, "support", "", {"not a deposit"}}).ok()) << "other ticket types are not limited";
    EXPECT_TRUE(deposits.open({bob, "deposit", "", {"5.00"}}).ok()) << "per member";
    clock_.advance(59min);
    EXPECT_TRUE(deposits.open({alice, "deposit", "", {"5.00"}}).ok()) << "the first request left the window";
}

}  // namespace
}  // namespace apexcore::test_support
