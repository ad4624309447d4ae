// Payment sessions on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/payment.hpp>

#include "values.hpp"

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::from_ms;
using detail::limit_text;
using detail::to_db;
using detail::to_ms;

core::payment_session_status status_of(std::string_view text) { return detail::parse_stored<core::payment_session_status>(text, core::parse_payment_session_status, "session status"); }

}  // namespace

std::vector<core::payment_session> payment_session_repository::select(const std::string& where_and_order, std::span<const param> params) {
    const auto r = session_.exec(
        "SELECT id, order_id, customer_id, method, status, transaction_id, contact, notes, proof_url, reason, staff_id, created_at_ms,"
        " expires_at_ms, updated_at_ms FROM payment_sessions " + where_and_order,
        params);
    std::vector<core::payment_session> out;
    for (int i = 0; i < r.rows(); ++i) {
        core::payment_session s;
        s.id = core::payment_session_id{r.int64(i, 0)};
        s.order = core::order_id{r.int64(i, 1)};
        s.customer = core::user_id{from_db(r.int64(i, 2))};
        s.method = std::string(r.text(i, 3));
        s.status = status_of(r.text(i, 4));
        s.transaction_id = std::string(r.text(i, 5));
        s.contact = std::string(r.text(i, 6));
        s.notes = std::string(r.text(i, 7));
        s.proof_url = std::string(r.text(i, 8));
        s.reason = std::string(r.text(i, 9));
        if (!r.is_null(i, 10)) s.staff = core::user_id{from_db(r.int64(i, 10))};
        s.created_at = from_ms(r.int64(i, 11));
        s.expires_at = from_ms(r.int64(i, 12));
        s.updated_at = from_ms(r.int64(i, 13));
        out.push_back(std::move(s));
    }
    return out;
}

core::payment_session payment_session_repository::insert_session(const core::payment_session& in) {
    const std::int64_t now = to_ms(clock_.now());
    try {
        const auto r = session_.exec(
            "INSERT INTO payment_sessions (order_id, customer_id, method, status, transaction_id, contact, notes, proof_url, created_at_ms,"
            " expires_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9) RETURNING id",
            {std::to_string(in.order.value), to_db(in.customer.value), in.method, std::string(core::to_string(in.status)), in.transaction_id,
             in.contact, in.notes, in.proof_url, std::to_string(now), std::to_string(to_ms(in.expires_at))});
        core::payment_session out = in;
        out.id = core::payment_session_id{r.int64(0, 0)};
        out.created_at = from_ms(now);
        out.updated_at = out.created_at;
        return out;
    } catch (const database_error& e) {
        if (e.sqlstate() == "23505") throw ports::store_error("order " + std::to_string(in.order.value) + " has a live payment session");
        throw;
    }
}

std::optional<core::payment_session> payment_session_repository::find_session(core::payment_session_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::optional<core::payment_session> payment_session_repository::live_for(core::order_id order) {
    const param ps[] = {std::to_string(order.value)};
    return detail::first_of(select("WHERE order_id = $1 AND (status = 'open' OR status = 'submitted')", ps));
}

bool payment_session_repository::update_session(const core::payment_session& in, core::payment_session_status expected) {
    const auto r = session_.exec(
        "UPDATE payment_sessions SET status = $1, transaction_id = $2, contact = $3, notes = $4, proof_url = $5, reason = $6,"
        " staff_id = $7, expires_at_ms = $8, updated_at_ms = $9 WHERE id = $10 AND status = $11",
        {std::string(core::to_string(in.status)), in.transaction_id, in.contact, in.notes, in.proof_url, in.reason,
         in.staff ? param(to_db(in.staff->value)) : std::nullopt, std::to_string(to_ms(in.expires_at)), std::to_string(to_ms(clock_.now())),
         std::to_string(in.id.value), std::string(core::to_string(expected))});
    return r.affected() > 0;
}

std::vector<core::payment_session> payment_session_repository::expired_open(std::chrono::system_clock::time_point now, std::size_t limit) {
    const param ps[] = {std::to_string(to_ms(now)), limit_text(limit)};
    return select("WHERE status = 'open' AND expires_at_ms <= $1 ORDER BY expires_at_ms, id LIMIT $2", ps);
}

std::vector<core::payment_session> payment_session_repository::list_submitted(std::size_t limit) {
    const param ps[] = {limit_text(limit)};
    return select("WHERE status = 'submitted' ORDER BY updated_at_ms, id LIMIT $1", ps);
}

void payment_session_repository::audit(const core::payment_session_event& e) {
    session_.exec("INSERT INTO payment_session_events (session_id, from_status, to_status, actor_id, note, at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                  {std::to_string(e.session.value), e.from ? param(std::string(core::to_string(*e.from))) : std::nullopt,
                   std::string(core::to_string(e.to)), to_db(e.actor.value), e.note, std::to_string(to_ms(clock_.now()))});
}

std::vector<core::payment_session_event> payment_session_repository::audit_trail(core::payment_session_id id) {
    const auto r = session_.exec("SELECT from_status, to_status, actor_id, note, at_ms FROM payment_session_events WHERE session_id = $1 ORDER BY id",
                                 {std::to_string(id.value)});
    std::vector<core::payment_session_event> out;
    for (int i = 0; i < r.rows(); ++i) {
        core::payment_session_event e;
        e.session = id;
        if (!r.is_null(i, 0)) e.from = status_of(r.text(i, 0));
        e.to = status_of(r.text(i, 1));
        e.actor = core::user_id{from_db(r.int64(i, 2))};
        e.note = std::string(r.text(i, 3));
        e.at = from_ms(r.int64(i, 4));
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace apexcore::postgresql
