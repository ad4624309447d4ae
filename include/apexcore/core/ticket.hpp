#pragma once
/// @file ticket.hpp
/// Support tickets: the private conversation between a member and staff about an order, a
/// deposit, a refund, a warranty claim, a billing question or anything else an owner configures.
/// Pure rules, no I/O: ticket types and their validation, the status machine, the inactivity
/// sweep's decision, the reopen window and the staff statistics' arithmetic. The use cases are
/// services::ticket_service; the store keeps tickets through ports::ticket_repository.
///
/// Status machine (can_transition):
///   open ──claim──► claimed ──unclaim──► open
///   open | claimed ──close──► closed ──reopen (within the type's window)──► open
///   closed ──delete──► deleted (final; the channel goes with it)
///
/// Inactivity (sweep_decision), per type: a ticket whose member has been silent for `warn_after`
/// (default 48 h) is warned once; if the member stays silent until `close_after` (default 49 h)
/// since their last message *and* the warning is at least `close_after - warn_after` old, it is
/// closed. So a bot that was down for days warns first and closes an hour later, never at once.
/// Member activity (or "Keep open") clears the warning. A ticket with a live payment session is
/// never warned or closed: the member is waiting for staff, not the other way round.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/payment.hpp>
#include <apexcore/core/refund.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apexcore::core {

struct ticket_tag {};
using ticket_id = row_id<ticket_tag>;  ///< ticket row; shown to members as "#<id>"

/// Limits, in bytes unless said otherwise. Discord's modal limits (REFERENCE.md §4.4: 5 inputs,
/// labels of 45 characters, values of 4000) bound the questions and answers.
inline constexpr std::size_t ticket_type_key_length_max = 32;       ///< [a-z0-9_-], 1..32
inline constexpr std::size_t ticket_label_length_max = 80;          ///< a type's display name
inline constexpr std::size_t ticket_questions_max = 5;              ///< Discord: 5 inputs per modal
inline constexpr std::size_t ticket_question_length_max = 45;       ///< Discord: a label's 45 characters
inline constexpr std::size_t ticket_answer_length_max = 4000;       ///< Discord: a text input's 4000
inline constexpr std::size_t ticket_subject_length_max = 100;       ///< a channel topic's summary
inline constexpr std::size_t ticket_opening_message_length_max = 2000;  ///< Discord: message content
inline constexpr std::size_t ticket_reason_length_max = 500;        ///< close reasons
inline constexpr std::size_t ticket_comment_length_max = 1000;      ///< feedback comments
inline constexpr std::size_t ticket_staff_roles_max = 10;
inline constexpr std::size_t ticket_participants_max = 20;          ///< besides the opener
inline constexpr int ticket_rating_min = 1;
inline constexpr int ticket_rating_max = 5;

/// One question of a ticket type's opening form (a text input of the modal).
struct ticket_question {
    std::string label;               ///< 1..45 bytes, shown above the input
    bool required = true;
    bool paragraph = false;          ///< a multi-line input
    std::size_t max_length = 1000;   ///< 1..4000
};

/// A kind of ticket, with everything that differs between kinds. Built-in kinds come from
/// default_ticket_types(); an owner adds or changes them in the config.
struct ticket_type {
    std::string key;                 ///< stable id, [a-z0-9_-]{1,32}: "support", "order", ...
    std::string label;               ///< display name, 1..80 bytes: "Order help"
    std::vector<ticket_question> questions{};  ///< 0..5, asked in a modal before opening
    std::optional<channel_id> category{};      ///< where its channels go (nullopt: no category)
    std::vector<role_id> staff_roles{};        ///< who sees and answers it, besides the staff role
    std::string opening_message{};             ///< posted first in the channel, <= 2000 bytes
    int max_open_per_member = 1;               ///< open or claimed tickets of this type, 1..25
    std::chrono::seconds cooldown{std::chrono::minutes(5)};       ///< between two openings, 0..7 days
    std::chrono::seconds warn_after{std::chrono::hours(48)};      ///< member silence before the warning
    std::chrono::seconds close_after{std::chrono::hours(49)};     ///< member silence before closing, > warn_after
    std::chrono::seconds reopen_window{std::chrono::hours(24)};   ///< after closing, 0 = never, <= 30 days
    std::chrono::seconds delete_after_close{std::chrono::hours(1)};  ///< channel deletion delay, <= 30 days
};

/// Limits over all types (config key tickets.max_open_per_member).
struct ticket_policy {
    int max_open_per_member = 3;  ///< open or claimed tickets in all, 1..50
};

