// The in-memory store's payment sessions, license keys and support tickets (shop.hpp).
#include "shop.hpp"

#include <algorithm>

namespace apexcore::memory::detail {
namespace {

bool live(core::payment_session_status s) {
    return s == core::payment_session_status::open || s == core::payment_session_status::submitted;
}
bool active(core::ticket_status s) { return s == core::ticket_status::open || s == core::ticket_status::claimed; }
/// Tickets closed before they had a channel do not count for a cooldown (the shop's failure).
bool counts_for_cooldown(const core::ticket& t) {
    return !(!t.channel && (t.status == core::ticket_status::closed || t.status == core::ticket_status::deleted));
}
std::optional<time_point> ms(const std::optional<time_point>& t) { return t ? std::optional(to_ms(*t)) : std::nullopt; }

/// The participants as stored: each user once, in their first place.
std::vector<core::user_id> distinct(const std::vector<core::user_id>& users) {
    std::vector<core::user_id> out;
    for (const auto& u : users) {
        if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(u);
    }
    return out;
}

}  // namespace

// --- payment sessions ------------------------------------------------------------------------

core::payment_session unit::insert_session(const core::payment_session& in) {
    require_writable();
    if (live_for(in.order)) throw ports::store_error("order " + std::to_string(in.order.value) + " has a live payment session");
    core::payment_session s = in;
    s.id = core::payment_session_id{shop_.next_session++};
    s.created_at = now();
    s.updated_at = s.created_at;
    s.expires_at = to_ms(in.expires_at);
    s.reason.clear();
    s.staff.reset();
    shop_.sessions.emplace(s.id.value, s);
    return s;
}

std::optional<core::payment_session> unit::find_session(core::payment_session_id id) {
    const auto it = shop_.sessions.find(id.value);
    if (it == shop_.sessions.end()) return std::nullopt;
    return it->second;
}

std::optional<core::payment_session> unit::live_for(core::order_id order) {
    for (const auto& [id, s] : shop_.sessions) {
        if (s.order == order && live(s.status)) return s;
    }
    return std::nullopt;
}

bool unit::update_session(const core::payment_session& in, core::payment_session_status expected) {
    require_writable();
    const auto it = shop_.sessions.find(in.id.value);
    if (it == shop_.sessions.end() || it->second.status != expected) return false;
    if (live(in.status) && !live(expected)) {
        if (const auto other = live_for(in.order); other && other->id != in.id) throw ports::store_error("order has a live payment session");
    }
    core::payment_session& s = it->second;
    s.status = in.status;
    s.transaction_id = in.transaction_id;
    s.contact = in.contact;
    s.notes = in.notes;
    s.proof_url = in.proof_url;
    s.reason = in.reason;
    s.staff = in.staff;
    s.expires_at = to_ms(in.expires_at);
    s.updated_at = now();
    return true;
}

std::vector<core::payment_session> unit::expired_open(time_point now_at, std::size_t limit) {
    std::vector<core::payment_session> out;
    for (const auto& [id, s] : shop_.sessions) {
        if (s.status == core::payment_session_status::open && s.expires_at <= now_at) out.push_back(s);
    }
    std::sort(out.begin(), out.end(), [](const core::payment_session& a, const core::payment_session& b) {
        return std::tie(a.expires_at, a.id.value) < std::tie(b.expires_at, b.id.value);
    });
    return first_n(std::move(out), limit);
}

std::vector<core::payment_session> unit::list_submitted(std::size_t limit) {
    std::vector<core::payment_session> out;
    for (const auto& [id, s] : shop_.sessions) {
        if (s.status == core::payment_session_status::submitted) out.push_back(s);
    }
    std::sort(out.begin(), out.end(), [](const core::payment_session& a, const core::payment_session& b) {
        return std::tie(a.updated_at, a.id.value) < std::tie(b.updated_at, b.id.value);
    });
    return first_n(std::move(out), limit);
}

void unit::audit(const core::payment_session_event& e) {
    require_writable();
    core::payment_session_event stored = e;
    stored.at = now();
    shop_.session_events.push_back(std::move(stored));
}

std::vector<core::payment_session_event> unit::audit_trail(core::payment_session_id id) {
    std::vector<core::payment_session_event> out;
    for (const auto& e : shop_.session_events) {
        if (e.session == id) out.push_back(e);
    }
    return out;
}

// --- license keys ----------------------------------------------------------------------------

bool unit::insert_key(core::product_id product, const std::string& key) {
    require_writable();
    if (key_exists(key)) return false;
    core::license_key k;
    k.id = core::license_key_id{shop_.next_key++};
    k.product = product;
    k.key = key;
    k.created_at = now();
    k.updated_at = k.created_at;
    shop_.license_keys.emplace(k.id.value, std::move(k));
    return true;
}

bool unit::key_exists(const std::string& key) {
    return std::any_of(shop_.license_keys.begin(), shop_.license_keys.end(), [&](const auto& k) { return k.second.key == key; });
}

std::optional<core::license_key> unit::take_available(core::product_id product, core::license_key_status to,
                                                      std::optional<core::order_id> order, std::optional<core::user_id> customer,
                                                      std::optional<core::user_id> requested_by) {
    require_writable();
    for (auto& [id, k] : shop_.license_keys) {
        if (k.product != product || k.status != core::license_key_status::available) continue;
        if (order && key_for_order(*order)) throw ports::store_error("order " + std::to_string(order->value) + " has a key already");
        k.status = to;
        k.order = order;
        k.customer = customer;
        k.requested_by = requested_by;
        k.updated_at = now();
        return k;
    }
    return std::nullopt;
}

std::optional<core::license_key> unit::find_key_by_id(core::license_key_id id) {
    const auto it = shop_.license_keys.find(id.value);
    if (it == shop_.license_keys.end()) return std::nullopt;
    return it->second;
}

std::optional<core::license_key> unit::key_for_order(core::order_id order) {
    for (const auto& [id, k] : shop_.license_keys) {
        if (k.order == order) return k;
    }
    return std::nullopt;
}

bool unit::move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                    std::optional<core::order_id> order, std::optional<core::user_id> customer) {
    require_writable();
    const auto it = shop_.license_keys.find(id.value);
    if (it == shop_.license_keys.end() || it->second.status != from) return false;
    core::license_key& k = it->second;
    const bool clear = to == core::license_key_status::available;  // back on the shelf: no order, customer or requester
    k.status = to;
    k.order = clear ? std::nullopt : order;
    k.customer = clear ? std::nullopt : customer;
    if (clear) k.requested_by.reset();
    k.updated_at = now();
    return true;
}

