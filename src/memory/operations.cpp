// The in-memory store's outbox, staff proposals, scheduled jobs, /setup records and a member's
// data requests (shop.hpp).
#include "shop.hpp"

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <cstdio>

namespace apexcore::memory::detail {
namespace {

std::string clip(const std::string& text) { return core::truncate_utf8_bytes(text, core::outbox_error_length_max); }

// --- JSON for the export (every value written here is escaped) --------------------------------

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : core::to_valid_utf8(text)) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}
std::string id_text(std::uint64_t snowflake) { return quoted(std::to_string(static_cast<std::int64_t>(snowflake))); }
template <class Id>
std::string optional_id(const std::optional<Id>& id) {
    return id ? quoted(std::to_string(static_cast<std::int64_t>(id->value))) : "null";
}
std::string ms(time_point t) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()); }
std::string optional_ms(const std::optional<time_point>& t) { return t ? ms(*t) : "null"; }
/// A string map as the text of a JSON object (as the SQL stores export their JSON columns).
template <class Map>
std::string object_text(const Map& m) {
    std::string out = "{";
    for (const auto& [k, v] : m) out += (out.size() == 1 ? "" : ",") + quoted(k) + ":" + quoted(v);
    return out + "}";
}

/// One exported table: its rows as JSON objects.
struct table_rows {
    std::string name;
    std::vector<std::string> rows;
    void add(std::initializer_list<std::pair<const char*, std::string>> fields) {
        std::string row = "{";
        for (const auto& [k, v] : fields) row += (row.size() == 1 ? "\"" : ",\"") + std::string(k) + "\":" + v;
        rows.push_back(row + "}");
    }
};

}  // namespace

// --- the outbox ------------------------------------------------------------------------------

std::optional<ports::outbox_enqueued> unit::enqueue(const core::outbox_draft& d, std::int64_t max_pending) {
    require_writable();
    if (!core::is_valid(d)) throw ports::store_error("outbox: invalid entry for event '" + d.event.substr(0, 64) + "'");
    if (!d.dedup_key.empty()) {
        for (const auto& [id, e] : shop_.outbox) {
            if (e.draft.dedup_key == d.dedup_key) return ports::outbox_enqueued{e.id, true};
        }
    }
    if (outbox_stats().pending >= max_pending) return std::nullopt;
    core::outbox_entry e;
    e.id = core::outbox_id{shop_.next_outbox++};
    e.draft = d;
    for (auto& [name, value] : e.draft.facts) {
        if (!core::is_valid_utf8(value)) value = core::to_valid_utf8(value);
    }
    e.created_at = now();
    e.next_attempt_at = e.created_at;
    shop_.outbox.emplace(e.id.value, e);
    return ports::outbox_enqueued{e.id, false};
}

std::vector<core::outbox_entry> unit::claim_due(time_point now_at, time_point lease_until, std::size_t limit) {
    require_writable();
    std::vector<core::outbox_entry*> due;
    for (auto& [id, e] : shop_.outbox) {
        if (e.status == core::outbox_status::pending && e.next_attempt_at <= now_at) due.push_back(&e);
    }
    std::sort(due.begin(), due.end(), [](const core::outbox_entry* a, const core::outbox_entry* b) {
        return std::tie(a->next_attempt_at, a->id.value) < std::tie(b->next_attempt_at, b->id.value);
    });
    std::vector<core::outbox_entry> out;
    for (auto* e : due) {
        if (out.size() >= limit) break;
        e->next_attempt_at = to_ms(lease_until);
        out.push_back(*e);
    }
    return out;
}

bool unit::mark_sent(core::outbox_id id, time_point at, std::optional<core::channel_id> channel, std::optional<core::message_id> message,
                     const std::string& note) {
    require_writable();
    const auto it = shop_.outbox.find(id.value);
    if (it == shop_.outbox.end() || it->second.status != core::outbox_status::pending) return false;
    auto& e = it->second;
    e.status = core::outbox_status::sent;
    e.sent_at = to_ms(at);
    e.channel = channel;
    e.message = message;
    e.last_error = clip(note);
    ++e.attempts;
    return true;
}

bool unit::reschedule(core::outbox_id id, time_point next_attempt, const std::string& error, bool count_attempt) {
    require_writable();
    const auto it = shop_.outbox.find(id.value);
    if (it == shop_.outbox.end() || it->second.status != core::outbox_status::pending) return false;
    it->second.next_attempt_at = to_ms(next_attempt);
    it->second.last_error = clip(error);
    if (count_attempt) ++it->second.attempts;
    return true;
}