/// The six built-in types (support, order, deposit, refund, warranty, billing), each with a
/// label and one or two questions; no category and no extra staff roles.
[[nodiscard]] inline std::vector<ticket_type> default_ticket_types();

/// Why a ticket type is invalid.
enum class ticket_type_error {
    bad_key,             ///< empty, over 32 bytes, or outside [a-z0-9_-]
    bad_label,           ///< empty, over 80 bytes, invalid UTF-8, control characters or line breaks
    too_many_questions,  ///< more than 5
    bad_question,        ///< a label empty / over 45 bytes / not printable, or max_length outside 1..4000
    too_many_staff_roles,  ///< more than 10
    opening_message_too_long,  ///< over 2000 bytes, or invalid UTF-8
    bad_limits,          ///< max_open_per_member outside 1..25, cooldown outside 0..7 days
    bad_timing,          ///< warn_after < 1 h, close_after <= warn_after, windows or delays over 30 days, negative
};

/// A sentence naming the field, for config errors ("questions: at most 5").
[[nodiscard]] inline std::string_view describe(ticket_type_error e);

/// The first problem of `t`, or nullopt when it is valid.
[[nodiscard]] inline std::optional<ticket_type_error> validate(const ticket_type& t);

/// Whether `key` is a valid ticket type key ([a-z0-9_-]{1,32}).
[[nodiscard]] inline bool is_valid_ticket_type_key(std::string_view key);

/// A ticket's state.
enum class ticket_status { open, claimed, closed, deleted };

/// The stored name ("open", "claimed", "closed", "deleted").
[[nodiscard]] inline std::string_view to_string(ticket_status s);
/// Parses a stored status name; nullopt for unknown names.
[[nodiscard]] inline std::optional<ticket_status> parse_ticket_status(std::string_view s);
/// Whether the status machine (file comment) allows `from` → `to`.
[[nodiscard]] inline bool can_transition(ticket_status from, ticket_status to);
/// open or claimed: the conversation is going on.
[[nodiscard]] constexpr bool is_active(ticket_status s) { return s == ticket_status::open || s == ticket_status::claimed; }

/// One question and the member's answer.
struct ticket_answer {
    std::string question;
    std::string answer;
};

/// A ticket as stored.
struct ticket {
    ticket_id id{};
    std::string type;                        ///< a ticket_type key
    ticket_status status = ticket_status::open;
    user_id opener{};
    std::vector<user_id> participants{};     ///< added members, without the opener
    std::optional<channel_id> channel{};     ///< set once the platform made the channel
    std::string subject{};                   ///< <= 100 bytes
    std::vector<ticket_answer> answers{};
    std::optional<user_id> claimed_by{};
    std::chrono::system_clock::time_point opened_at{};
    std::chrono::system_clock::time_point last_member_activity{};
    std::optional<std::chrono::system_clock::time_point> last_staff_activity{};
    std::optional<std::chrono::system_clock::time_point> first_staff_response{};
    std::optional<user_id> first_responder{};  ///< the staff member who answered first
    std::optional<std::chrono::system_clock::time_point> inactivity_warned_at{};
    std::optional<std::chrono::system_clock::time_point> closed_at{};
    std::optional<user_id> closed_by{};      ///< nullopt: closed by the inactivity sweep
    std::string close_reason{};              ///< <= 500 bytes
    std::optional<order_id> order{};         ///< linked order (an order ticket)
    std::optional<payment_session_id> payment_session{};  ///< linked manual payment
    std::optional<refund_id> refund{};       ///< linked refund request
    std::optional<int> rating{};             ///< the opener's 1..5 after closing
    std::string rating_comment{};            ///< <= 1000 bytes

    /// Whether `u` is the opener or an added participant.
    [[nodiscard]] inline bool is_member(user_id u) const {
        return u == opener || std::find(participants.begin(), participants.end(), u) != participants.end();
    }
};

/// What happened to a ticket (its insert-only event log, and the staff statistics' source).
enum class ticket_event_kind {
    opened, claimed, unclaimed, transferred, participant_added, participant_removed, renamed,
    warned, kept_open, closed, reopened, deleted, rated,
};
/// The stored name ("opened", "participant_added", ...).
[[nodiscard]] inline std::string_view to_string(ticket_event_kind k);
/// Parses a stored event name; nullopt for unknown names.
[[nodiscard]] inline std::optional<ticket_event_kind> parse_ticket_event_kind(std::string_view s);

