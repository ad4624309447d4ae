#pragma once
// Private to the sqlite adapter: the outbox (migration v6). Facts are stored as one JSON object
// of strings, written here (a flat object needs only string escaping) and read back with
// SQLite's json_each. Included by unit_of_work.cpp only.
#include "repository_base.hpp"

#include <apexcore/core/text.hpp>

namespace apexcore::sqlite::detail {

/// `text` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control characters
/// escaped; `text` must be valid UTF-8 (the caller repairs it).
inline void append_json_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xF];
        } else {
            out += c;
        }
    }
    out += '"';
}

/// The facts as a JSON object of strings.
inline std::string facts_json(const core::outbox_facts& facts) {
    std::string out = "{";
    for (const auto& [name, value] : facts) {
        if (out.size() > 1) out += ',';
        append_json_string(out, name);
        out += ':';
        append_json_string(out, core::is_valid_utf8(value) ? std::string_view(value) : std::string_view(core::to_valid_utf8(value)));
    }
    out += '}';
    return out;
}

constexpr std::string_view outbox_select =
    "SELECT id, kind, topic, recipient_id, event, facts, status, attempts, next_attempt_at_ms, last_error, channel_id, "
    "message_id, created_at_ms, sent_at_ms, dedup_key FROM outbox";

class outbox_repository_impl final : public ports::outbox_repository, repository_base {
public:
    using repository_base::repository_base;