std::vector<core::license_key> unit::search_keys(const std::string& text, std::optional<core::product_id> product,
                                                 std::optional<core::license_key_status> status, std::size_t limit) {
    std::vector<core::license_key> out;
    for (const auto& [id, k] : shop_.license_keys) {
        if (out.size() >= limit) break;
        if ((text.empty() || k.key.find(text) != std::string::npos) && (!product || k.product == *product) &&
            (!status || k.status == *status)) {
            out.push_back(k);
        }
    }
    return out;
}

std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> unit::key_stats() {
    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> out;
    for (const auto& [id, k] : shop_.license_keys) ++out[k.product][k.status];
    return out;
}

// --- tickets ---------------------------------------------------------------------------------

core::ticket unit::insert_ticket(const core::ticket& in) {
    require_writable();
    if (in.channel && find_by_channel(*in.channel)) throw ports::store_error("a ticket has that channel already");
    core::ticket t;  // what the SQL stores write on insert; the rest comes with update_ticket
    t.id = core::ticket_id{shop_.next_ticket++};
    t.type = in.type;
    t.status = in.status;
    t.opener = in.opener;
    t.participants = distinct(in.participants);
    t.channel = in.channel;
    t.subject = in.subject;
    t.answers = in.answers;
    t.opened_at = to_ms(in.opened_at);
    t.last_member_activity = to_ms(in.last_member_activity);
    t.order = in.order;
    t.payment_session = in.payment_session;
    t.refund = in.refund;
    shop_.tickets.emplace(t.id.value, t);
    core::ticket out = in;
    out.id = t.id;
    return out;
}

std::optional<core::ticket> unit::find_ticket(core::ticket_id id) {
    const auto it = shop_.tickets.find(id.value);
    if (it == shop_.tickets.end()) return std::nullopt;
    return it->second;
}

std::optional<core::ticket> unit::find_by_channel(core::channel_id channel) {
    for (const auto& [id, t] : shop_.tickets) {
        if (t.channel == channel) return t;
    }
    return std::nullopt;
}

std::int64_t unit::count_active(core::user_id opener, const std::optional<std::string>& type) {
    return std::count_if(shop_.tickets.begin(), shop_.tickets.end(), [&](const auto& entry) {
        const core::ticket& t = entry.second;
        return t.opener == opener && active(t.status) && (!type || t.type == *type);
    });
}

std::optional<time_point> unit::last_opened(core::user_id opener, const std::string& type) {
    std::optional<time_point> out;
    for (const auto& [id, t] : shop_.tickets) {
        if (t.opener == opener && t.type == type && counts_for_cooldown(t) && (!out || t.opened_at > *out)) out = t.opened_at;
    }
    return out;
}

