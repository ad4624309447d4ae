#include <apexcore/services/ticket_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {
namespace {

using core::rejection;
using changed = core::result<bool, rejection>;  // true: write the ticket and its event

/// invalid_text / text_too_long for text over `max` or not clean; nullopt when fine.
std::optional<rejection> check_text(std::string_view text, std::size_t max, bool multiline) {
    if (text.size() > max) return rejection::text_too_long;
    if (!detail::is_clean_text(text, max, multiline) || !core::is_valid_utf8(text)) return rejection::invalid_text;
    return std::nullopt;
}

/// Average × 100, half up; nullopt without ratings.
std::optional<int> average_centi(std::int64_t sum, std::int64_t count) {
    if (count <= 0) return std::nullopt;
    return static_cast<int>((sum * 100 * 2 + count) / (2 * count));
}

/// Appends `e` to the ticket's insert-only log and writes "ticket.<kind>" for the tickets log
/// channel, in the same unit of work.
void record(ports::unit_of_work& uow, const shop_config& config, const core::ticket& t, const core::ticket_event& e) {
    uow.tickets().append_event(e);
    core::outbox_facts facts{{"ticket", std::to_string(t.id.value)},
                             {"type", t.type},
                             {"opener", t.opener.str()},
                             {"status", std::string(core::to_string(t.status))}};
    if (t.channel) facts.emplace("channel", t.channel->str());
    if (e.actor) facts.emplace("actor", e.actor->str());
    if (e.subject) facts.emplace("subject", e.subject->str());
    if (!e.note.empty()) facts.emplace("note", e.note);
    detail::notify_log(uow, config, core::log_topic::tickets, "ticket." + std::string(core::to_string(e.kind)), std::move(facts));
}

}  // namespace

template <class Change>
ticket_service::outcome ticket_service::change(core::ticket_id id, core::ticket_event event, Change&& apply) {
    return detail::transact<core::ticket>(store_, [&](ports::unit_of_work& uow) -> outcome {
        auto found = uow.tickets().find_ticket(id);
        if (!found) return rejection::unknown_ticket;
        const core::ticket_status before = found->status;
        core::ticket t = *found;
        const auto now = config_.time().now();
        const changed result = apply(uow, t, event, now);
        if (!result) return result.error();
        if (!*result) return t;
        if (!uow.tickets().update_ticket(t, before)) return rejection::forbidden_transition;
        event.ticket = id;
        event.at = now;
        record(uow, config_, t, event);
        return t;
    });
}

core::result<core::ticket, rejection> ticket_service::open(const open_ticket_request& r) {
    const core::ticket_type* type = find_type(r.type);
    if (type == nullptr) return rejection::unknown_ticket_type;
    if (auto bad = check_text(r.subject, core::ticket_subject_length_max, false)) return *bad;
    if (r.answers.size() > type->questions.size()) return rejection::invalid_text;
    core::ticket t;
    t.type = type->key;
    t.opener = r.opener;
    t.subject = r.subject;
    for (std::size_t i = 0; i < type->questions.size(); ++i) {
        const auto& q = type->questions[i];
        const std::string answer = i < r.answers.size() ? r.answers[i] : std::string();
        if (q.required && answer.empty()) return rejection::invalid_text;
        if (auto bad = check_text(answer, q.max_length, true)) return *bad;
        if (!answer.empty()) t.answers.push_back({q.label, answer});
    }
    t.order = r.order;
    t.payment_session = r.payment_session;
    t.refund = r.refund;
    return detail::transact<core::ticket>(store_, [&](ports::unit_of_work& uow) -> outcome {
        if (r.order) {
            const auto order = uow.orders().find(*r.order);
            if (!order) return rejection::unknown_order;
            if (order->customer != r.opener) return rejection::not_owner;
        }
        if (r.payment_session) {
            const auto session = uow.payment_sessions().find_session(*r.payment_session);
            if (!session) return rejection::unknown_payment_session;
            if (session->customer != r.opener) return rejection::not_owner;
        }
        if (r.refund) {
            const auto refund = uow.refunds().find_refund(*r.refund);
            if (!refund) return rejection::unknown_refund;
            if (refund->customer != r.opener) return rejection::not_owner;
        }
        if (uow.tickets().count_active(r.opener, type->key) >= type->max_open_per_member ||
            uow.tickets().count_active(r.opener, std::nullopt) >= config_.tickets.max_open_per_member) {
            return rejection::ticket_limit_reached;
        }
        const auto now = config_.time().now();
        if (const auto last = uow.tickets().last_opened(r.opener, type->key); last && now < *last + type->cooldown) {
            return rejection::ticket_cooldown;
        }
        // The financial cooldown on deposit requests (shop_config::cooldowns.deposits).
        if (type->key == "deposit" && detail::cooldown_until(uow, config_, "deposits", r.opener, now)) return rejection::cooldown_active;
        t.opened_at = now;
        t.last_member_activity = now;
        core::ticket stored = uow.tickets().insert_ticket(t);
        record(uow, config_, stored, {stored.id, core::ticket_event_kind::opened, r.opener, std::nullopt, r.subject, now});
        return stored;
    });
}

