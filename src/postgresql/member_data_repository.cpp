// A member's data requests on PostgreSQL (repositories.hpp): the export as one JSON document
// built by the server, and the erasure.
#include <apexcore/postgresql/repositories.hpp>

#include "values.hpp"

#include <array>
#include <utility>

namespace apexcore::postgresql {
namespace {

using detail::from_ms;
using detail::to_db;
using detail::to_ms;

/// Every table that holds rows about a member, and which rows ($1 is the member's id): the same
/// tables as the SQLite store's export.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> member_tables{{
    {"customers", "user_id = $1"},
    {"customer_roles", "user_id = $1"},
    {"wallets", "user_id = $1"},
    {"wallet_ledger", "user_id = $1"},
    {"orders", "customer_id = $1"},
    {"license_keys", "customer_id = $1 OR order_id IN (SELECT id FROM orders WHERE customer_id = $1)"},
    {"promo_redemptions", "user_id = $1"},
    {"refunds", "customer_id = $1"},
    {"payment_sessions", "customer_id = $1"},
    {"payment_session_events", "session_id IN (SELECT id FROM payment_sessions WHERE customer_id = $1)"},
    {"tickets", "opener_id = $1 OR id IN (SELECT ticket_id FROM ticket_participants WHERE user_id = $1)"},
    {"ticket_participants", "user_id = $1"},
    {"ticket_answers", "ticket_id IN (SELECT id FROM tickets WHERE opener_id = $1)"},
    {"ticket_events", "ticket_id IN (SELECT id FROM tickets WHERE opener_id = $1)"},
    {"outbox", "recipient_id = $1"},
    {"staff_proposals", "member_id = $1"},
    {"member_erasures", "user_id = $1"},
}};

}  // namespace

std::string member_data_repository::rows_of(std::string_view table, std::string_view where, const std::string& member) {
    // Every column by name; ids ("id", "*_id", "*_by") as strings of digits and JSONB as its
    // text, as in the SQLite store's export, so a document has one shape whichever store made it.
    const auto columns = session_.exec(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1"
        " ORDER BY ordinal_position",
        {std::string(table)});
    std::string list;
    for (int i = 0; i < columns.rows(); ++i) {
        const std::string name(columns.text(i, 0));
        const bool id = name == "id" || name.ends_with("_id") || name.ends_with("_by");
        const bool as_text = id || columns.text(i, 1) == "jsonb";
        list += (list.empty() ? "" : ", ") + (as_text ? name + "::text AS " + name : name);
    }
    const auto r = session_.exec("SELECT COALESCE(json_agg(x), '[]') FROM (SELECT " + list + " FROM " + std::string(table) + " WHERE " +
                                     std::string(where) + ") x",
                                 {member});
    return std::string(r.text(0, 0));
}

std::string member_data_repository::export_member(core::user_id user, std::size_t max_bytes) {
    const std::string member = to_db(user.value);
    // Memory is bounded before the work: a table with more rows than a document of max_bytes
    // could hold (each row is well over 16 bytes of JSON) is refused without building it.
    for (const auto& [table, where] : member_tables) {
        const std::int64_t rows = session_.exec("SELECT COUNT(*) FROM " + std::string(table) + " WHERE " + std::string(where), {member}).int64(0, 0);
        if (static_cast<std::uint64_t>(rows) * 16 > max_bytes) {
            throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " + std::to_string(max_bytes) + " bytes (" +
                                     std::to_string(rows) + " rows in " + std::string(table) + ")");
        }
    }
    std::string out = "{\"member\":\"" + std::to_string(user.value) + "\",\"tables\":{";
    bool first = true;
    for (const auto& [table, where] : member_tables) {
        out += (first ? "\"" : ",\"") + std::string(table) + "\":" + rows_of(table, where, member);
        first = false;
        if (out.size() > max_bytes) {
            throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " + std::to_string(max_bytes) + " bytes");
        }
    }
    return out + "}}";
}

ports::erasure_report member_data_repository::forget_member(core::user_id user, core::user_id staff) {
    const std::string id = to_db(user.value);
    const auto change = [&](std::string_view sql) { return session_.exec(sql, {id}).affected(); };
    ports::erasure_report r;
    // The answers to a product's questions ("answer: <question>" in the order's metadata).
    r.orders = change(
        "UPDATE orders SET metadata = (SELECT COALESCE(jsonb_object_agg(key, value), '{}') FROM jsonb_each(orders.metadata)"
        " WHERE key NOT LIKE 'answer: %') WHERE customer_id = $1 AND EXISTS (SELECT 1 FROM jsonb_each(orders.metadata)"
        " WHERE key LIKE 'answer: %')");
    r.payments = change(
        "UPDATE payment_sessions SET transaction_id = '', contact = '', notes = '', proof_url = '', reason = '' WHERE customer_id = $1"
        " AND (transaction_id <> '' OR contact <> '' OR notes <> '' OR proof_url <> '' OR reason <> '')");
    change("UPDATE payment_session_events SET note = '' WHERE note <> '' AND session_id IN (SELECT id FROM payment_sessions WHERE customer_id = $1)");
    r.refunds = change("UPDATE refunds SET reason = '', decision_reason = '' WHERE customer_id = $1 AND (reason <> '' OR decision_reason <> '')");
    r.tickets = session_
                    .exec("SELECT COUNT(*) FROM tickets t WHERE opener_id = $1 AND (subject <> '' OR close_reason <> '' OR rating_comment <> ''"
                          " OR EXISTS (SELECT 1 FROM ticket_answers a WHERE a.ticket_id = t.id AND a.answer <> '')"
                          " OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.note <> ''))",
                          {id})
                    .int64(0, 0);
    change("UPDATE ticket_answers SET answer = '' WHERE answer <> '' AND ticket_id IN (SELECT id FROM tickets WHERE opener_id = $1)");
    change("UPDATE ticket_events SET note = '' WHERE note <> '' AND ticket_id IN (SELECT id FROM tickets WHERE opener_id = $1)");
    change("UPDATE tickets SET subject = '', close_reason = '', rating_comment = '' WHERE opener_id = $1 AND"
           " (subject <> '' OR close_reason <> '' OR rating_comment <> '')");
    r.messages = change("DELETE FROM outbox WHERE recipient_id = $1");
    r.proposals = change("DELETE FROM staff_proposals WHERE member_id = $1");
    session_.exec("INSERT INTO member_erasures (user_id, staff_id, erased_at_ms) VALUES ($1, $2, $3)",
                  {id, to_db(staff.value), std::to_string(to_ms(clock_.now()))});
    return r;
}

std::optional<std::chrono::system_clock::time_point> member_data_repository::forgotten_at(core::user_id user) {
    const auto r = session_.exec("SELECT MAX(erased_at_ms) FROM member_erasures WHERE user_id = $1", {to_db(user.value)});
    return detail::optional_ms(r, 0, 0);
}

}  // namespace apexcore::postgresql
