// The outbox on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/outbox.hpp>
#include <apexcore/core/text.hpp>

#include "values.hpp"

#include <algorithm>
#include <map>

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::parse_stored;
using detail::from_ms;
using detail::limit_text;
using detail::text_array;
using detail::to_db;
using detail::to_ms;

constexpr std::string_view outbox_columns =
    "id, kind, topic, recipient_id, event, (facts <> '{}'::jsonb), status, attempts, next_attempt_at_ms, last_error, channel_id,"
    " message_id, created_at_ms, sent_at_ms, dedup_key";

std::string clip(const std::string& text) { return core::truncate_utf8_bytes(text, core::outbox_error_length_max); }

}  // namespace

std::vector<core::outbox_entry> outbox_repository::read(const result& r) {
    std::vector<core::outbox_entry> out;
    std::vector<std::string> with_facts;
    std::map<std::int64_t, std::size_t> index;
    for (int i = 0; i < r.rows(); ++i) {
        core::outbox_entry e;
        e.id = core::outbox_id{r.int64(i, 0)};
        e.draft.kind = parse_stored<core::outbox_kind>(r.text(i, 1), core::parse_outbox_kind, "outbox kind");
        e.draft.topic = parse_stored<core::log_topic>(r.text(i, 2), core::parse_log_topic, "outbox topic");
        if (!r.is_null(i, 3)) e.draft.recipient = core::user_id{from_db(r.int64(i, 3))};
        e.draft.event = std::string(r.text(i, 4));
        if (r.text(i, 5) == "t") with_facts.push_back(std::to_string(e.id.value));
        const auto status = r.text(i, 6);
        e.status = status == "sent" ? core::outbox_status::sent : status == "failed" ? core::outbox_status::failed : core::outbox_status::pending;
        e.attempts = r.int64(i, 7);
        e.next_attempt_at = from_ms(r.int64(i, 8));
        e.last_error = std::string(r.text(i, 9));
        if (!r.is_null(i, 10)) e.channel = core::channel_id{from_db(r.int64(i, 10))};
        if (!r.is_null(i, 11)) e.message = core::message_id{from_db(r.int64(i, 11))};
        e.created_at = from_ms(r.int64(i, 12));
        e.sent_at = detail::optional_ms(r, i, 13);
        if (!r.is_null(i, 14)) e.draft.dedup_key = std::string(r.text(i, 14));
        index[e.id.value] = out.size();
        out.push_back(std::move(e));
    }
    if (!with_facts.empty()) {  // one more round trip for the facts of the whole page
        const auto f = session_.exec("SELECT o.id, f.key, f.value FROM outbox o, jsonb_each_text(o.facts) f WHERE o.id = ANY($1::bigint[])",
                                     {text_array(with_facts)});
        for (int i = 0; i < f.rows(); ++i) out[index.at(f.int64(i, 0))].draft.facts.emplace(std::string(f.text(i, 1)), std::string(f.text(i, 2)));
    }
    return out;
}

std::optional<ports::outbox_enqueued> outbox_repository::enqueue(const core::outbox_draft& d, std::int64_t max_pending) {
    if (!core::is_valid(d)) throw ports::store_error("outbox: invalid entry for event '" + d.event.substr(0, 64) + "'");
    if (!d.dedup_key.empty()) {
        const auto seen = session_.exec("SELECT id FROM outbox WHERE dedup_key = $1", {d.dedup_key});
        if (seen.rows() == 1) return ports::outbox_enqueued{core::outbox_id{seen.int64(0, 0)}, true};
    }
    // max(id) - min(id) + 1 over the pending index bounds their number from above in two probes.
    const auto bound = session_.exec(
        "SELECT COALESCE((SELECT id FROM outbox WHERE status = 'pending' ORDER BY id DESC LIMIT 1)"
        " - (SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1) + 1, 0)");
    if (bound.int64(0, 0) >= max_pending) return std::nullopt;
    std::vector<std::string> names, values;
    for (const auto& [name, value] : d.facts) {
        names.push_back(name);
        values.push_back(core::is_valid_utf8(value) ? value : core::to_valid_utf8(value));
    }
    const std::string now = std::to_string(to_ms(clock_.now()));
    try {
        const auto r = session_.exec(
            "INSERT INTO outbox (kind, topic, recipient_id, event, facts, next_attempt_at_ms, created_at_ms, dedup_key)"
            " VALUES ($1, $2, $3, $4, (SELECT COALESCE(jsonb_object_agg(n, v), '{}'::jsonb) FROM unnest($5::text[], $6::text[]) AS f(n, v)),"
            " $7, $7, $8) RETURNING id",
            {std::string(core::to_string(d.kind)), std::string(core::to_string(d.topic)),
             d.recipient ? param(to_db(d.recipient->value)) : std::nullopt, d.event, text_array(names), text_array(values), now,
             d.dedup_key.empty() ? std::nullopt : param(d.dedup_key)});
        return ports::outbox_enqueued{core::outbox_id{r.int64(0, 0)}, false};
    } catch (const database_error& e) {
        if (e.sqlstate() == "23505") throw ports::store_error("outbox: dedup key '" + d.dedup_key + "' written by another session");
        throw;
    }
}