bool unit::mark_failed(core::outbox_id id, const std::string& error) {
    require_writable();
    const auto it = shop_.outbox.find(id.value);
    if (it == shop_.outbox.end() || it->second.status != core::outbox_status::pending) return false;
    it->second.status = core::outbox_status::failed;
    it->second.last_error = clip(error);
    ++it->second.attempts;
    return true;
}

std::optional<core::outbox_entry> unit::find_outbox(core::outbox_id id) {
    const auto it = shop_.outbox.find(id.value);
    if (it == shop_.outbox.end()) return std::nullopt;
    return it->second;
}

core::outbox_stats unit::outbox_stats() {
    core::outbox_stats out;
    for (const auto& [id, e] : shop_.outbox) {  // by id: the first pending one is the oldest
        if (e.status == core::outbox_status::failed) ++out.failed;
        if (e.status != core::outbox_status::pending) continue;
        ++out.pending;
        if (!out.oldest_pending) out.oldest_pending = e.created_at;
    }
    return out;
}

std::size_t unit::purge_sent(time_point before, std::size_t limit) {
    require_writable();
    std::size_t purged = 0;
    for (auto it = shop_.outbox.begin(); it != shop_.outbox.end() && purged < limit;) {
        const auto& e = it->second;
        if (e.status == core::outbox_status::sent && e.sent_at && *e.sent_at < before) {
            it = shop_.outbox.erase(it);
            ++purged;
        } else {
            ++it;
        }
    }
    return purged;
}

// --- staff proposals -------------------------------------------------------------------------

bool unit::insert_proposal(const core::staff_proposal& p) {
    require_writable();
    core::staff_proposal stored = p;
    stored.created_at = to_ms(p.created_at);
    stored.expires_at = to_ms(p.expires_at);
    return shop_.proposals.emplace(p.token, std::move(stored)).second;
}

std::optional<core::staff_proposal> unit::find_proposal(const std::string& token) {
    const auto it = shop_.proposals.find(token);
    if (it == shop_.proposals.end()) return std::nullopt;
    return it->second;
}

bool unit::cancel_proposal(const std::string& token) {
    require_writable();
    const auto it = shop_.proposals.find(token);
    if (it == shop_.proposals.end()) return false;
    it->second.cancelled = true;
    return true;
}

std::size_t unit::purge_proposals(time_point before, std::size_t limit) {
    require_writable();
    std::size_t purged = 0;
    for (auto it = shop_.proposals.begin(); it != shop_.proposals.end() && purged < limit;) {
        if (it->second.expires_at < before) {
            it = shop_.proposals.erase(it);
            ++purged;
        } else {
            ++it;
        }
    }
    return purged;
}

// --- scheduled jobs and /setup records -------------------------------------------------------

void unit::ensure_job(const std::string& name, time_point first_due) {
    require_writable();
    shop_.jobs.try_emplace(name, ports::scheduled_job_state{name, to_ms(first_due), std::nullopt, std::nullopt, "", 0});
}

bool unit::claim_job(const std::string& name, time_point now_at, time_point next_due) {
    require_writable();
    const auto it = shop_.jobs.find(name);
    if (it == shop_.jobs.end() || it->second.next_due > now_at) return false;
    it->second.next_due = to_ms(next_due);
    it->second.last_started = to_ms(now_at);
    ++it->second.runs;
    return true;
}

void unit::finish_job(const std::string& name, time_point at, const std::string& error) {
    require_writable();
    const auto it = shop_.jobs.find(name);
    if (it == shop_.jobs.end()) return;
    it->second.last_finished = to_ms(at);
    it->second.last_error = core::truncate_utf8_bytes(error, 300);
}

std::vector<ports::scheduled_job_state> unit::jobs() {
    std::vector<ports::scheduled_job_state> out;
    for (const auto& [name, job] : shop_.jobs) out.push_back(job);
    return out;
}

std::vector<ports::setup_record> unit::setup_records() {
    std::vector<ports::setup_record> out;
    for (const auto& [name, r] : shop_.setup) out.push_back(r);
    return out;
}

void unit::record_setup(const ports::setup_record& r) {
    require_writable();
    ports::setup_record stored = r;
    stored.updated_at = now();
    shop_.setup[r.name] = std::move(stored);
}

