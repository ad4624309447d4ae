// Support tickets on PostgreSQL (repositories.hpp): the ticket row, its participants and answers
// in their own tables, and the insert-only event log.
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/ticket.hpp>

#include "values.hpp"

#include <algorithm>
#include <map>

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::from_ms;
using detail::limit_text;
using detail::optional_ms;
using detail::parse_stored;
using detail::to_db;
using detail::to_ms;
using time_point = std::chrono::system_clock::time_point;

constexpr std::string_view ticket_columns =
    "SELECT id, type, status, opener_id, channel_id, subject, claimed_by, opened_at_ms, last_member_activity_ms,"
    " last_staff_activity_ms, first_staff_response_ms, first_responder_id, warned_at_ms, closed_at_ms, closed_by,"
    " close_reason, order_id, payment_session_id, refund_id, rating, rating_comment FROM tickets ";

/// Tickets not closed before they had a channel: the ones a cooldown counts (the platform
/// refusing to make a channel is the shop's failure, not the member's).
constexpr std::string_view counts_for_cooldown = "NOT (channel_id IS NULL AND (status = 'closed' OR status = 'deleted'))";

param user_param(const std::optional<core::user_id>& u) { return u ? param(to_db(u->value)) : std::nullopt; }
param ms_param(const std::optional<time_point>& t) { return t ? param(std::to_string(to_ms(*t))) : std::nullopt; }
template <class Id>
param row_param(const std::optional<Id>& id) {
    return id ? param(std::to_string(id->value)) : std::nullopt;
}
std::optional<core::user_id> optional_user(const result& r, int row, int column) {
    return r.is_null(row, column) ? std::nullopt : std::optional(core::user_id{from_db(r.int64(row, column))});
}

}  // namespace

std::vector<core::ticket> ticket_repository::select(const std::string& where_and_order, std::span<const param> params) {
    const auto r = session_.exec(std::string(ticket_columns) + where_and_order, params);
    std::vector<core::ticket> out;
    std::vector<std::string> ids;
    for (int i = 0; i < r.rows(); ++i) {
        core::ticket t;
        t.id = core::ticket_id{r.int64(i, 0)};
        t.type = std::string(r.text(i, 1));
        t.status = parse_stored<core::ticket_status>(r.text(i, 2), core::parse_ticket_status, "ticket status");
        t.opener = core::user_id{from_db(r.int64(i, 3))};
        if (!r.is_null(i, 4)) t.channel = core::channel_id{from_db(r.int64(i, 4))};
        t.subject = std::string(r.text(i, 5));
        t.claimed_by = optional_user(r, i, 6);
        t.opened_at = from_ms(r.int64(i, 7));
        t.last_member_activity = from_ms(r.int64(i, 8));
        t.last_staff_activity = optional_ms(r, i, 9);
        t.first_staff_response = optional_ms(r, i, 10);
        t.first_responder = optional_user(r, i, 11);
        t.inactivity_warned_at = optional_ms(r, i, 12);
        t.closed_at = optional_ms(r, i, 13);
        t.closed_by = optional_user(r, i, 14);
        t.close_reason = std::string(r.text(i, 15));
        if (!r.is_null(i, 16)) t.order = core::order_id{r.int64(i, 16)};
        if (!r.is_null(i, 17)) t.payment_session = core::payment_session_id{r.int64(i, 17)};
        if (!r.is_null(i, 18)) t.refund = core::refund_id{r.int64(i, 18)};
        if (!r.is_null(i, 19)) t.rating = static_cast<int>(r.int64(i, 19));
        t.rating_comment = std::string(r.text(i, 20));
        ids.push_back(std::to_string(t.id.value));
        out.push_back(std::move(t));
    }
    if (out.empty()) return out;
    // The participants and answers of every ticket read: one round trip each, not one per ticket.
    std::map<std::int64_t, std::size_t> index;
    for (std::size_t i = 0; i < out.size(); ++i) index.emplace(out[i].id.value, i);
    const std::string id_array = detail::text_array(ids);
    const auto p = session_.exec("SELECT ticket_id, user_id FROM ticket_participants WHERE ticket_id = ANY($1::bigint[]) ORDER BY ticket_id, position",
                                 {id_array});
    for (int i = 0; i < p.rows(); ++i) out[index.at(p.int64(i, 0))].participants.push_back(core::user_id{from_db(p.int64(i, 1))});
    const auto a = session_.exec(
        "SELECT ticket_id, question, answer FROM ticket_answers WHERE ticket_id = ANY($1::bigint[]) ORDER BY ticket_id, position", {id_array});
    for (int i = 0; i < a.rows(); ++i) out[index.at(a.int64(i, 0))].answers.push_back({std::string(a.text(i, 1)), std::string(a.text(i, 2))});
    return out;
}

