#pragma once
// Private to the sqlite adapter: payment sessions with their audit trail, and license keys.
// Included by unit_of_work.cpp only.
#include "repository_base.hpp"

namespace apexcore::sqlite::detail {

constexpr std::string_view session_select =
    "SELECT id, order_id, customer_id, method, status, transaction_id, contact, notes, proof_url, reason, staff_id, "
    "created_at_ms, expires_at_ms, updated_at_ms FROM payment_sessions";
constexpr std::string_view key_select =
    "SELECT id, product_id, key_text, status, order_id, customer_id, requested_by, created_at_ms, updated_at_ms "
    "FROM license_keys";

class payment_session_repository_impl final : public ports::payment_session_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- payment sessions ----------------------------------------------------------------
    core::payment_session insert_session(const core::payment_session& in) override {
        require_writable();
        const std::int64_t now = now_ms();
        db_.prepare("INSERT INTO payment_sessions (order_id, customer_id, method, status, transaction_id, contact, notes, "
                    "proof_url, created_at_ms, expires_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, in.order.value)
            .bind(2, to_db(in.customer.value))
            .bind(3, in.method)
            .bind(4, core::to_string(in.status))
            .bind(5, in.transaction_id)
            .bind(6, in.contact)
            .bind(7, in.notes)
            .bind(8, in.proof_url)
            .bind(9, now)
            .bind(10, to_ms(in.expires_at))
            .bind(11, now)
            .run();
        core::payment_session out = in;
        out.id = core::payment_session_id{db_.last_insert_rowid()};
        out.created_at = from_ms(now);
        out.updated_at = out.created_at;
        return out;
    }

    std::optional<core::payment_session> find_session(core::payment_session_id id) override {
        auto& s = db_.prepare(std::string(session_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto out = read_session(s);
        s.reset();
        return out;
    }

    std::optional<core::payment_session> live_for(core::order_id order) override {
        auto& s = db_.prepare(std::string(session_select) + " WHERE order_id = ? AND status IN ('open', 'submitted')");
        s.bind(1, order.value);
        if (!s.step()) return std::nullopt;
        auto out = read_session(s);
        s.reset();
        return out;
    }

    bool update_session(const core::payment_session& in, core::payment_session_status expected) override {
        require_writable();
        db_.prepare("UPDATE payment_sessions SET status = ?, transaction_id = ?, contact = ?, notes = ?, proof_url = ?, "
                    "reason = ?, staff_id = ?, expires_at_ms = ?, updated_at_ms = ? WHERE id = ? AND status = ?")
            .bind(1, core::to_string(in.status))
            .bind(2, in.transaction_id)
            .bind(3, in.contact)
            .bind(4, in.notes)
            .bind(5, in.proof_url)
            .bind(6, in.reason)
            .bind(7, opt_user(in.staff))
            .bind(8, to_ms(in.expires_at))
            .bind(9, now_ms())
            .bind(10, in.id.value)
            .bind(11, core::to_string(expected))
            .run();
        return sqlite3_changes(db_.native()) > 0;
    }

    std::vector<core::payment_session> expired_open(time_point now, std::size_t limit) override {
        auto& s = db_.prepare(std::string(session_select) +
                              " WHERE status = 'open' AND expires_at_ms <= ? ORDER BY expires_at_ms, id LIMIT ?");
        s.bind(1, to_ms(now)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<core::payment_session> out;
        while (s.step()) out.push_back(read_session(s));
        return out;
    }

    std::vector<core::payment_session> list_submitted(std::size_t limit) override {
        auto& s = db_.prepare(std::string(session_select) + " WHERE status = 'submitted' ORDER BY updated_at_ms, id LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        std::vector<core::payment_session> out;
        while (s.step()) out.push_back(read_session(s));
        return out;
    }

    void audit(const core::payment_session_event& e) override {
        require_writable();
        db_.prepare("INSERT INTO payment_session_events (session_id, from_status, to_status, actor_id, note, at_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, e.session.value)
            .bind(2, e.from ? std::optional<std::string>(std::string(core::to_string(*e.from))) : std::nullopt)
            .bind(3, core::to_string(e.to))
            .bind(4, to_db(e.actor.value))
            .bind(5, e.note)
            .bind(6, now_ms())
            .run();
    }

    std::vector<core::payment_session_event> audit_trail(core::payment_session_id id) override {
        auto& s = db_.prepare("SELECT from_status, to_status, actor_id, note, at_ms FROM payment_session_events "
                              "WHERE session_id = ? ORDER BY id");
        s.bind(1, id.value);
        std::vector<core::payment_session_event> out;
        while (s.step()) {
            core::payment_session_event e;
            e.session = id;
            if (!s.is_null(0)) {
                e.from = parse_stored<core::payment_session_status>(s.text(0), core::parse_payment_session_status,
                                                                    "session status");
            }
            e.to = parse_stored<core::payment_session_status>(s.text(1), core::parse_payment_session_status,
                                                              "session status");
            e.actor = core::user_id{from_db(s.int64(2))};
            e.note = s.text(3);
            e.at = from_ms(s.int64(4));
            out.push_back(std::move(e));
        }
        return out;
    }

private:
    static core::payment_session read_session(statement& s) {
        core::payment_session out;
        out.id = core::payment_session_id{s.int64(0)};
        out.order = core::order_id{s.int64(1)};
        out.customer = core::user_id{from_db(s.int64(2))};
        out.method = s.text(3);
        out.status = parse_stored<core::payment_session_status>(s.text(4), core::parse_payment_session_status,
                                                                "session status");
        out.transaction_id = s.text(5);
        out.contact = s.text(6);
        out.notes = s.text(7);
        out.proof_url = s.text(8);
        out.reason = s.text(9);
        out.staff = read_opt_user(s, 10);
        out.created_at = from_ms(s.int64(11));
        out.expires_at = from_ms(s.int64(12));
        out.updated_at = from_ms(s.int64(13));
        return out;
    }
};

class license_key_repository_impl final : public ports::license_key_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- license keys --------------------------------------------------------------------
    bool insert_key(core::product_id product, const std::string& key) override {
        require_writable();
        const std::int64_t now = now_ms();
        db_.prepare("INSERT INTO license_keys (product_id, key_text, status, created_at_ms, updated_at_ms) "
                    "VALUES (?, ?, 'available', ?, ?) ON CONFLICT (key_text) DO NOTHING")
            .bind(1, product.value)
            .bind(2, key)
            .bind(3, now)
            .bind(4, now)
            .run();
        return sqlite3_changes(db_.native()) > 0;
    }

    bool key_exists(const std::string& key) override {
        auto& s = db_.prepare("SELECT 1 FROM license_keys WHERE key_text = ?");
        s.bind(1, key);
        const bool found = s.step();
        s.reset();
        return found;
    }

    std::optional<core::license_key> take_available(core::product_id product, core::license_key_status to,
                                                    std::optional<core::order_id> order,
                                                    std::optional<core::user_id> customer,
                                                    std::optional<core::user_id> requested_by) override {
        require_writable();
        // One statement picks and moves the oldest available key: the write transaction holds
        // SQLite's write lock, so no other writer can pick the same row.
        auto& s = db_.prepare(
            "UPDATE license_keys SET status = ?, order_id = ?, customer_id = ?, requested_by = ?, updated_at_ms = ? "
            "WHERE id = (SELECT id FROM license_keys WHERE product_id = ? AND status = 'available' ORDER BY id LIMIT 1) "
            "RETURNING id, product_id, key_text, status, order_id, customer_id, requested_by, created_at_ms, updated_at_ms");
        s.bind(1, core::to_string(to))
            .bind(2, opt_row(order))
            .bind(3, opt_user(customer))
            .bind(4, opt_user(requested_by))
            .bind(5, now_ms())
            .bind(6, product.value);
        if (!s.step()) return std::nullopt;
        auto k = read_key(s);
        s.run();  // finish the statement so the UPDATE completes
        return k;
    }

    std::optional<core::license_key> find_key_by_id(core::license_key_id id) override {
        auto& s = db_.prepare(std::string(key_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto k = read_key(s);
        s.reset();
        return k;
    }

    std::optional<core::license_key> key_for_order(core::order_id order) override {
        auto& s = db_.prepare(std::string(key_select) + " WHERE order_id = ?");
        s.bind(1, order.value);
        if (!s.step()) return std::nullopt;
        auto k = read_key(s);
        s.reset();
        return k;
    }

    bool move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                  std::optional<core::order_id> order, std::optional<core::user_id> customer) override {
        require_writable();
        const bool clear = to == core::license_key_status::available;
        db_.prepare("UPDATE license_keys SET status = ?, order_id = ?, customer_id = ?, "
                    "requested_by = CASE WHEN ? THEN NULL ELSE requested_by END, updated_at_ms = ? "
                    "WHERE id = ? AND status = ?")
            .bind(1, core::to_string(to))
            .bind(2, clear ? std::nullopt : opt_row(order))
            .bind(3, clear ? std::nullopt : opt_user(customer))
            .bind(4, std::int64_t{clear ? 1 : 0})
            .bind(5, now_ms())
            .bind(6, id.value)
            .bind(7, core::to_string(from))
            .run();
        return sqlite3_changes(db_.native()) > 0;
    }

    std::vector<core::license_key> search_keys(const std::string& text, std::optional<core::product_id> product,
                                               std::optional<core::license_key_status> status,
                                               std::size_t limit) override {
        auto& s = db_.prepare(std::string(key_select) +
                              " WHERE (?1 = '' OR instr(key_text, ?1) > 0) AND (?2 IS NULL OR product_id = ?2) "
                              "AND (?3 IS NULL OR status = ?3) ORDER BY id LIMIT ?4");
        s.bind(1, text)
            .bind(2, opt_row(product))
            .bind(3, status ? std::optional<std::string>(std::string(core::to_string(*status))) : std::nullopt)
            .bind(4, static_cast<std::int64_t>(limit));
        std::vector<core::license_key> out;
        while (s.step()) out.push_back(read_key(s));
        return out;
    }

    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> key_stats() override {
        auto& s = db_.prepare("SELECT product_id, status, COUNT(*) FROM license_keys GROUP BY product_id, status");
        std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> out;
        while (s.step()) {
            const auto status = parse_stored<core::license_key_status>(s.text(1), core::parse_license_key_status, "key status");
            out[core::product_id{s.int64(0)}][status] = s.int64(2);
        }
        return out;
    }

private:
    static core::license_key read_key(statement& s) {
        core::license_key k;
        k.id = core::license_key_id{s.int64(0)};
        k.product = core::product_id{s.int64(1)};
        k.key = s.text(2);
        k.status = parse_stored<core::license_key_status>(s.text(3), core::parse_license_key_status, "key status");
        if (!s.is_null(4)) k.order = core::order_id{s.int64(4)};
        k.customer = read_opt_user(s, 5);
        k.requested_by = read_opt_user(s, 6);
        k.created_at = from_ms(s.int64(7));
        k.updated_at = from_ms(s.int64(8));
        return k;
    }
};

}  // namespace apexcore::sqlite::detail