// --- a member's data requests ----------------------------------------------------------------

std::string unit::export_member(core::user_id user, std::size_t max_bytes) {
    std::vector<std::int64_t> orders, sessions, opened;
    for (const auto& [id, o] : shop_.orders) {
        if (o.customer == user) orders.push_back(id);
    }
    for (const auto& [id, s] : shop_.sessions) {
        if (s.customer == user) sessions.push_back(id);
    }
    for (const auto& [id, t] : shop_.tickets) {
        if (t.opener == user) opened.push_back(id);
    }
    const auto in = [](const std::vector<std::int64_t>& ids, std::int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); };
    // The tables of the SQL stores' export, the same rows, their columns by the same names.
    std::vector<table_rows> tables;
    tables.reserve(17);  // the references taken below stay valid
    const auto table = [&](const char* name) -> table_rows& { return tables.emplace_back(table_rows{name, {}}); };
    const auto bounded = [&](const table_rows& t) {  // memory bounded before the document is built
        if (t.rows.size() * 16 > max_bytes) {
            throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " + std::to_string(max_bytes) + " bytes (" +
                                     std::to_string(t.rows.size()) + " rows in " + t.name + ")");
        }
    };
    if (const auto it = shop_.customers.find(user.value); it != shop_.customers.end()) {
        table("customers").add({{"user_id", id_text(user.value)},
                                {"lifetime_spend_minor", std::to_string(it->second.lifetime_spend_minor)},
                                {"completed_purchases", std::to_string(it->second.completed_purchases)}});
        auto& roles = table("customer_roles");
        for (const auto& role : it->second.held_roles) roles.add({{"user_id", id_text(user.value)}, {"role_id", id_text(role.value)}});
    } else {
        table("customers");
        table("customer_roles");
    }
    auto& wallets = table("wallets");
    for (const auto& [key, balance] : shop_.wallets) {
        if (key.first == user.value) {
            wallets.add({{"user_id", id_text(user.value)}, {"currency", quoted(key.second)}, {"balance_minor", std::to_string(balance)}});
        }
    }
    auto& ledger = table("wallet_ledger");
    for (const auto& [id, e] : shop_.ledger) {
        if (e.user != user) continue;
        ledger.add({{"id", quoted(std::to_string(id))}, {"user_id", id_text(user.value)},
                    {"currency", quoted(e.amount.currency_of().code_string())}, {"type", quoted(core::to_string(e.type))},
                    {"amount_minor", std::to_string(e.amount.minor_units())},
                    {"balance_after_minor", std::to_string(e.balance_after.minor_units())}, {"description", quoted(e.description)},
                    {"order_id", optional_id(e.order)}, {"staff_id", optional_id(e.staff)}, {"ticket_id", optional_id(e.ticket)},
                    {"created_at_ms", ms(e.created_at)}});
        bounded(ledger);
    }
    auto& order_rows = table("orders");
    for (const auto id : orders) {
        const auto& o = shop_.orders.at(id);
        order_rows.add({{"id", quoted(std::to_string(id))}, {"reference", quoted(o.reference)}, {"customer_id", id_text(o.customer.value)},
                        {"product_id", quoted(std::to_string(o.product.value))}, {"status", quoted(core::to_string(o.status))},
                        {"source", quoted(core::to_string(o.source))}, {"currency", quoted(o.price_paid.currency_of().code_string())},
                        {"list_price_minor", std::to_string(o.list_price.minor_units())},
                        {"price_paid_minor", std::to_string(o.price_paid.minor_units())}, {"discount_bp", std::to_string(o.discount)},
                        {"promo_code", o.promo_code ? quoted(*o.promo_code) : "null"},
                        {"refunded_minor", std::to_string(o.refunded.minor_units())}, {"metadata", quoted(object_text(o.metadata))},
                        {"delivery", quoted(o.delivery)}, {"created_at_ms", ms(o.created_at)}});
        bounded(order_rows);
    }
    auto& keys = table("license_keys");
    for (const auto& [id, k] : shop_.license_keys) {
        if (k.customer != user && !(k.order && in(orders, k.order->value))) continue;
        keys.add({{"id", quoted(std::to_string(id))}, {"product_id", quoted(std::to_string(k.product.value))}, {"key_text", quoted(k.key)},
                  {"status", quoted(core::to_string(k.status))}, {"order_id", optional_id(k.order)}, {"customer_id", optional_id(k.customer)}});
    }
    auto& redemptions = table("promo_redemptions");
    for (const auto& r : shop_.redemptions) {
        if (r.user != user) continue;
        redemptions.add({{"code", quoted(r.code)}, {"user_id", id_text(user.value)}, {"order_id", quoted(std::to_string(r.order.value))},
                         {"discount_minor", std::to_string(r.discount.minor_units())}, {"created_at_ms", ms(r.at)}});
    }
    auto& refunds = table("refunds");
    for (const auto& [id, r] : shop_.refunds) {
        if (r.customer != user) continue;
        refunds.add({{"id", quoted(std::to_string(id))}, {"order_id", quoted(std::to_string(r.order.value))},
                     {"customer_id", id_text(user.value)}, {"status", quoted(core::to_string(r.status))},
                     {"amount_minor", std::to_string(r.amount.minor_units())}, {"reason", quoted(r.reason)},
                     {"decision_reason", quoted(r.decision_reason)}, {"requested_at_ms", ms(r.requested_at)}});
    }
    auto& session_rows = table("payment_sessions");
    for (const auto id : sessions) {
        const auto& s = shop_.sessions.at(id);
        session_rows.add({{"id", quoted(std::to_string(id))}, {"order_id", quoted(std::to_string(s.order.value))},
                          {"customer_id", id_text(user.value)}, {"method", quoted(s.method)}, {"status", quoted(core::to_string(s.status))},
                          {"transaction_id", quoted(s.transaction_id)}, {"contact", quoted(s.contact)}, {"notes", quoted(s.notes)},
                          {"proof_url", quoted(s.proof_url)}, {"reason", quoted(s.reason)}, {"created_at_ms", ms(s.created_at)}});
    }
    auto& session_events = table("payment_session_events");
    for (const auto& e : shop_.session_events) {
        if (!in(sessions, e.session.value)) continue;
        session_events.add({{"session_id", quoted(std::to_string(e.session.value))},
                            {"from_status", e.from ? quoted(core::to_string(*e.from)) : "null"}, {"to_status", quoted(core::to_string(e.to))},
                            {"actor_id", id_text(e.actor.value)}, {"note", quoted(e.note)}, {"at_ms", ms(e.at)}});
    }
    auto& ticket_rows = table("tickets");
    auto& participants = table("ticket_participants");
    auto& answers = table("ticket_answers");
    auto& events = table("ticket_events");
    for (const auto& [id, t] : shop_.tickets) {
        const bool joined = std::find(t.participants.begin(), t.participants.end(), user) != t.participants.end();
        if (t.opener != user && !joined) continue;
        ticket_rows.add({{"id", quoted(std::to_string(id))}, {"type", quoted(t.type)}, {"status", quoted(core::to_string(t.status))},
                         {"opener_id", id_text(t.opener.value)}, {"channel_id", optional_id(t.channel)}, {"subject", quoted(t.subject)},
                         {"close_reason", quoted(t.close_reason)}, {"rating", t.rating ? std::to_string(*t.rating) : "null"},
                         {"rating_comment", quoted(t.rating_comment)}, {"opened_at_ms", ms(t.opened_at)},
                         {"closed_at_ms", optional_ms(t.closed_at)}});
        if (joined) {
            const auto position = std::find(t.participants.begin(), t.participants.end(), user) - t.participants.begin();
            participants.add({{"ticket_id", quoted(std::to_string(id))}, {"user_id", id_text(user.value)}, {"position", std::to_string(position)}});
        }
        if (t.opener != user) continue;
        for (std::size_t i = 0; i < t.answers.size(); ++i) {
            answers.add({{"ticket_id", quoted(std::to_string(id))}, {"position", std::to_string(i)}, {"question", quoted(t.answers[i].question)},
                         {"answer", quoted(t.answers[i].answer)}});
        }
    }
    for (const auto& e : shop_.ticket_events) {
        if (!in(opened, e.ticket.value)) continue;
        events.add({{"ticket_id", quoted(std::to_string(e.ticket.value))}, {"kind", quoted(core::to_string(e.kind))},
                    {"actor_id", optional_id(e.actor)}, {"subject_id", optional_id(e.subject)}, {"note", quoted(e.note)}, {"at_ms", ms(e.at)}});
    }
    auto& outbox = table("outbox");
    for (const auto& [id, e] : shop_.outbox) {
        if (e.draft.recipient != user) continue;
        outbox.add({{"id", quoted(std::to_string(id))}, {"kind", quoted(core::to_string(e.draft.kind))},
                    {"topic", quoted(core::to_string(e.draft.topic))}, {"recipient_id", id_text(user.value)}, {"event", quoted(e.draft.event)},
                    {"facts", quoted(object_text(e.draft.facts))}, {"status", quoted(core::to_string(e.status))},
                    {"created_at_ms", ms(e.created_at)}});
    }
    auto& proposals = table("staff_proposals");
    for (const auto& [token, p] : shop_.proposals) {
        if (p.member != user) continue;
        proposals.add({{"token", quoted(token)}, {"action", quoted(core::to_string(p.action))}, {"staff_id", id_text(p.staff.value)},
                       {"member_id", id_text(user.value)}, {"amount_minor", std::to_string(p.amount.minor_units())},
                       {"reason", quoted(p.reason)}, {"expires_at_ms", ms(p.expires_at)}});
    }
    auto& erasures = table("member_erasures");
    for (const auto& e : shop_.erasures) {
        if (e.user == user) erasures.add({{"user_id", id_text(user.value)}, {"staff_id", id_text(e.staff.value)}, {"erased_at_ms", ms(e.at)}});
    }
    for (const auto& t : tables) bounded(t);

    std::string out = "{\"member\":\"" + std::to_string(user.value) + "\",\"tables\":{";
    for (std::size_t i = 0; i < tables.size(); ++i) {
        out += (i == 0 ? "\"" : ",\"") + tables[i].name + "\":[";
        for (std::size_t r = 0; r < tables[i].rows.size(); ++r) out += (r == 0 ? "" : ",") + tables[i].rows[r];
        out += "]";
        if (out.size() > max_bytes) {
            throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " + std::to_string(max_bytes) + " bytes");
        }
    }
    return out + "}}";
}