void ticket_repository::write_participants(const core::ticket& t) {
    if (t.participants.empty()) return;
    std::vector<std::string> users;
    for (const auto& u : t.participants) users.push_back(to_db(u.value));
    // Positions follow the list; a user listed twice is kept at the first place (as on SQLite).
    session_.exec(
        "INSERT INTO ticket_participants (ticket_id, user_id, position) SELECT $1, u, p - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(u, p)"
        " ON CONFLICT (ticket_id, user_id) DO NOTHING",
        {std::to_string(t.id.value), detail::text_array(users)});
}

core::ticket ticket_repository::insert_ticket(const core::ticket& in) {
    const auto r = session_.exec(
        "INSERT INTO tickets (type, status, opener_id, channel_id, subject, opened_at_ms, last_member_activity_ms, order_id,"
        " payment_session_id, refund_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        {in.type, std::string(core::to_string(in.status)), to_db(in.opener.value),
         in.channel ? param(to_db(in.channel->value)) : std::nullopt, in.subject, std::to_string(to_ms(in.opened_at)),
         std::to_string(to_ms(in.last_member_activity)), row_param(in.order), row_param(in.payment_session), row_param(in.refund)});
    core::ticket out = in;
    out.id = core::ticket_id{r.int64(0, 0)};
    write_participants(out);
    if (!out.answers.empty()) {
        std::vector<std::string> questions;
        std::vector<std::string> answers;
        for (const auto& a : out.answers) {
            questions.push_back(a.question);
            answers.push_back(a.answer);
        }
        session_.exec(
            "INSERT INTO ticket_answers (ticket_id, position, question, answer) SELECT $1, p - 1, q, a"
            " FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(q, a, p)",
            {std::to_string(out.id.value), detail::text_array(questions), detail::text_array(answers)});
    }
    return out;
}

std::optional<core::ticket> ticket_repository::find_ticket(core::ticket_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::optional<core::ticket> ticket_repository::find_by_channel(core::channel_id channel) {
    const param ps[] = {to_db(channel.value)};
    return detail::first_of(select("WHERE channel_id = $1", ps));
}

std::int64_t ticket_repository::count_active(core::user_id opener, const std::optional<std::string>& type) {
    detail::take_member_turn(session_, opener.value);
    const auto r = session_.exec(
        "SELECT COUNT(*) FROM tickets WHERE opener_id = $1 AND (status = 'open' OR status = 'claimed') AND ($2::text IS NULL OR type = $2)",
        {to_db(opener.value), type ? param(*type) : std::nullopt});
    return r.int64(0, 0);
}

std::optional<time_point> ticket_repository::last_opened(core::user_id opener, const std::string& type) {
    detail::take_member_turn(session_, opener.value);
    const auto r = session_.exec(
        "SELECT MAX(opened_at_ms) FROM tickets WHERE opener_id = $1 AND type = $2 AND " + std::string(counts_for_cooldown),
        {to_db(opener.value), type});
    return optional_ms(r, 0, 0);
}

std::vector<time_point> ticket_repository::opened_times_since(core::user_id opener, const std::string& type, time_point since,
                                                              std::size_t limit) {
    detail::take_member_turn(session_, opener.value);
    const auto r = session_.exec("SELECT opened_at_ms FROM tickets WHERE opener_id = $1 AND opened_at_ms > $2 AND type = $3 AND " +
                                     std::string(counts_for_cooldown) + " ORDER BY opened_at_ms LIMIT $4",
                                 {to_db(opener.value), std::to_string(to_ms(since)), type, limit_text(limit)});
    std::vector<time_point> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(from_ms(r.int64(i, 0)));
    return out;
}

bool ticket_repository::update_ticket(const core::ticket& t, core::ticket_status expected) {
    const auto r = session_.exec(
        "UPDATE tickets SET status = $1, channel_id = $2, subject = $3, claimed_by = $4, last_member_activity_ms = $5,"
        " last_staff_activity_ms = $6, first_staff_response_ms = $7, first_responder_id = $8, warned_at_ms = $9, closed_at_ms = $10,"
        " closed_by = $11, close_reason = $12, order_id = $13, payment_session_id = $14, refund_id = $15, rating = $16,"
        " rating_comment = $17 WHERE id = $18 AND status = $19",
        {std::string(core::to_string(t.status)), t.channel ? param(to_db(t.channel->value)) : std::nullopt, t.subject,
         user_param(t.claimed_by), std::to_string(to_ms(t.last_member_activity)), ms_param(t.last_staff_activity),
         ms_param(t.first_staff_response), user_param(t.first_responder), ms_param(t.inactivity_warned_at), ms_param(t.closed_at),
         user_param(t.closed_by), t.close_reason, row_param(t.order), row_param(t.payment_session), row_param(t.refund),
         t.rating ? param(std::to_string(*t.rating)) : std::nullopt, t.rating_comment, std::to_string(t.id.value),
         std::string(core::to_string(expected))});
    if (r.affected() == 0) return false;
    session_.exec("DELETE FROM ticket_participants WHERE ticket_id = $1", {std::to_string(t.id.value)});
    write_participants(t);
    return true;
}

std::vector<core::ticket> ticket_repository::list_silent(time_point silent_since, std::optional<core::ticket_id> after, std::size_t limit) {
    const param ps[] = {std::to_string(to_ms(silent_since)), std::to_string(after ? after->value : 0), limit_text(limit)};
    return select("WHERE (status = 'open' OR status = 'claimed') AND last_member_activity_ms <= $1 AND id > $2 ORDER BY id LIMIT $3", ps);
}

std::vector<core::ticket> ticket_repository::list_closed_before(const std::string& type, time_point closed_before, std::size_t limit) {
    const param ps[] = {type, std::to_string(to_ms(closed_before)), limit_text(limit)};
    return select("WHERE status = 'closed' AND type = $1 AND closed_at_ms <= $2 ORDER BY closed_at_ms, id LIMIT $3", ps);
}

void ticket_repository::append_event(const core::ticket_event& e) {
    session_.exec("INSERT INTO ticket_events (ticket_id, kind, actor_id, subject_id, note, at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                  {std::to_string(e.ticket.value), std::string(core::to_string(e.kind)), user_param(e.actor), user_param(e.subject), e.note,
                   std::to_string(to_ms(e.at))});
}

