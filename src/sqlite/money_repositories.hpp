#pragma once
// Private to the sqlite adapter: wallet balances and the ledger, idempotency keys, customers' VIP standing and promo codes.
// Included by unit_of_work.cpp only.
#include "repository_base.hpp"

#include <limits>

namespace apexcore::sqlite::detail {

constexpr std::string_view ledger_select =
    "SELECT id, currency, type, amount_minor, balance_after_minor, description, order_id, staff_id, created_at_ms, "
    "user_id, ticket_id FROM wallet_ledger";

class wallet_repository_impl final : public ports::wallet_repository, public ports::idempotency_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- wallet --------------------------------------------------------------------------
    core::money balance(core::user_id user, const core::currency& currency) override {
        auto& s = db_.prepare("SELECT balance_minor FROM wallets WHERE user_id = ? AND currency = ?");
        s.bind(1, to_db(user.value)).bind(2, currency.code_string());
        const std::int64_t minor = s.step() ? s.int64(0) : 0;
        s.reset();
        return core::money{minor, currency};
    }

    core::ledger_entry append(const core::ledger_draft& d) override {
        require_writable();
        if (auto error = core::validate(d)) {
            throw ports::store_error("ledger append: invalid draft (" + std::to_string(static_cast<int>(*error)) + ")");
        }
        const core::currency& currency = d.amount.currency_of();
        const auto after = balance(d.user, currency).plus(d.amount);
        if (!after) throw ports::store_error("ledger append: balance overflow");
        if (after->is_negative()) throw ports::store_error("ledger append: balance would become negative");
        db_.prepare("INSERT INTO wallets (user_id, currency, balance_minor) VALUES (?, ?, ?) "
                    "ON CONFLICT (user_id, currency) DO UPDATE SET balance_minor = excluded.balance_minor")
            .bind(1, to_db(d.user.value))
            .bind(2, currency.code_string())
            .bind(3, after->minor_units())
            .run();
        const std::int64_t now = now_ms();
        db_.prepare("INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, "
                    "order_id, staff_id, ticket_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, to_db(d.user.value))
            .bind(2, currency.code_string())
            .bind(3, core::to_string(d.type))
            .bind(4, d.amount.minor_units())
            .bind(5, after->minor_units())
            .bind(6, d.description)
            .bind(7, opt_row(d.order))
            .bind(8, opt_user(d.staff))
            .bind(9, d.ticket ? std::optional<std::int64_t>(to_db(d.ticket->value)) : std::nullopt)
            .bind(10, now)
            .run();
        return core::ledger_entry{core::ledger_entry_id{db_.last_insert_rowid()}, d.user, d.type, d.amount, *after,
                                  d.description, d.order, d.staff, from_ms(now), d.ticket};
    }

    std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                            std::optional<core::ledger_entry_id> before) override {
        auto& s = db_.prepare(std::string(ledger_select) + " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
        s.bind(1, to_db(user.value))
            .bind(2, before ? before->value : std::numeric_limits<std::int64_t>::max())
            .bind(3, static_cast<std::int64_t>(limit));
        std::vector<core::ledger_entry> out;
        while (s.step()) out.push_back(read_entry(s));
        return out;
    }

    std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) override {
        auto& s = db_.prepare(std::string(ledger_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto e = read_entry(s);
        s.reset();
        return e;
    }

    // --- idempotency keys ----------------------------------------------------------------
    std::optional<core::idempotency_record> find_key(const std::string& key) override {
        auto& s = db_.prepare("SELECT operation, fingerprint, ledger_entry_id, order_id FROM idempotency_keys WHERE key = ?");
        s.bind(1, key);
        if (!s.step()) return std::nullopt;
        core::idempotency_record r{key, s.text(0), s.text(1), read_opt_int(s, 2), read_opt_int(s, 3)};
        return r;
    }

    void record_key(const core::idempotency_record& r) override {
        require_writable();
        db_.prepare("INSERT INTO idempotency_keys (key, operation, fingerprint, ledger_entry_id, order_id, created_at_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, r.key)
            .bind(2, r.operation)
            .bind(3, r.fingerprint)
            .bind(4, r.ledger_entry)
            .bind(5, r.order)
            .bind(6, now_ms())
            .run();
    }

private:
    core::ledger_entry read_entry(statement& s) {
        const core::currency currency = currency_from_db(s.text(1));
        core::ledger_entry e;
        e.id = core::ledger_entry_id{s.int64(0)};
        e.user = core::user_id{from_db(s.int64(9))};
        e.type = parse_stored<core::ledger_entry_type>(s.text(2), core::parse_ledger_entry_type, "ledger type");
        e.amount = core::money{s.int64(3), currency};
        e.balance_after = core::money{s.int64(4), currency};
        e.description = s.text(5);
        if (!s.is_null(6)) e.order = core::order_id{s.int64(6)};
        e.staff = read_opt_user(s, 7);
        e.created_at = from_ms(s.int64(8));
        if (!s.is_null(10)) e.ticket = core::channel_id{from_db(s.int64(10))};
        return e;
    }
};


class customer_repository_impl final : public ports::customer_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- customers -----------------------------------------------------------------------
    core::customer_profile profile(core::user_id user) override {
        core::customer_profile p{user, 0, 0, {}};
        auto& s = db_.prepare("SELECT lifetime_spend_minor, completed_purchases FROM customers WHERE user_id = ?");
        s.bind(1, to_db(user.value));
        if (s.step()) {
            p.lifetime_spend_minor = s.int64(0);
            p.completed_purchases = s.int64(1);
        }
        s.reset();
        auto& r = db_.prepare("SELECT role_id FROM customer_roles WHERE user_id = ?");
        r.bind(1, to_db(user.value));
        while (r.step()) p.held_roles.insert(core::role_id{from_db(r.int64(0))});
        return p;
    }

    void add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) override {
        require_writable();
        db_.prepare("INSERT INTO customers (user_id, lifetime_spend_minor, completed_purchases, updated_at_ms) "
                    "VALUES (?1, min(max(?2, 0), ?5), max(?3, 0), ?4) ON CONFLICT (user_id) DO UPDATE SET "
                    "lifetime_spend_minor = min(max(lifetime_spend_minor + ?2, 0), ?5), "
                    "completed_purchases = max(completed_purchases + ?3, 0), updated_at_ms = ?4")
            .bind(1, to_db(user.value))
            .bind(2, spend_delta_minor)
            .bind(3, purchases_delta)
            .bind(4, now_ms())
            .bind(5, core::amount_minor_max)
            .run();
    }

    void apply_roles(core::user_id user, const core::tier_changes& changes) override {
        require_writable();
        for (const auto& role : changes.grant) {
            db_.prepare("INSERT OR IGNORE INTO customer_roles (user_id, role_id, granted_at_ms) VALUES (?, ?, ?)")
                .bind(1, to_db(user.value))
                .bind(2, to_db(role.value))
                .bind(3, now_ms())
                .run();
        }
        for (const auto& role : changes.revoke) {
            db_.prepare("DELETE FROM customer_roles WHERE user_id = ? AND role_id = ?")
                .bind(1, to_db(user.value))
                .bind(2, to_db(role.value))
                .run();
        }
    }

};

class promo_repository_impl final : public ports::promo_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- promo codes ---------------------------------------------------------------------
    std::vector<core::promo_code> list_promos(std::size_t limit) override {
        auto& s = db_.prepare("SELECT code FROM promo_codes ORDER BY code COLLATE NOCASE LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        std::vector<std::string> codes;
        while (s.step()) codes.push_back(s.text(0));
        std::vector<core::promo_code> out;
        for (const auto& code : codes) {
            if (auto p = find_promo(code)) out.push_back(std::move(*p));
        }
        return out;
    }

    bool delete_unused_promo(const std::string& code) override {
        require_writable();
        db_.prepare("DELETE FROM promo_codes WHERE code = ? AND NOT EXISTS (SELECT 1 FROM promo_redemptions r WHERE r.code = "
                    "promo_codes.code)")
            .bind(1, code)
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    std::optional<core::promo_code> find_promo(const std::string& code) override {
        auto& s = db_.prepare(
            "SELECT code, kind, percent_bp, fixed_minor, currency, active, expires_at_ms, max_uses_total, "
            "max_uses_per_user, min_spend_minor, scope_products, scope_categories FROM promo_codes WHERE code = ?");
        s.bind(1, code);
        if (!s.step()) return std::nullopt;
        core::promo_code p;
        p.code = s.text(0);
        p.kind = s.text(1) == "fixed" ? core::promo_kind::fixed : core::promo_kind::percent;
        p.percent = static_cast<core::basis_points>(s.int64(2));
        const core::currency cur = currency_from_db(s.text(4));
        p.fixed_amount = core::money{s.int64(3), cur};
        p.active = s.int64(5) != 0;
        p.expires_at = read_opt_ms(s, 6);
        if (!s.is_null(7)) p.max_uses_total = static_cast<int>(s.int64(7));
        if (!s.is_null(8)) p.max_uses_per_user = static_cast<int>(s.int64(8));
        p.min_spend = core::money{s.int64(9), cur};
        const std::string products = s.text(10);
        const std::string categories = s.text(11);
        s.reset();
        for (const auto& v : json_array_items(db_, products)) p.products.push_back(core::product_id{stored_integer(v)});
        p.main_categories = json_array_items(db_, categories);
        return p;
    }

    void upsert_promo(const core::promo_code& p) override {
        require_writable();
        std::string products = "[]";
        for (const auto& id : p.products) {
            products = append_json(products, id.value);
        }
        std::string categories = "[]";
        for (const auto& c : p.main_categories) {
            categories = append_json(categories, c);
        }
        const core::currency cur = p.kind == core::promo_kind::fixed ? p.fixed_amount.currency_of() : p.min_spend.currency_of();
        db_.prepare("INSERT INTO promo_codes (code, kind, percent_bp, fixed_minor, currency, active, expires_at_ms, "
                    "max_uses_total, max_uses_per_user, min_spend_minor, scope_products, scope_categories, updated_at_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, "
                    "percent_bp = excluded.percent_bp, fixed_minor = excluded.fixed_minor, currency = excluded.currency, "
                    "active = excluded.active, expires_at_ms = excluded.expires_at_ms, "
                    "max_uses_total = excluded.max_uses_total, max_uses_per_user = excluded.max_uses_per_user, "
                    "min_spend_minor = excluded.min_spend_minor, scope_products = excluded.scope_products, "
                    "scope_categories = excluded.scope_categories, updated_at_ms = excluded.updated_at_ms")
            .bind(1, p.code)
            .bind(2, p.kind == core::promo_kind::fixed ? "fixed" : "percent")
            .bind(3, std::int64_t{p.percent})
            .bind(4, p.kind == core::promo_kind::fixed ? p.fixed_amount.minor_units() : std::int64_t{0})
            .bind(5, cur.code_string())
            .bind(6, std::int64_t{p.active ? 1 : 0})
            .bind(7, opt_ms(p.expires_at))
            .bind(8, p.max_uses_total ? std::optional<std::int64_t>(*p.max_uses_total) : std::nullopt)
            .bind(9, p.max_uses_per_user ? std::optional<std::int64_t>(*p.max_uses_per_user) : std::nullopt)
            .bind(10, p.min_spend.minor_units())
            .bind(11, products)
            .bind(12, categories)
            .bind(13, now_ms())
            .run();
    }

    core::promo_usage usage(const std::string& code, core::user_id user) override {
        auto& s = db_.prepare("SELECT COUNT(*), COALESCE(SUM(user_id = ?2), 0) FROM promo_redemptions WHERE code = ?1");
        s.bind(1, code).bind(2, to_db(user.value));
        s.step();
        core::promo_usage u{static_cast<int>(s.int64(0)), static_cast<int>(s.int64(1))};
        s.reset();
        return u;
    }

    void record_redemption(const std::string& code, core::user_id user, core::order_id order,
                           const core::money& discount) override {
        require_writable();
        db_.prepare("INSERT INTO promo_redemptions (code, user_id, order_id, discount_minor, created_at_ms) "
                    "VALUES ((SELECT code FROM promo_codes WHERE code = ?), ?, ?, ?, ?)")
            .bind(1, code)
            .bind(2, to_db(user.value))
            .bind(3, order.value)
            .bind(4, discount.minor_units())
            .bind(5, now_ms())
            .run();
    }

private:
    /// `json` with `value` appended (SQLite's json_insert).
    template <class Value>
    std::string append_json(const std::string& json, const Value& value) {
        auto& s = db_.prepare("SELECT json_insert(?, '$[#]', ?)");
        s.bind(1, json).bind(2, value);
        s.step();
        std::string out = s.text(0);
        s.reset();
        return out;
    }
};

}  // namespace apexcore::sqlite::detail
