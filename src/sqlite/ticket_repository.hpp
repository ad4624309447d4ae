#pragma once
// Private to the sqlite adapter: support tickets with their participants, answers and
// insert-only event log (migration v5). Included by unit_of_work.cpp only.
#include "repository_base.hpp"

#include <map>

namespace apexcore::sqlite::detail {

constexpr std::string_view ticket_select =
    "SELECT id, type, status, opener_id, channel_id, subject, claimed_by, opened_at_ms, last_member_activity_ms, "
    "last_staff_activity_ms, first_staff_response_ms, first_responder_id, warned_at_ms, closed_at_ms, closed_by, "
    "close_reason, order_id, payment_session_id, refund_id, rating, rating_comment FROM tickets";

class ticket_repository_impl final : public ports::ticket_repository, repository_base {
public:
    using repository_base::repository_base;

    core::ticket insert_ticket(const core::ticket& in) override {
        require_writable();
        db_.prepare("INSERT INTO tickets (type, status, opener_id, channel_id, subject, opened_at_ms, "
                    "last_member_activity_ms, order_id, payment_session_id, refund_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, in.type)
            .bind(2, core::to_string(in.status))
            .bind(3, to_db(in.opener.value))
            .bind(4, opt_channel(in.channel))
            .bind(5, in.subject)
            .bind(6, to_ms(in.opened_at))
            .bind(7, to_ms(in.last_member_activity))
            .bind(8, opt_row(in.order))
            .bind(9, opt_row(in.payment_session))
            .bind(10, opt_row(in.refund))
            .run();
        core::ticket out = in;
        out.id = core::ticket_id{db_.last_insert_rowid()};
        write_participants(out);
        for (std::size_t i = 0; i < out.answers.size(); ++i) {
            db_.prepare("INSERT INTO ticket_answers (ticket_id, position, question, answer) VALUES (?, ?, ?, ?)")
                .bind(1, out.id.value)
                .bind(2, static_cast<std::int64_t>(i))
                .bind(3, out.answers[i].question)
                .bind(4, out.answers[i].answer)
                .run();
        }
        return out;
    }

    std::optional<core::ticket> find_ticket(core::ticket_id id) override { return find_one(" WHERE id = ?", id.value); }

    std::optional<core::ticket> find_by_channel(core::channel_id channel) override {
        return find_one(" WHERE channel_id = ?", to_db(channel.value));
    }

    std::int64_t count_active(core::user_id opener, const std::optional<std::string>& type) override {
        auto& s = db_.prepare(
            "SELECT COUNT(*) FROM tickets WHERE opener_id = ? AND status IN ('open', 'claimed') AND (? IS NULL OR type = ?)");
        s.bind(1, to_db(opener.value)).bind(2, type).bind(3, type);
        s.step();
        const std::int64_t n = s.int64(0);
        s.reset();
        return n;
    }

    std::vector<time_point> opened_times_since(core::user_id opener, const std::string& type, time_point since,
                                               std::size_t limit) override {
        auto& s = db_.prepare(
            "SELECT opened_at_ms FROM tickets WHERE opener_id = ? AND opened_at_ms > ? AND type = ? AND "
            "NOT (channel_id IS NULL AND status IN ('closed', 'deleted')) ORDER BY opened_at_ms LIMIT ?");
        s.bind(1, to_db(opener.value)).bind(2, to_ms(since)).bind(3, type).bind(4, static_cast<std::int64_t>(limit));
        std::vector<time_point> out;
        while (s.step()) out.push_back(from_ms(s.int64(0)));
        return out;
    }

    std::optional<time_point> last_opened(core::user_id opener, const std::string& type) override {
        // A ticket that was closed before it ever had a channel (the platform refused to make
        // one) is the shop's failure, not the member's: it does not start a cooldown.
        auto& s = db_.prepare(
            "SELECT MAX(opened_at_ms) FROM tickets WHERE opener_id = ? AND type = ? AND "
            "NOT (channel_id IS NULL AND status IN ('closed', 'deleted'))");
        s.bind(1, to_db(opener.value)).bind(2, type);
        s.step();
        auto out = read_opt_ms(s, 0);
        s.reset();
        return out;
    }

    bool update_ticket(const core::ticket& t, core::ticket_status expected) override {
        require_writable();
        db_.prepare("UPDATE tickets SET status = ?, channel_id = ?, subject = ?, claimed_by = ?, last_member_activity_ms = ?, "
                    "last_staff_activity_ms = ?, first_staff_response_ms = ?, first_responder_id = ?, warned_at_ms = ?, "
                    "closed_at_ms = ?, closed_by = ?, close_reason = ?, order_id = ?, payment_session_id = ?, refund_id = ?, "
                    "rating = ?, rating_comment = ? WHERE id = ? AND status = ?")
            .bind(1, core::to_string(t.status))
            .bind(2, opt_channel(t.channel))
            .bind(3, t.subject)
            .bind(4, opt_user(t.claimed_by))
            .bind(5, to_ms(t.last_member_activity))
            .bind(6, opt_ms(t.last_staff_activity))
            .bind(7, opt_ms(t.first_staff_response))
            .bind(8, opt_user(t.first_responder))
            .bind(9, opt_ms(t.inactivity_warned_at))
            .bind(10, opt_ms(t.closed_at))
            .bind(11, opt_user(t.closed_by))
            .bind(12, t.close_reason)
            .bind(13, opt_row(t.order))
            .bind(14, opt_row(t.payment_session))
            .bind(15, opt_row(t.refund))
            .bind(16, t.rating ? std::optional<std::int64_t>(*t.rating) : std::nullopt)
            .bind(17, t.rating_comment)
            .bind(18, t.id.value)
            .bind(19, core::to_string(expected))
            .run();
        if (sqlite3_changes(db_.native()) == 0) return false;
        db_.prepare("DELETE FROM ticket_participants WHERE ticket_id = ?").bind(1, t.id.value).run();
        write_participants(t);
        return true;
    }

    std::vector<core::ticket> list_silent(time_point silent_since, std::optional<core::ticket_id> after,
                                          std::size_t limit) override {
        auto& s = db_.prepare(std::string(ticket_select) +
                              " WHERE status IN ('open', 'claimed') AND last_member_activity_ms <= ? AND id > ? "
                              "ORDER BY id LIMIT ?");
        s.bind(1, to_ms(silent_since)).bind(2, after ? after->value : std::int64_t{0}).bind(3, static_cast<std::int64_t>(limit));
        return read_all(s);
    }

    std::vector<core::ticket> list_closed_before(const std::string& type, time_point closed_before,
                                                 std::size_t limit) override {
        auto& s = db_.prepare(std::string(ticket_select) +
                              " WHERE status = 'closed' AND type = ? AND closed_at_ms <= ? ORDER BY closed_at_ms, id LIMIT ?");
        s.bind(1, type).bind(2, to_ms(closed_before)).bind(3, static_cast<std::int64_t>(limit));
        return read_all(s);
    }

    void append_event(const core::ticket_event& e) override {
        require_writable();
        db_.prepare("INSERT INTO ticket_events (ticket_id, kind, actor_id, subject_id, note, at_ms) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, e.ticket.value)
            .bind(2, core::to_string(e.kind))
            .bind(3, opt_user(e.actor))
            .bind(4, opt_user(e.subject))
            .bind(5, e.note)
            .bind(6, to_ms(e.at))
            .run();
    }

    std::vector<core::ticket_event> ticket_events(core::ticket_id id) override {
        auto& s = db_.prepare("SELECT kind, actor_id, subject_id, note, at_ms FROM ticket_events WHERE ticket_id = ? ORDER BY id");
        s.bind(1, id.value);
        std::vector<core::ticket_event> out;
        while (s.step()) {
            core::ticket_event e;
            e.ticket = id;
            e.kind = parse_stored<core::ticket_event_kind>(s.text(0), core::parse_ticket_event_kind, "ticket event");
            e.actor = read_opt_user(s, 1);
            e.subject = read_opt_user(s, 2);
            e.note = s.text(3);
            e.at = from_ms(s.int64(4));
            out.push_back(std::move(e));
        }
        return out;
    }

    ports::ticket_figures figures(time_point from, time_point to) override {
        ports::ticket_figures out;
        const std::int64_t lo = to_ms(from);
        const std::int64_t hi = to_ms(to);
        {
            auto& s = db_.prepare("SELECT COUNT(*) FROM tickets WHERE opened_at_ms >= ? AND opened_at_ms < ?");
            s.bind(1, lo).bind(2, hi);
            s.step();
            out.opened = s.int64(0);
            s.reset();
        }
        {
            // Claims (and transfers: the subject becomes the claimer) and closings in the period.
            auto& s = db_.prepare(
                "SELECT kind, CASE kind WHEN 'transferred' THEN subject_id ELSE actor_id END, COUNT(*) FROM ticket_events "
                "WHERE kind IN ('claimed', 'transferred', 'closed') AND at_ms >= ? AND at_ms < ? GROUP BY 1, 2");
            s.bind(1, lo).bind(2, hi);
            while (s.step()) {
                const std::string kind = s.text(0);
                const std::int64_t n = s.int64(2);
                if (kind == "closed") out.closed += n;
                if (s.is_null(1)) continue;  // the sweep closed it
                auto& staff = out.staff[core::user_id{from_db(s.int64(1))}];
                (kind == "closed" ? staff.closed : staff.claimed) += n;
            }
        }
        {
            // First answers and ratings of the tickets opened in the period.
            auto& s = db_.prepare(
                "SELECT first_responder_id, first_staff_response_ms - opened_at_ms, COALESCE(claimed_by, first_responder_id, "
                "closed_by), rating FROM tickets WHERE opened_at_ms >= ? AND opened_at_ms < ? AND "
                "(first_responder_id IS NOT NULL OR rating IS NOT NULL)");
            s.bind(1, lo).bind(2, hi);
            while (s.step()) {
                if (!s.is_null(0) && !s.is_null(1)) {
                    const std::chrono::seconds waited(std::max<std::int64_t>(0, s.int64(1)) / 1000);
                    out.first_responses.push_back(waited);
                    out.staff[core::user_id{from_db(s.int64(0))}].first_responses.push_back(waited);
                }
                if (!s.is_null(3)) {
                    out.ratings_sum += s.int64(3);
                    ++out.ratings_count;
                    if (!s.is_null(2)) {
                        auto& staff = out.staff[core::user_id{from_db(s.int64(2))}];
                        staff.ratings_sum += s.int64(3);
                        ++staff.ratings_count;
                    }
                }
            }
        }
        return out;
    }

private:
    static std::optional<std::int64_t> opt_channel(const std::optional<core::channel_id>& c) {
        return c ? std::optional<std::int64_t>(to_db(c->value)) : std::nullopt;
    }

    void write_participants(const core::ticket& t) {
        for (std::size_t i = 0; i < t.participants.size(); ++i) {
            db_.prepare("INSERT OR IGNORE INTO ticket_participants (ticket_id, user_id, position) VALUES (?, ?, ?)")
                .bind(1, t.id.value)
                .bind(2, to_db(t.participants[i].value))
                .bind(3, static_cast<std::int64_t>(i))
                .run();
        }
    }

    std::optional<core::ticket> find_one(const char* where, std::int64_t value) {
        auto& s = db_.prepare(std::string(ticket_select) + where);
        s.bind(1, value);
        if (!s.step()) return std::nullopt;
        core::ticket out = read_row(s);
        s.reset();
        load_children(out);
        return out;
    }

    std::vector<core::ticket> read_all(statement& s) {
        std::vector<core::ticket> out;
        while (s.step()) out.push_back(read_row(s));
        for (auto& t : out) load_children(t);
        return out;
    }

    void load_children(core::ticket& t) {
        auto& p = db_.prepare("SELECT user_id FROM ticket_participants WHERE ticket_id = ? ORDER BY position");
        p.bind(1, t.id.value);
        while (p.step()) t.participants.push_back(core::user_id{from_db(p.int64(0))});
        auto& a = db_.prepare("SELECT question, answer FROM ticket_answers WHERE ticket_id = ? ORDER BY position");
        a.bind(1, t.id.value);
        while (a.step()) t.answers.push_back({a.text(0), a.text(1)});
    }

    static core::ticket read_row(statement& s) {
        core::ticket t;
        t.id = core::ticket_id{s.int64(0)};
        t.type = s.text(1);
        t.status = parse_stored<core::ticket_status>(s.text(2), core::parse_ticket_status, "ticket status");
        t.opener = core::user_id{from_db(s.int64(3))};
        if (!s.is_null(4)) t.channel = core::channel_id{from_db(s.int64(4))};
        t.subject = s.text(5);
        t.claimed_by = read_opt_user(s, 6);
        t.opened_at = from_ms(s.int64(7));
        t.last_member_activity = from_ms(s.int64(8));
        t.last_staff_activity = read_opt_ms(s, 9);
        t.first_staff_response = read_opt_ms(s, 10);
        t.first_responder = read_opt_user(s, 11);
        t.inactivity_warned_at = read_opt_ms(s, 12);
        t.closed_at = read_opt_ms(s, 13);
        t.closed_by = read_opt_user(s, 14);
        t.close_reason = s.text(15);
        if (!s.is_null(16)) t.order = core::order_id{s.int64(16)};
        if (!s.is_null(17)) t.payment_session = core::payment_session_id{s.int64(17)};
        if (!s.is_null(18)) t.refund = core::refund_id{s.int64(18)};
        if (!s.is_null(19)) t.rating = static_cast<int>(s.int64(19));
        t.rating_comment = s.text(20);
        return t;
    }
};

}  // namespace apexcore::sqlite::detail