/// One event of a ticket.
struct ticket_event {
    ticket_id ticket{};
    ticket_event_kind kind = ticket_event_kind::opened;
    std::optional<user_id> actor{};    ///< who did it; nullopt for the sweep
    std::optional<user_id> subject{};  ///< whom it concerned (the added member, the new claimer)
    std::string note{};                ///< reason, new name, rating comment; <= 1000 bytes
    std::chrono::system_clock::time_point at{};
};

/// What the sweep does with an active ticket now.
enum class sweep_action { none, warn, close };

/// The sweep's decision for `t` of type `type` at `now` (file comment). `live_payment`: the
/// ticket's order or payment session has an open or submitted payment session.
[[nodiscard]] inline sweep_action sweep_decision(const ticket& t, const ticket_type& type,
                                                 std::chrono::system_clock::time_point now, bool live_payment);

/// Whether a closed ticket may be reopened at `now` (within type.reopen_window of closed_at).
[[nodiscard]] inline bool within_reopen_window(const ticket& t, const ticket_type& type, std::chrono::system_clock::time_point now);

/// The median of `values` (the mean of the two middle ones for an even count, rounded down);
/// nullopt for none. Used for the median time to first staff response.
[[nodiscard]] inline std::optional<std::chrono::seconds> median(std::vector<std::chrono::seconds> values);

/// A channel name for a ticket: "<type>-<id>" (e.g. "order-42"), lower case, within Discord's
/// 100 characters.
[[nodiscard]] inline std::string ticket_channel_name(const ticket& t);

// ---- definitions ----------------------------------------------------------------------------

inline std::vector<ticket_type> default_ticket_types() {
    using namespace std::chrono_literals;
    const auto q = [](std::string label, bool paragraph = false, std::size_t max = 1000) {
        return ticket_question{std::move(label), true, paragraph, max};
    };
    std::vector<ticket_type> out(6);
    out[0].key = "support";
    out[0].label = "Support";
    out[0].questions = {q("How can we help?", true)};
    out[1].key = "order";
    out[1].label = "Order";
    out[1].questions = {q("Which product?", false, 100), q("Anything we should know?", true)};
    out[1].questions[1].required = false;
    out[2].key = "deposit";
    out[2].label = "Wallet deposit";
    out[2].questions = {q("Amount and payment method", false, 100)};
    out[3].key = "refund";
    out[3].label = "Refund";
    out[3].questions = {q("Order reference", false, 32), q("Why do you want a refund?", true)};
    out[4].key = "warranty";
    out[4].label = "Warranty claim";
    out[4].questions = {q("Order reference", false, 32), q("What is wrong?", true)};
    out[5].key = "billing";
    out[5].label = "Billing question";
    out[5].questions = {q("Your question", true)};
    return out;
}