    std::optional<ports::outbox_enqueued> enqueue(const core::outbox_draft& d, std::int64_t max_pending) override {
        require_writable();
        if (!core::is_valid(d)) throw ports::store_error("outbox: invalid entry for event '" + d.event.substr(0, 64) + "'");
        if (!d.dedup_key.empty()) {
            auto& seen = db_.prepare("SELECT id FROM outbox WHERE dedup_key = ?");
            seen.bind(1, d.dedup_key);
            std::optional<core::outbox_id> existing;
            if (seen.step()) existing = core::outbox_id{seen.int64(0)};
            seen.reset();
            if (existing) return ports::outbox_enqueued{*existing, true};
        }
        // max(id) - min(id) + 1 over the pending index bounds their number from above in two
        // index probes (COUNT(*) would walk them all on every purchase).
        auto& bound = db_.prepare(
            "SELECT COALESCE((SELECT id FROM outbox WHERE status = 'pending' ORDER BY id DESC LIMIT 1) - "
            "(SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1) + 1, 0)");
        bound.step();
        const std::int64_t pending = bound.int64(0);
        bound.reset();
        if (pending >= max_pending) return std::nullopt;
        const std::int64_t now = now_ms();
        db_.prepare("INSERT INTO outbox (kind, topic, recipient_id, event, facts, next_attempt_at_ms, created_at_ms, dedup_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, core::to_string(d.kind))
            .bind(2, core::to_string(d.topic))
            .bind(3, opt_user(d.recipient))
            .bind(4, d.event)
            .bind(5, facts_json(d.facts))
            .bind(6, now)
            .bind(7, now)
            .bind(8, d.dedup_key.empty() ? std::optional<std::string>() : std::optional<std::string>(d.dedup_key))
            .run();
        return ports::outbox_enqueued{core::outbox_id{db_.last_insert_rowid()}, false};
    }

    std::vector<core::outbox_entry> claim_due(time_point now, time_point lease_until, std::size_t limit) override {
        require_writable();
        auto& s = db_.prepare(std::string(outbox_select) +
                              " WHERE status = 'pending' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, id LIMIT ?");
        s.bind(1, to_ms(now)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<core::outbox_entry> out;
        while (s.step()) out.push_back(read(s));
        for (auto& e : out) {
            db_.prepare("UPDATE outbox SET next_attempt_at_ms = ? WHERE id = ?").bind(1, to_ms(lease_until)).bind(2, e.id.value).run();
            e.next_attempt_at = lease_until;
        }
        return out;
    }

    bool mark_sent(core::outbox_id id, time_point at, std::optional<core::channel_id> channel,
                   std::optional<core::message_id> message, const std::string& note) override {
        require_writable();
        db_.prepare("UPDATE outbox SET status = 'sent', sent_at_ms = ?, channel_id = ?, message_id = ?, last_error = ?, "
                    "attempts = attempts + 1 WHERE id = ? AND status = 'pending'")
            .bind(1, to_ms(at))
            .bind(2, channel ? std::optional<std::int64_t>(to_db(channel->value)) : std::nullopt)
            .bind(3, message ? std::optional<std::int64_t>(to_db(message->value)) : std::nullopt)
            .bind(4, clip(note))
            .bind(5, id.value)
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    bool reschedule(core::outbox_id id, time_point next_attempt, const std::string& error, bool count_attempt) override {
        require_writable();
        db_.prepare("UPDATE outbox SET next_attempt_at_ms = ?, last_error = ?, attempts = attempts + ? "
                    "WHERE id = ? AND status = 'pending'")
            .bind(1, to_ms(next_attempt))
            .bind(2, clip(error))
            .bind(3, std::int64_t{count_attempt ? 1 : 0})
            .bind(4, id.value)
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    bool mark_failed(core::outbox_id id, const std::string& error) override {
        require_writable();
        db_.prepare("UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1 "
                    "WHERE id = ? AND status = 'pending'")
            .bind(1, clip(error))
            .bind(2, id.value)
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    std::optional<core::outbox_entry> find_outbox(core::outbox_id id) override {
        auto& s = db_.prepare(std::string(outbox_select) + " WHERE id = ?");
        s.bind(1, id.value);
        std::optional<core::outbox_entry> out;
        if (s.step()) out = read(s);
        s.reset();
        return out;
    }

    core::outbox_stats outbox_stats() override {
        core::outbox_stats out;
        auto& s = db_.prepare(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'), (SELECT COUNT(*) FROM outbox WHERE status = 'failed'), "
            "(SELECT created_at_ms FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1)");
        s.step();
        out.pending = s.int64(0);
        out.failed = s.int64(1);
        out.oldest_pending = read_opt_ms(s, 2);
        s.reset();
        return out;
    }

    std::size_t purge_sent(time_point before, std::size_t limit) override {
        require_writable();
        db_.prepare("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND sent_at_ms < ? LIMIT ?)")
            .bind(1, to_ms(before))
            .bind(2, static_cast<std::int64_t>(limit))
            .run();
        return static_cast<std::size_t>(sqlite3_changes(db_.native()));
    }

private:
    static std::string clip(const std::string& text) {
        return core::truncate_utf8_bytes(text, core::outbox_error_length_max);
    }

    core::outbox_entry read(statement& s) {
        core::outbox_entry e;
        e.id = core::outbox_id{s.int64(0)};
        e.draft.kind = parse_stored<core::outbox_kind>(s.text(1), core::parse_outbox_kind, "outbox kind");
        e.draft.topic = parse_stored<core::log_topic>(s.text(2), core::parse_log_topic, "outbox topic");
        e.draft.recipient = read_opt_user(s, 3);
        e.draft.event = s.text(4);
        const std::string facts = s.text(5);
        const std::string status = s.text(6);
        e.status = status == "sent" ? core::outbox_status::sent
                   : status == "failed" ? core::outbox_status::failed
                                        : core::outbox_status::pending;
        e.attempts = s.int64(7);
        e.next_attempt_at = from_ms(s.int64(8));
        e.last_error = s.text(9);
        if (!s.is_null(10)) e.channel = core::channel_id{from_db(s.int64(10))};
        if (!s.is_null(11)) e.message = core::message_id{from_db(s.int64(11))};
        e.created_at = from_ms(s.int64(12));
        e.sent_at = read_opt_ms(s, 13);
        if (!s.is_null(14)) e.draft.dedup_key = s.text(14);
        if (facts != "{}") {
            auto& f = db_.prepare("SELECT key, value FROM json_each(?)");
            f.bind(1, facts);
            while (f.step()) e.draft.facts.emplace(f.text(0), f.text(1));
        }
        return e;
    }
};

}  // namespace apexcore::sqlite::detail
