// The ticket rules (core/ticket.hpp): type validation with the field named, the status machine,
// the sweep's decision at its edges, the reopen window, the median; and every rejection has a
// distinct machine name and its own sentence.
#include <apexcore/core/rejection.hpp>
#include <apexcore/core/ticket.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace apexcore::core;
using namespace std::chrono_literals;
using time_point = std::chrono::system_clock::time_point;

TEST(TicketTypeTest, TheBuiltInTypesAreValidAndDistinct) {
    const auto types = default_ticket_types();
    ASSERT_EQ(types.size(), 6U);
    std::set<std::string> keys;
    for (const auto& t : types) {
        EXPECT_FALSE(validate(t)) << t.key << ": " << describe(*validate(t));
        keys.insert(t.key);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"support", "order", "deposit", "refund", "warranty", "billing"}));
}

TEST(TicketTypeTest, EachBadFieldIsNamed) {
    const ticket_type good = default_ticket_types()[0];
    auto t = good;
    t.key = "Support";
    EXPECT_EQ(validate(t), ticket_type_error::bad_key);
    t.key = std::string(33, 'a');
    EXPECT_EQ(validate(t), ticket_type_error::bad_key);
    t = good;
    t.label = "tab\there";
    EXPECT_EQ(validate(t), ticket_type_error::bad_label);
    t = good;
    t.questions.assign(6, ticket_question{"Why?"});
    EXPECT_EQ(validate(t), ticket_type_error::too_many_questions);
    t.questions.assign(1, ticket_question{std::string(46, 'q')});
    EXPECT_EQ(validate(t), ticket_type_error::bad_question) << "Discord: a label is at most 45 characters";
    t.questions.assign(1, ticket_question{"Why?", true, false, 4001});
    EXPECT_EQ(validate(t), ticket_type_error::bad_question);
    t = good;
    t.staff_roles.assign(11, role_id{1});
    EXPECT_EQ(validate(t), ticket_type_error::too_many_staff_roles);
    t = good;
    t.opening_message = std::string(2001, 'm');
    EXPECT_EQ(validate(t), ticket_type_error::opening_message_too_long);
    t = good;
    t.max_open_per_member = 0;
    EXPECT_EQ(validate(t), ticket_type_error::bad_limits);
    t = good;
    t.close_after = t.warn_after;
    EXPECT_EQ(validate(t), ticket_type_error::bad_timing) << "closing must come after the warning";
    t = good;
    t.warn_after = 30min;
    EXPECT_EQ(validate(t), ticket_type_error::bad_timing);
    t = good;
    t.delete_after_close = std::chrono::hours(24 * 31);
    EXPECT_EQ(validate(t), ticket_type_error::bad_timing);
    EXPECT_EQ(describe(ticket_type_error::too_many_questions), "questions: at most 5 (Discord's modal limit)");
}

TEST(TicketStatusTest, TheStatusMachine) {
    EXPECT_TRUE(can_transition(ticket_status::open, ticket_status::claimed));
    EXPECT_TRUE(can_transition(ticket_status::claimed, ticket_status::open));
    EXPECT_TRUE(can_transition(ticket_status::claimed, ticket_status::closed));
    EXPECT_TRUE(can_transition(ticket_status::closed, ticket_status::open));
    EXPECT_TRUE(can_transition(ticket_status::closed, ticket_status::deleted));
    EXPECT_FALSE(can_transition(ticket_status::open, ticket_status::deleted)) << "close first";
    EXPECT_FALSE(can_transition(ticket_status::closed, ticket_status::claimed));
    for (auto to : {ticket_status::open, ticket_status::claimed, ticket_status::closed, ticket_status::deleted}) {
        EXPECT_FALSE(can_transition(ticket_status::deleted, to));
        EXPECT_EQ(parse_ticket_status(to_string(to)), to);
    }
    EXPECT_FALSE(parse_ticket_status("gone"));
    for (int k = 0; k <= static_cast<int>(ticket_event_kind::rated); ++k) {
        const auto kind = static_cast<ticket_event_kind>(k);
        EXPECT_EQ(parse_ticket_event_kind(to_string(kind)), kind);
    }
}

TEST(TicketSweepTest, DecisionsAtTheEdges) {
    const ticket_type type = default_ticket_types()[0];
    const time_point t0{std::chrono::hours(500000)};
    ticket t;
    t.last_member_activity = t0;
    EXPECT_EQ(sweep_decision(t, type, t0 + 48h - 1ms, false), sweep_action::none);
    EXPECT_EQ(sweep_decision(t, type, t0 + 48h, false), sweep_action::warn);
    EXPECT_EQ(sweep_decision(t, type, t0 + 48h, true), sweep_action::none) << "a live payment session";
    t.inactivity_warned_at = t0 + 48h;
    EXPECT_EQ(sweep_decision(t, type, t0 + 49h - 1ms, false), sweep_action::none);
    EXPECT_EQ(sweep_decision(t, type, t0 + 49h, false), sweep_action::close);
    t.last_member_activity = t0 + 48h + 1s;  // the member wrote after the warning
    EXPECT_EQ(sweep_decision(t, type, t0 + 49h, false), sweep_action::none);
    t.status = ticket_status::closed;
    EXPECT_EQ(sweep_decision(t, type, t0 + 500h, false), sweep_action::none);
}

TEST(TicketSweepTest, ReopenWindowAndMedian) {
    const ticket_type type = default_ticket_types()[0];
    const time_point t0{std::chrono::hours(500000)};
    ticket t;
    t.status = ticket_status::closed;
    t.closed_at = t0;
    EXPECT_TRUE(within_reopen_window(t, type, t0 + 24h - 1ms));
    EXPECT_FALSE(within_reopen_window(t, type, t0 + 24h));
    EXPECT_FALSE(median({}));
    EXPECT_EQ(median({5s}), 5s);
    EXPECT_EQ(median({9s, 1s, 5s}), 5s);
    EXPECT_EQ(median({1s, 2s, 4s, 10s}), 3s);
    const auto big = std::chrono::seconds(std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(median({big, big}), big) << "no overflow in the middle of two large values";
    t.id = ticket_id{42};
    t.type = "order";
    EXPECT_EQ(ticket_channel_name(t), "order-42");
}

TEST(RejectionTest, EveryRejectionHasADistinctNameAndItsOwnSentence) {
    std::set<std::string_view> names;
    std::set<std::string_view> sentences;
    const int last = static_cast<int>(rejection::participant_limit_reached);
    for (int r = 0; r <= last; ++r) {
        const auto value = static_cast<rejection>(r);
        names.insert(to_string(value));
        sentences.insert(describe(value));
        EXPECT_NE(describe(value), "The request was refused.") << to_string(value);
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(last + 1));
    EXPECT_EQ(sentences.size(), static_cast<std::size_t>(last + 1));
}

}  // namespace