inline bool is_valid_ticket_type_key(std::string_view key) {
    if (key.empty() || key.size() > ticket_type_key_length_max) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

inline std::string_view describe(ticket_type_error e) {
    switch (e) {
        case ticket_type_error::bad_key: return "key: 1 to 32 of a-z, 0-9, '-' and '_'";
        case ticket_type_error::bad_label: return "label: 1 to 80 bytes of printable UTF-8 on one line";
        case ticket_type_error::too_many_questions: return "questions: at most 5 (Discord's modal limit)";
        case ticket_type_error::bad_question:
            return "questions: each label 1 to 45 bytes of printable UTF-8, max_length 1 to 4000";
        case ticket_type_error::too_many_staff_roles: return "staff_role_ids: at most 10";
        case ticket_type_error::opening_message_too_long: return "opening_message: at most 2000 bytes of valid UTF-8";
        case ticket_type_error::bad_limits: return "max_open_per_member: 1 to 25; cooldown: 0 to 7 days";
        case ticket_type_error::bad_timing:
            return "warn_after at least 1 hour, close_after after warn_after, reopen_window and delete_after_close "
                   "0 to 30 days";
    }
    return "invalid ticket type";
}

inline std::optional<ticket_type_error> validate(const ticket_type& t) {
    using namespace std::chrono_literals;
    // One line of printable UTF-8 (labels are single-line on Discord).
    const auto printable = [](std::string_view text, std::size_t max) {
        return !text.empty() && text.size() <= max && is_valid_utf8(text) && !has_control_characters(text) &&
               text.find_first_of("\t\n\r") == std::string_view::npos;
    };
    if (!is_valid_ticket_type_key(t.key)) return ticket_type_error::bad_key;
    if (!printable(t.label, ticket_label_length_max)) return ticket_type_error::bad_label;
    if (t.questions.size() > ticket_questions_max) return ticket_type_error::too_many_questions;
    for (const auto& q : t.questions) {
        if (!printable(q.label, ticket_question_length_max) || q.max_length < 1 || q.max_length > ticket_answer_length_max) {
            return ticket_type_error::bad_question;
        }
    }
    if (t.staff_roles.size() > ticket_staff_roles_max) return ticket_type_error::too_many_staff_roles;
    if (t.opening_message.size() > ticket_opening_message_length_max || !is_valid_utf8(t.opening_message)) {
        return ticket_type_error::opening_message_too_long;
    }
    if (t.max_open_per_member < 1 || t.max_open_per_member > 25 || t.cooldown < 0s ||
        t.cooldown > std::chrono::hours(24 * 7)) {
        return ticket_type_error::bad_limits;
    }
    const auto month = std::chrono::hours(24 * 30);
    if (t.warn_after < 1h || t.close_after <= t.warn_after || t.close_after > month || t.reopen_window < 0s ||
        t.reopen_window > month || t.delete_after_close < 0s || t.delete_after_close > month) {
        return ticket_type_error::bad_timing;
    }
    return std::nullopt;
}

inline std::string_view to_string(ticket_status s) {
    switch (s) {
        case ticket_status::open: return "open";
        case ticket_status::claimed: return "claimed";
        case ticket_status::closed: return "closed";
        case ticket_status::deleted: return "deleted";
    }
    return "unknown";
}

inline std::optional<ticket_status> parse_ticket_status(std::string_view s) {
    for (auto v : {ticket_status::open, ticket_status::claimed, ticket_status::closed, ticket_status::deleted}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

inline bool can_transition(ticket_status from, ticket_status to) {
    switch (from) {
        case ticket_status::open: return to == ticket_status::claimed || to == ticket_status::closed;
        case ticket_status::claimed: return to == ticket_status::open || to == ticket_status::closed;
        case ticket_status::closed: return to == ticket_status::open || to == ticket_status::deleted;
        case ticket_status::deleted: return false;
    }
    return false;
}

inline std::string_view to_string(ticket_event_kind k) {
    switch (k) {
        case ticket_event_kind::opened: return "opened";
        case ticket_event_kind::claimed: return "claimed";
        case ticket_event_kind::unclaimed: return "unclaimed";
        case ticket_event_kind::transferred: return "transferred";
        case ticket_event_kind::participant_added: return "participant_added";
        case ticket_event_kind::participant_removed: return "participant_removed";
        case ticket_event_kind::renamed: return "renamed";
        case ticket_event_kind::warned: return "warned";
        case ticket_event_kind::kept_open: return "kept_open";
        case ticket_event_kind::closed: return "closed";
        case ticket_event_kind::reopened: return "reopened";
        case ticket_event_kind::deleted: return "deleted";
        case ticket_event_kind::rated: return "rated";
    }
    return "unknown";
}

inline std::optional<ticket_event_kind> parse_ticket_event_kind(std::string_view s) {
    for (int k = 0; k <= static_cast<int>(ticket_event_kind::rated); ++k) {
        const auto kind = static_cast<ticket_event_kind>(k);
        if (to_string(kind) == s) return kind;
    }
    return std::nullopt;
}

inline sweep_action sweep_decision(const ticket& t, const ticket_type& type, std::chrono::system_clock::time_point now,
                                   bool live_payment) {
    if (!is_active(t.status) || live_payment) return sweep_action::none;
    const auto silent = now - t.last_member_activity;
    const bool warned = t.inactivity_warned_at && *t.inactivity_warned_at >= t.last_member_activity;
    if (!warned) return silent >= type.warn_after ? sweep_action::warn : sweep_action::none;
    const auto grace = type.close_after - type.warn_after;
    if (silent >= type.close_after && now - *t.inactivity_warned_at >= grace) return sweep_action::close;
    return sweep_action::none;
}

inline bool within_reopen_window(const ticket& t, const ticket_type& type, std::chrono::system_clock::time_point now) {
    if (t.status != ticket_status::closed || !t.closed_at) return false;
    return now < *t.closed_at + type.reopen_window;
}

inline std::optional<std::chrono::seconds> median(std::vector<std::chrono::seconds> values) {
    if (values.empty()) return std::nullopt;
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
    if (values.size() % 2 == 1) return values[mid];
    const auto upper = values[mid];
    const auto lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
    // lower + (upper - lower) / 2 cannot overflow where (lower + upper) / 2 could.
    return lower + (upper - lower) / 2;
}

inline std::string ticket_channel_name(const ticket& t) {
    return t.type + "-" + std::to_string(t.id.value);  // key <= 32 + '-' + <= 20 digits: within 100
}

}  // namespace apexcore::core