ports::erasure_report unit::forget_member(core::user_id user, core::user_id staff) {
    require_writable();
    ports::erasure_report r;
    for (auto& [id, o] : shop_.orders) {
        if (o.customer != user) continue;
        const auto erased = std::erase_if(o.metadata, [](const auto& entry) { return entry.first.starts_with("answer: "); });
        if (erased > 0) ++r.orders;
    }
    for (auto& [id, s] : shop_.sessions) {
        if (s.customer != user) continue;
        if (!s.transaction_id.empty() || !s.contact.empty() || !s.notes.empty() || !s.proof_url.empty() || !s.reason.empty()) ++r.payments;
        s.transaction_id.clear();
        s.contact.clear();
        s.notes.clear();
        s.proof_url.clear();
        s.reason.clear();
        for (auto& e : shop_.session_events) {
            if (e.session == s.id) e.note.clear();
        }
    }
    for (auto& [id, f] : shop_.refunds) {
        if (f.customer != user) continue;
        if (!f.reason.empty() || !f.decision_reason.empty()) ++r.refunds;
        f.reason.clear();
        f.decision_reason.clear();
    }
    for (auto& [id, t] : shop_.tickets) {
        if (t.opener != user) continue;
        bool wrote = !t.subject.empty() || !t.close_reason.empty() || !t.rating_comment.empty();
        for (auto& a : t.answers) {
            wrote = wrote || !a.answer.empty();
            a.answer.clear();
        }
        for (auto& e : shop_.ticket_events) {
            if (e.ticket != t.id) continue;
            wrote = wrote || !e.note.empty();
            e.note.clear();
        }
        if (wrote) ++r.tickets;
        t.subject.clear();
        t.close_reason.clear();
        t.rating_comment.clear();
    }
    r.messages = static_cast<std::int64_t>(std::erase_if(shop_.outbox, [&](const auto& entry) { return entry.second.draft.recipient == user; }));
    r.proposals = static_cast<std::int64_t>(std::erase_if(shop_.proposals, [&](const auto& entry) { return entry.second.member == user; }));
    shop_.erasures.push_back({user, staff, now()});
    return r;
}

std::optional<time_point> unit::forgotten_at(core::user_id user) {
    std::optional<time_point> out;
    for (const auto& e : shop_.erasures) {
        if (e.user == user && (!out || e.at > *out)) out = e.at;
    }
    return out;
}

}  // namespace apexcore::memory::detail