core::result<core::ticket, rejection> ticket_service::attach_channel(core::ticket_id id, core::channel_id channel) {
    // Not an event of its own: the "opened" event is the member's act.
    return detail::transact<core::ticket>(store_, [&](ports::unit_of_work& uow) -> outcome {
        auto t = uow.tickets().find_ticket(id);
        if (!t) return rejection::unknown_ticket;
        if (!core::is_active(t->status)) return rejection::ticket_closed;
        const auto before = t->status;
        t->channel = channel;
        if (!uow.tickets().update_ticket(*t, before)) return rejection::forbidden_transition;
        return *t;
    });
}

std::optional<core::ticket> ticket_service::find(core::ticket_id id) {
    std::optional<core::ticket> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.tickets().find_ticket(id); });
    return out;
}

std::optional<core::ticket> ticket_service::find_by_channel(core::channel_id channel) {
    std::optional<core::ticket> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.tickets().find_by_channel(channel); });
    return out;
}

std::vector<core::ticket_event> ticket_service::events(core::ticket_id id) {
    std::vector<core::ticket_event> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.tickets().ticket_events(id); });
    return out;
}

core::result<core::ticket, rejection> ticket_service::add_participant(const actor& by, core::ticket_id id, core::user_id who) {
    return change(id, {{}, core::ticket_event_kind::participant_added, by.user, who}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (!by.staff && by.user != t.opener) return rejection::not_participant;
        if (t.is_member(who)) return false;
        if (t.participants.size() >= core::ticket_participants_max) return rejection::participant_limit_reached;
        t.participants.push_back(who);
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::remove_participant(const actor& by, core::ticket_id id,
                                                                        core::user_id who) {
    return change(id, {{}, core::ticket_event_kind::participant_removed, by.user, who}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (!by.staff && by.user != t.opener) return rejection::not_participant;
        const auto it = std::find(t.participants.begin(), t.participants.end(), who);
        if (it == t.participants.end()) return rejection::not_participant;
        t.participants.erase(it);
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::claim(const actor& by, core::ticket_id id) {
    if (!by.staff) return rejection::not_staff;
    return change(id, {{}, core::ticket_event_kind::claimed, by.user}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (t.claimed_by == by.user) return false;
        if (t.claimed_by) return rejection::ticket_already_claimed;
        t.status = core::ticket_status::claimed;
        t.claimed_by = by.user;
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::unclaim(const actor& by, core::ticket_id id) {
    if (!by.staff) return rejection::not_staff;
    return change(id, {{}, core::ticket_event_kind::unclaimed, by.user}, [&](auto&, core::ticket& t, auto& event, auto) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (!t.claimed_by) return rejection::ticket_not_claimed;
        event.subject = t.claimed_by;
        t.status = core::ticket_status::open;
        t.claimed_by.reset();
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::transfer(const actor& by, core::ticket_id id, core::user_id to) {
    if (!by.staff) return rejection::not_staff;
    return change(id, {{}, core::ticket_event_kind::transferred, by.user, to}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (t.claimed_by == to) return false;
        t.status = core::ticket_status::claimed;
        t.claimed_by = to;
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::rename(const actor& by, core::ticket_id id, std::string subject) {
    if (auto bad = check_text(subject, core::ticket_subject_length_max, false)) return *bad;
    return change(id, {{}, core::ticket_event_kind::renamed, by.user, std::nullopt, subject},
                  [&](auto&, core::ticket& t, auto&, auto) -> changed {
                      if (!core::is_active(t.status)) return rejection::ticket_closed;
                      if (!by.staff && by.user != t.opener) return rejection::not_participant;
                      if (t.subject == subject) return false;
                      t.subject = subject;
                      return true;
                  });
}

core::result<core::ticket, rejection> ticket_service::record_activity(core::ticket_id id, const actor& author) {
    // Activity is not an event of its own (it would flood the log); the ticket's times carry it.
    return detail::transact<core::ticket>(store_, [&](ports::unit_of_work& uow) -> outcome {
        auto t = uow.tickets().find_ticket(id);
        if (!t) return rejection::unknown_ticket;
        if (!core::is_active(t->status)) return rejection::ticket_closed;
        const auto now = config_.time().now();
        if (author.staff) {
            t->last_staff_activity = now;
            if (!t->first_staff_response) {
                t->first_staff_response = now;
                t->first_responder = author.user;
            }
        } else if (t->is_member(author.user)) {
            t->last_member_activity = now;
            t->inactivity_warned_at.reset();
        } else {
            return *t;
        }
        if (!uow.tickets().update_ticket(*t, t->status)) return rejection::forbidden_transition;
        return *t;
    });
}

core::result<core::ticket, rejection> ticket_service::keep_open(const actor& by, core::ticket_id id) {
    return change(id, {{}, core::ticket_event_kind::kept_open, by.user}, [&](auto&, core::ticket& t, auto&, auto now) -> changed {
        if (!core::is_active(t.status)) return rejection::ticket_closed;
        if (!by.staff && !t.is_member(by.user)) return rejection::not_participant;
        t.last_member_activity = now;
        t.inactivity_warned_at.reset();
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::close(const actor& by, core::ticket_id id, std::string reason,
                                                           bool confirmed) {
    if (auto bad = check_text(reason, core::ticket_reason_length_max, true)) return *bad;
    return change(id, {{}, core::ticket_event_kind::closed, by.user, std::nullopt, reason},
                  [&](auto&, core::ticket& t, auto&, auto now) -> changed {
                      if (!core::is_active(t.status)) return rejection::ticket_closed;
                      if (!by.staff && by.user != t.opener) return rejection::not_participant;
                      if (!by.staff && !confirmed) return rejection::confirmation_required;
                      t.status = core::ticket_status::closed;
                      t.closed_at = now;
                      t.closed_by = by.user;
                      t.close_reason = reason;
                      return true;
                  });
}

core::result<core::ticket, rejection> ticket_service::reopen(const actor& by, core::ticket_id id) {
    return change(id, {{}, core::ticket_event_kind::reopened, by.user}, [&](ports::unit_of_work& uow, core::ticket& t, auto&,
                                                                            auto now) -> changed {
        if (t.status != core::ticket_status::closed) return rejection::ticket_not_closed;
        if (!by.staff && !t.is_member(by.user)) return rejection::not_participant;
        const core::ticket_type* type = find_type(t.type);
        if (!by.staff && (type == nullptr || !core::within_reopen_window(t, *type, now))) {
            return rejection::reopen_window_closed;
        }
        // Reopening counts against the opener's limits like opening does.
        const int per_type = type != nullptr ? type->max_open_per_member : 1;
        if (uow.tickets().count_active(t.opener, t.type) >= per_type ||
            uow.tickets().count_active(t.opener, std::nullopt) >= config_.tickets.max_open_per_member) {
            return rejection::ticket_limit_reached;
        }
        t.status = core::ticket_status::open;
        t.claimed_by.reset();
        t.closed_at.reset();
        t.closed_by.reset();
        t.close_reason.clear();
        t.inactivity_warned_at.reset();
        t.last_member_activity = now;
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::remove(const actor& by, core::ticket_id id) {
    if (!by.staff) return rejection::not_staff;
    return change(id, {{}, core::ticket_event_kind::deleted, by.user}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (t.status != core::ticket_status::closed) return rejection::ticket_not_closed;
        t.status = core::ticket_status::deleted;
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::link_order(core::ticket_id id, core::order_id order,
                                                               std::optional<core::payment_session_id> session) {
    return detail::transact<core::ticket>(store_, [&](ports::unit_of_work& uow) -> outcome {
        auto t = uow.tickets().find_ticket(id);
        if (!t) return rejection::unknown_ticket;
        if (!core::is_active(t->status)) return rejection::ticket_closed;
        t->order = order;
        if (session) t->payment_session = session;
        if (!uow.tickets().update_ticket(*t, t->status)) return rejection::forbidden_transition;
        return *t;
    });
}

core::result<core::ticket, rejection> ticket_service::abandon(core::ticket_id id, std::string reason) {
    if (auto bad = check_text(reason, core::ticket_reason_length_max, true)) return *bad;
    return change(id, {{}, core::ticket_event_kind::closed, std::nullopt, std::nullopt, reason},
                  [&](auto&, core::ticket& t, auto&, auto now) -> changed {
                      if (!core::is_active(t.status)) return rejection::ticket_closed;
                      t.status = core::ticket_status::closed;
                      t.closed_at = now;
                      t.closed_by.reset();
                      t.close_reason = reason;
                      return true;
                  });
}

core::result<core::ticket, rejection> ticket_service::expire(core::ticket_id id) {
    return change(id, {{}, core::ticket_event_kind::deleted}, [&](auto&, core::ticket& t, auto&, auto) -> changed {
        if (t.status != core::ticket_status::closed) return rejection::ticket_not_closed;
        t.status = core::ticket_status::deleted;
        return true;
    });
}

core::result<core::ticket, rejection> ticket_service::rate(const actor& by, core::ticket_id id, int rating, std::string comment) {
    if (rating < core::ticket_rating_min || rating > core::ticket_rating_max) return rejection::invalid_rating;
    if (auto bad = check_text(comment, core::ticket_comment_length_max, true)) return *bad;
    return change(id, {{}, core::ticket_event_kind::rated, by.user, std::nullopt, std::to_string(rating) + " " + comment},
                  [&](auto&, core::ticket& t, auto&, auto) -> changed {
                      if (by.user != t.opener) return rejection::not_owner;
                      if (t.status != core::ticket_status::closed && t.status != core::ticket_status::deleted) {
                          return rejection::ticket_not_closed;
                      }
                      if (t.rating) return rejection::feedback_already_given;
                      t.rating = rating;
                      t.rating_comment = comment;
                      return true;
                  });
}

sweep_outcome ticket_service::sweep(std::size_t limit) {
    sweep_outcome out;
    // The shortest warn_after over all types bounds which tickets can be due at all.
    if (config_.ticket_types.empty()) return out;
    auto shortest = config_.ticket_types.front().warn_after;
    for (const auto& type : config_.ticket_types) shortest = std::min(shortest, type.warn_after);
    const auto now = config_.time().now();
    std::optional<core::ticket_id> after;
    constexpr std::size_t page = 500;
    while (out.examined < limit) {
        std::vector<core::ticket> batch;
        store_.read([&](ports::unit_of_work& uow) {
            batch = uow.tickets().list_silent(now - shortest, after, std::min(page, limit - out.examined));
        });
        if (batch.empty()) break;
        after = batch.back().id;
        out.examined += batch.size();
        for (const auto& candidate : batch) {
            const core::ticket_type* type = find_type(candidate.type);
            if (type == nullptr) continue;  // a type removed from the config: staff close those by hand
            // Decide again inside the write transaction: the member may have written meanwhile.
            std::optional<core::ticket> acted;
            core::ticket_event_kind kind = core::ticket_event_kind::warned;
            store_.transact([&](ports::unit_of_work& uow) {
                auto t = uow.tickets().find_ticket(candidate.id);
                if (!t) return ports::tx_outcome::rollback;
                // Live: submitted (staff must look at the proof) or open and not yet expired.
                const auto is_live = [&](const std::optional<core::payment_session>& s) {
                    return s && (s->status == core::payment_session_status::submitted ||
                                 (s->status == core::payment_session_status::open && now < s->expires_at));
                };
                bool live = t->order && is_live(uow.payment_sessions().live_for(*t->order));
                if (!live && t->payment_session) live = is_live(uow.payment_sessions().find_session(*t->payment_session));
                const auto action = core::sweep_decision(*t, *type, now, live);
                if (action == core::sweep_action::none) return ports::tx_outcome::rollback;
                const auto before = t->status;
                if (action == core::sweep_action::warn) {
                    t->inactivity_warned_at = now;
                } else {
                    kind = core::ticket_event_kind::closed;
                    t->status = core::ticket_status::closed;
                    t->closed_at = now;
                    t->closed_by.reset();
                    t->close_reason = "Closed after " + std::to_string(
                        std::chrono::duration_cast<std::chrono::hours>(type->close_after).count()) + " hours without a reply";
                }
                if (!uow.tickets().update_ticket(*t, before)) return ports::tx_outcome::rollback;
                record(uow, config_, *t, {t->id, kind, std::nullopt, std::nullopt, t->close_reason, now});
                acted = *t;
                return ports::tx_outcome::commit;
            });
            if (!acted) continue;
            (kind == core::ticket_event_kind::warned ? out.warned : out.closed).push_back(std::move(*acted));
        }
    }
    return out;
}

std::vector<core::ticket> ticket_service::due_for_deletion(std::size_t limit) {
    std::vector<core::ticket> out;
    const auto now = config_.time().now();
    store_.read([&](ports::unit_of_work& uow) {
        for (const auto& type : config_.ticket_types) {
            if (out.size() >= limit) break;
            auto due = uow.tickets().list_closed_before(type.key, now - type.delete_after_close, limit - out.size());
            for (auto& t : due) out.push_back(std::move(t));
        }
    });
    return out;
}

ticket_stats ticket_service::stats(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to) {
    ports::ticket_figures f;
    store_.read([&](ports::unit_of_work& uow) { f = uow.tickets().figures(from, to); });
    ticket_stats out;
    out.opened = f.opened;
    out.closed = f.closed;
    out.median_first_response = core::median(std::move(f.first_responses));
    out.average_rating_centi = average_centi(f.ratings_sum, f.ratings_count);
    out.ratings = f.ratings_count;
    for (auto& [user, s] : f.staff) {
        staff_ticket_stats row;
        row.staff = user;
        row.claimed = s.claimed;
        row.closed = s.closed;
        row.median_first_response = core::median(std::move(s.first_responses));
        row.average_rating_centi = average_centi(s.ratings_sum, s.ratings_count);
        row.ratings = s.ratings_count;
        out.staff.push_back(row);
    }
    return out;
}

std::optional<std::chrono::system_clock::time_point> ticket_service::deposit_cooldown_until(core::user_id member) {
    std::optional<std::chrono::system_clock::time_point> out;
    store_.read([&](ports::unit_of_work& uow) { out = detail::cooldown_until(uow, config_, "deposits", member, config_.time().now()); });
    return out;
}

}  // namespace apexcore::services