std::vector<core::ticket_event> ticket_repository::ticket_events(core::ticket_id id) {
    const auto r = session_.exec("SELECT kind, actor_id, subject_id, note, at_ms FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
                                 {std::to_string(id.value)});
    std::vector<core::ticket_event> out;
    for (int i = 0; i < r.rows(); ++i) {
        core::ticket_event e;
        e.ticket = id;
        e.kind = parse_stored<core::ticket_event_kind>(r.text(i, 0), core::parse_ticket_event_kind, "ticket event");
        e.actor = optional_user(r, i, 1);
        e.subject = optional_user(r, i, 2);
        e.note = std::string(r.text(i, 3));
        e.at = from_ms(r.int64(i, 4));
        out.push_back(std::move(e));
    }
    return out;
}

ports::ticket_figures ticket_repository::figures(time_point from, time_point to) {
    ports::ticket_figures out;
    const std::string lo = std::to_string(to_ms(from));
    const std::string hi = std::to_string(to_ms(to));
    out.opened = session_.exec("SELECT COUNT(*) FROM tickets WHERE opened_at_ms >= $1 AND opened_at_ms < $2", {lo, hi}).int64(0, 0);
    // Claims (and transfers: the subject becomes the claimer) and closings in the period.
    const auto events = session_.exec(
        "SELECT kind, CASE kind WHEN 'transferred' THEN subject_id ELSE actor_id END AS staff, COUNT(*) FROM ticket_events"
        " WHERE (kind = 'claimed' OR kind = 'transferred' OR kind = 'closed') AND at_ms >= $1 AND at_ms < $2 GROUP BY 1, 2",
        {lo, hi});
    for (int i = 0; i < events.rows(); ++i) {
        const bool closed = events.text(i, 0) == "closed";
        const std::int64_t n = events.int64(i, 2);
        if (closed) out.closed += n;
        if (events.is_null(i, 1)) continue;  // the sweep closed it
        auto& staff = out.staff[core::user_id{from_db(events.int64(i, 1))}];
        (closed ? staff.closed : staff.claimed) += n;
    }
    // First answers and ratings of the tickets opened in the period.
    const auto handled = session_.exec(
        "SELECT first_responder_id, first_staff_response_ms - opened_at_ms, COALESCE(claimed_by, first_responder_id, closed_by), rating"
        " FROM tickets WHERE opened_at_ms >= $1 AND opened_at_ms < $2 AND (first_responder_id IS NOT NULL OR rating IS NOT NULL)",
        {lo, hi});
    for (int i = 0; i < handled.rows(); ++i) {
        if (!handled.is_null(i, 0) && !handled.is_null(i, 1)) {
            const std::chrono::seconds waited(std::max<std::int64_t>(0, handled.int64(i, 1)) / 1000);
            out.first_responses.push_back(waited);
            out.staff[core::user_id{from_db(handled.int64(i, 0))}].first_responses.push_back(waited);
        }
        if (!handled.is_null(i, 3)) {
            out.ratings_sum += handled.int64(i, 3);
            ++out.ratings_count;
            if (!handled.is_null(i, 2)) {
                auto& staff = out.staff[core::user_id{from_db(handled.int64(i, 2))}];
                staff.ratings_sum += handled.int64(i, 3);
                ++staff.ratings_count;
            }
        }
    }
    return out;
}

}  // namespace apexcore::postgresql