std::vector<time_point> unit::opened_times_since(core::user_id opener, const std::string& type, time_point since, std::size_t limit) {
    std::vector<time_point> out;
    for (const auto& [id, t] : shop_.tickets) {
        if (t.opener == opener && t.type == type && t.opened_at > since && counts_for_cooldown(t)) out.push_back(t.opened_at);
    }
    std::sort(out.begin(), out.end());
    return first_n(std::move(out), limit);
}

bool unit::update_ticket(const core::ticket& in, core::ticket_status expected) {
    require_writable();
    const auto it = shop_.tickets.find(in.id.value);
    if (it == shop_.tickets.end() || it->second.status != expected) return false;
    if (in.channel) {
        if (const auto other = find_by_channel(*in.channel); other && other->id != in.id) throw ports::store_error("a ticket has that channel already");
    }
    core::ticket& t = it->second;
    t.status = in.status;
    t.channel = in.channel;
    t.subject = in.subject;
    t.claimed_by = in.claimed_by;
    t.last_member_activity = to_ms(in.last_member_activity);
    t.last_staff_activity = ms(in.last_staff_activity);
    t.first_staff_response = ms(in.first_staff_response);
    t.first_responder = in.first_responder;
    t.inactivity_warned_at = ms(in.inactivity_warned_at);
    t.closed_at = ms(in.closed_at);
    t.closed_by = in.closed_by;
    t.close_reason = in.close_reason;
    t.order = in.order;
    t.payment_session = in.payment_session;
    t.refund = in.refund;
    t.rating = in.rating;
    t.rating_comment = in.rating_comment;
    t.participants = distinct(in.participants);
    return true;
}

std::vector<core::ticket> unit::list_silent(time_point silent_since, std::optional<core::ticket_id> after, std::size_t limit) {
    std::vector<core::ticket> out;
    for (auto it = shop_.tickets.upper_bound(after ? after->value : 0); it != shop_.tickets.end() && out.size() < limit; ++it) {
        if (active(it->second.status) && it->second.last_member_activity <= silent_since) out.push_back(it->second);
    }
    return out;
}

std::vector<core::ticket> unit::list_closed_before(const std::string& type, time_point closed_before, std::size_t limit) {
    std::vector<core::ticket> out;
    for (const auto& [id, t] : shop_.tickets) {
        if (t.status == core::ticket_status::closed && t.type == type && t.closed_at && *t.closed_at <= closed_before) out.push_back(t);
    }
    std::sort(out.begin(), out.end(), [](const core::ticket& a, const core::ticket& b) {
        return std::tie(*a.closed_at, a.id.value) < std::tie(*b.closed_at, b.id.value);
    });
    return first_n(std::move(out), limit);
}

void unit::append_event(const core::ticket_event& e) {
    require_writable();
    if (!shop_.tickets.contains(e.ticket.value)) throw ports::store_error("no ticket " + std::to_string(e.ticket.value));
    core::ticket_event stored = e;
    stored.at = to_ms(e.at);
    shop_.ticket_events.push_back(std::move(stored));
}

std::vector<core::ticket_event> unit::ticket_events(core::ticket_id id) {
    std::vector<core::ticket_event> out;
    for (const auto& e : shop_.ticket_events) {
        if (e.ticket == id) out.push_back(e);
    }
    return out;
}

ports::ticket_figures unit::figures(time_point from, time_point to) {
    ports::ticket_figures out;
    for (const auto& e : shop_.ticket_events) {
        if (e.at < from || e.at >= to) continue;
        const bool closed = e.kind == core::ticket_event_kind::closed;
        if (!closed && e.kind != core::ticket_event_kind::claimed && e.kind != core::ticket_event_kind::transferred) continue;
        if (closed) ++out.closed;
        // Transfers count for the new claimer (the subject); the sweep's closings for nobody.
        const auto staff = e.kind == core::ticket_event_kind::transferred ? e.subject : e.actor;
        if (!staff) continue;
        auto& figures = out.staff[*staff];
        ++(closed ? figures.closed : figures.claimed);
    }
    for (const auto& [id, t] : shop_.tickets) {
        if (t.opened_at < from || t.opened_at >= to) continue;
        ++out.opened;
        if (t.first_responder && t.first_staff_response) {
            const auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::max(*t.first_staff_response - t.opened_at, time_point::duration{}));
            out.first_responses.push_back(waited);
            out.staff[*t.first_responder].first_responses.push_back(waited);
        }
        if (t.rating) {
            out.ratings_sum += *t.rating;
            ++out.ratings_count;
            const auto handler = t.claimed_by ? t.claimed_by : t.first_responder ? t.first_responder : t.closed_by;
            if (handler) {
                out.staff[*handler].ratings_sum += *t.rating;
                ++out.staff[*handler].ratings_count;
            }
        }
    }
    return out;
}

}  // namespace apexcore::memory::detail