std::vector<core::outbox_entry> outbox_repository::claim_due(std::chrono::system_clock::time_point now,
                                                            std::chrono::system_clock::time_point lease_until, std::size_t limit) {
    const auto r = session_.exec(
        "WITH due AS (SELECT id, next_attempt_at_ms AS was FROM outbox WHERE status = 'pending' AND next_attempt_at_ms <= $1"
        "  ORDER BY next_attempt_at_ms, id LIMIT $3 FOR UPDATE SKIP LOCKED),"
        " leased AS (UPDATE outbox o SET next_attempt_at_ms = $2 FROM due WHERE o.id = due.id RETURNING o.id, due.was)"
        " SELECT " + std::string(outbox_columns) + " FROM outbox JOIN leased USING (id) ORDER BY leased.was, id",
        {std::to_string(to_ms(now)), std::to_string(to_ms(lease_until)), limit_text(limit)});
    auto out = read(r);
    for (auto& e : out) e.next_attempt_at = lease_until;  // the join read the row as it was before the lease
    return out;
}

bool outbox_repository::mark_sent(core::outbox_id id, std::chrono::system_clock::time_point at, std::optional<core::channel_id> channel,
                                  std::optional<core::message_id> message, const std::string& note) {
    const auto r = session_.exec(
        "UPDATE outbox SET status = 'sent', sent_at_ms = $1, channel_id = $2, message_id = $3, last_error = $4, attempts = attempts + 1"
        " WHERE id = $5 AND status = 'pending'",
        {std::to_string(to_ms(at)), channel ? param(to_db(channel->value)) : std::nullopt,
         message ? param(to_db(message->value)) : std::nullopt, clip(note), std::to_string(id.value)});
    return r.affected() == 1;
}

bool outbox_repository::reschedule(core::outbox_id id, std::chrono::system_clock::time_point next_attempt, const std::string& error,
                                   bool count_attempt) {
    const auto r = session_.exec(
        "UPDATE outbox SET next_attempt_at_ms = $1, last_error = $2, attempts = attempts + $3 WHERE id = $4 AND status = 'pending'",
        {std::to_string(to_ms(next_attempt)), clip(error), std::string(count_attempt ? "1" : "0"), std::to_string(id.value)});
    return r.affected() == 1;
}

bool outbox_repository::mark_failed(core::outbox_id id, const std::string& error) {
    const auto r = session_.exec(
        "UPDATE outbox SET status = 'failed', last_error = $1, attempts = attempts + 1 WHERE id = $2 AND status = 'pending'",
        {clip(error), std::to_string(id.value)});
    return r.affected() == 1;
}

std::optional<core::outbox_entry> outbox_repository::find_outbox(core::outbox_id id) {
    return detail::first_of(read(session_.exec("SELECT " + std::string(outbox_columns) + " FROM outbox WHERE id = $1", {std::to_string(id.value)})));
}

core::outbox_stats outbox_repository::outbox_stats() {
    const auto r = session_.exec(
        "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'), (SELECT COUNT(*) FROM outbox WHERE status = 'failed'),"
        " (SELECT created_at_ms FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1)");
    return {r.int64(0, 0), r.int64(0, 1), detail::optional_ms(r, 0, 2)};
}

std::size_t outbox_repository::purge_sent(std::chrono::system_clock::time_point before, std::size_t limit) {
    const auto r = session_.exec(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND sent_at_ms < $1 LIMIT $2)",
        {std::to_string(to_ms(before)), limit_text(limit)});
    return static_cast<std::size_t>(r.affected());
}

}  // namespace apexcore::postgresql
