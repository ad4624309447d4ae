#include "unit_of_work.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace apexcore::sqlite::detail {
namespace {

using time_point = std::chrono::system_clock::time_point;

std::int64_t to_db(std::uint64_t snowflake) { return static_cast<std::int64_t>(snowflake); }
std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }

std::int64_t to_ms(time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
time_point from_ms(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

std::optional<std::int64_t> opt_ms(const std::optional<time_point>& t) {
    return t ? std::optional<std::int64_t>(to_ms(*t)) : std::nullopt;
}
std::optional<time_point> read_opt_ms(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<time_point>(from_ms(s.int64(col)));
}
std::optional<std::int64_t> read_opt_int(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<std::int64_t>(s.int64(col));
}
template <class Id>
std::optional<std::int64_t> opt_row(const std::optional<Id>& id) {
    return id ? std::optional<std::int64_t>(id->value) : std::nullopt;
}
std::optional<std::int64_t> opt_user(const std::optional<core::user_id>& id) {
    return id ? std::optional<std::int64_t>(to_db(id->value)) : std::nullopt;
}
std::optional<core::user_id> read_opt_user(statement& s, int col) {
    return s.is_null(col) ? std::nullopt : std::optional<core::user_id>(core::user_id{from_db(s.int64(col))});
}

core::currency currency_from_db(const std::string& code) {
    auto c = core::find_currency(code);
    if (!c) throw ports::store_error("unknown currency code in database: '" + code + "'");
    return *c;
}

template <class T, class Parse>
T parse_stored(const std::string& text, Parse parse, const char* what) {
    auto v = parse(text);
    if (!v) throw ports::store_error(std::string("unknown ") + what + " in database: '" + text + "'");
    return *v;
}

constexpr std::string_view product_select =
    "SELECT id, main_category, sub_category, service_name, variant_name, price_minor, currency, is_active, "
    "duration_days, start_time, refill_period_days, additional_info, role_id, delivery_payload, deliverables, stock, "
    "low_stock_threshold, critical_stock_threshold, "
    "(SELECT group_concat(tag, ' ') FROM product_tags t WHERE t.product_id = products.id) FROM products";

constexpr std::string_view order_select =
    "SELECT id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor, discount_bp, "
    "created_at_ms, reference, source, staff_id, promo_code, metadata, refunded_minor, delivery, delivered_at_ms, "
    "warranty_expires_at_ms, renewals, last_renewed_at_ms, updated_at_ms FROM orders";

constexpr std::string_view ledger_select =
    "SELECT id, currency, type, amount_minor, balance_after_minor, description, order_id, staff_id, created_at_ms, "
    "user_id, ticket_id FROM wallet_ledger";

constexpr std::string_view refund_select =
    "SELECT id, order_id, customer_id, status, currency, amount_minor, fee_minor, reason, staff_id, decision_reason, "
    "ledger_entry_id, requested_at_ms, decided_at_ms FROM refunds";

constexpr std::string_view session_select =
    "SELECT id, order_id, customer_id, method, status, transaction_id, contact, notes, proof_url, reason, staff_id, "
    "created_at_ms, expires_at_ms, updated_at_ms FROM payment_sessions";

constexpr std::string_view key_select =
    "SELECT id, product_id, key_text, status, order_id, customer_id, requested_by, created_at_ms, updated_at_ms "
    "FROM license_keys";

class sqlite_uow final : public ports::unit_of_work,
                         ports::product_repository,
                         ports::wallet_repository,
                         ports::order_repository,
                         ports::idempotency_repository,
                         ports::customer_repository,
                         ports::promo_repository,
                         ports::refund_repository,
                         ports::payment_session_repository,
                         ports::license_key_repository {
public:
    sqlite_uow(connection& db, const ports::clock& clock, bool writable) : db_(db), clock_(clock), writable_(writable) {}

    ports::product_repository& products() override { return *this; }
    ports::wallet_repository& wallet() override { return *this; }
    ports::order_repository& orders() override { return *this; }
    ports::idempotency_repository& idempotency() override { return *this; }
    ports::customer_repository& customers() override { return *this; }
    ports::promo_repository& promos() override { return *this; }
    ports::refund_repository& refunds() override { return *this; }
    ports::payment_session_repository& payment_sessions() override { return *this; }
    ports::license_key_repository& license_keys() override { return *this; }

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

    // --- products ------------------------------------------------------------------------
    std::optional<core::product> find(core::product_id id) override {
        auto& s = db_.prepare(std::string(product_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto p = read_product(s);
        s.reset();
        return p;
    }

    std::vector<core::product> list_active(std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE is_active = 1 ORDER BY main_category, sub_category, service_name, variant_name, id "
                              "LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    std::vector<core::product> list_by_tag(const std::string& tag, std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE is_active = 1 AND id IN (SELECT product_id FROM product_tags WHERE tag = ?) "
                              "ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT ?");
        s.bind(1, tag).bind(2, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    std::optional<core::product> find_by_path(const std::string& main_category, const std::string& sub_category,
                                              const std::string& service_name, const std::string& variant_name) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE main_category = ? AND sub_category = ? AND service_name = ? AND variant_name = ? "
                              "ORDER BY id LIMIT 1");
        s.bind(1, main_category).bind(2, sub_category).bind(3, service_name).bind(4, variant_name);
        if (!s.step()) return std::nullopt;
        auto p = read_product(s);
        s.reset();
        return p;
    }

    core::product_id insert(const core::product& p) override {
        require_writable();
        auto& s = db_.prepare(
            "INSERT INTO products (main_category, sub_category, service_name, variant_name, price_minor, currency, "
            "is_active, duration_days, start_time, refill_period_days, additional_info, role_id, delivery_payload, "
            "deliverables, stock, low_stock_threshold, critical_stock_threshold, created_at_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        bind_product_fields(s, p);
        s.bind(15, p.stock).bind(18, now_ms()).run();
        const core::product_id id{db_.last_insert_rowid()};
        write_tags(id, p.tags);
        return id;
    }

    bool update(const core::product& p) override {
        require_writable();
        auto& s = db_.prepare(
            "UPDATE products SET main_category = ?1, sub_category = ?2, service_name = ?3, variant_name = ?4, "
            "price_minor = ?5, currency = ?6, is_active = ?7, duration_days = ?8, start_time = ?9, "
            "refill_period_days = ?10, additional_info = ?11, role_id = ?12, delivery_payload = ?13, deliverables = ?14, "
            "low_stock_threshold = ?16, critical_stock_threshold = ?17 WHERE id = ?19");
        bind_product_fields(s, p);
        s.bind(19, p.id.value).run();
        if (sqlite3_changes(db_.native()) == 0) return false;
        db_.prepare("DELETE FROM product_tags WHERE product_id = ?").bind(1, p.id.value).run();
        write_tags(p.id, p.tags);
        return true;
    }

    std::optional<stock_change> adjust_stock(core::product_id id, std::int64_t delta) override {
        require_writable();
        auto& read = db_.prepare("SELECT stock FROM products WHERE id = ?");
        read.bind(1, id.value);
        if (!read.step() || read.is_null(0)) return std::nullopt;
        const std::int64_t before = read.int64(0);
        read.reset();
        std::int64_t after = 0;
        if (__builtin_add_overflow(before, delta, &after) || after < 0) return stock_change{before, before, true};
        db_.prepare("UPDATE products SET stock = ? WHERE id = ?").bind(1, after).bind(2, id.value).run();
        return stock_change{before, after, false};
    }

    bool set_stock(core::product_id id, std::optional<std::int64_t> stock) override {
        require_writable();
        db_.prepare("UPDATE products SET stock = ? WHERE id = ?").bind(1, stock).bind(2, id.value).run();
        return sqlite3_changes(db_.native()) > 0;
    }

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

    // --- orders --------------------------------------------------------------------------
    core::order insert(const core::order_draft& d) override {
        require_writable();
        const std::int64_t now = now_ms();
        // The metadata object is built by SQLite's json_object in the INSERT itself (one cached
        // statement per number of entries).
        std::string sql =
            "INSERT INTO orders (reference, customer_id, product_id, status, source, staff_id, currency, "
            "list_price_minor, price_paid_minor, discount_bp, promo_code, created_at_ms, updated_at_ms, metadata) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json_object(";
        for (std::size_t i = 0; i < d.metadata.size(); ++i) sql += i == 0 ? "?, ?" : ", ?, ?";
        sql += "))";
        auto& s = db_.prepare(sql);
        s.bind(1, d.reference)
            .bind(2, to_db(d.customer.value))
            .bind(3, d.product.value)
            .bind(4, core::to_string(d.status))
            .bind(5, core::to_string(d.source))
            .bind(6, opt_user(d.staff))
            .bind(7, d.price_paid.currency_of().code_string())
            .bind(8, d.list_price.minor_units())
            .bind(9, d.price_paid.minor_units())
            .bind(10, std::int64_t{d.discount})
            .bind(11, d.promo_code)
            .bind(12, now)
            .bind(13, now);
        int index = 14;
        for (const auto& [k, v] : d.metadata) {
            s.bind(index++, k);
            s.bind(index++, v);
        }
        s.run();
        core::order o;
        o.id = core::order_id{db_.last_insert_rowid()};
        o.customer = d.customer;
        o.product = d.product;
        o.status = d.status;
        o.list_price = d.list_price;
        o.price_paid = d.price_paid;
        o.discount = d.discount;
        o.created_at = from_ms(now);
        o.reference = d.reference;
        o.source = d.source;
        o.staff = d.staff;
        o.promo_code = d.promo_code;
        o.metadata = d.metadata;
        o.refunded = core::money{0, d.price_paid.currency_of()};
        o.updated_at = o.created_at;
        return o;
    }

    std::optional<core::order> find(core::order_id id) override {
        auto& s = db_.prepare(std::string(order_select) + " WHERE id = ?");
        s.bind(1, id.value);
        return read_one_order(s);
    }

    std::optional<core::order> find_by_reference(const std::string& reference) override {
        auto& s = db_.prepare(std::string(order_select) + " WHERE reference = ?");
        s.bind(1, reference);
        return read_one_order(s);
    }

    std::vector<core::order> list_for(core::user_id customer, std::size_t limit) override {
        auto& s = db_.prepare(std::string(order_select) + " WHERE customer_id = ? ORDER BY id DESC LIMIT ?");
        s.bind(1, to_db(customer.value)).bind(2, static_cast<std::int64_t>(limit));
        return read_orders(s);
    }

    bool set_status(core::order_id id, core::order_status from, core::order_status to) override {
        require_writable();
        db_.prepare("UPDATE orders SET status = ?, updated_at_ms = ? WHERE id = ? AND status = ?")
            .bind(1, core::to_string(to))
            .bind(2, now_ms())
            .bind(3, id.value)
            .bind(4, core::to_string(from))
            .run();
        return sqlite3_changes(db_.native()) > 0;
    }

    void set_delivery(core::order_id id, const std::string& delivery, time_point at,
                      std::optional<time_point> warranty_expires_at) override {
        require_writable();
        db_.prepare("UPDATE orders SET delivery = ?, delivered_at_ms = ?, warranty_expires_at_ms = ?, updated_at_ms = ? "
                    "WHERE id = ?")
            .bind(1, delivery)
            .bind(2, to_ms(at))
            .bind(3, opt_ms(warranty_expires_at))
            .bind(4, now_ms())
            .bind(5, id.value)
            .run();
    }

    void add_refunded(core::order_id id, const core::money& gross, core::order_status status) override {
        require_writable();
        db_.prepare("UPDATE orders SET refunded_minor = refunded_minor + ?, status = ?, updated_at_ms = ? WHERE id = ?")
            .bind(1, gross.minor_units())
            .bind(2, core::to_string(status))
            .bind(3, now_ms())
            .bind(4, id.value)
            .run();
    }

    void renew_warranty(core::order_id id, time_point new_expiry, time_point renewed_at) override {
        require_writable();
        db_.prepare("UPDATE orders SET warranty_expires_at_ms = ?, renewals = renewals + 1, last_renewed_at_ms = ?, "
                    "updated_at_ms = ? WHERE id = ?")
            .bind(1, to_ms(new_expiry))
            .bind(2, to_ms(renewed_at))
            .bind(3, now_ms())
            .bind(4, id.value)
            .run();
    }

    std::vector<core::order> warranty_expiring(time_point from, time_point to, std::size_t limit) override {
        auto& s = db_.prepare(std::string(order_select) +
                              " WHERE warranty_expires_at_ms >= ? AND warranty_expires_at_ms < ? AND status = 'delivered' "
                              "ORDER BY warranty_expires_at_ms, id LIMIT ?");
        s.bind(1, to_ms(from)).bind(2, to_ms(to)).bind(3, static_cast<std::int64_t>(limit));
        return read_orders(s);
    }

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
                    "VALUES (?1, max(?2, 0), max(?3, 0), ?4) ON CONFLICT (user_id) DO UPDATE SET "
                    "lifetime_spend_minor = max(lifetime_spend_minor + ?2, 0), "
                    "completed_purchases = max(completed_purchases + ?3, 0), updated_at_ms = ?4")
            .bind(1, to_db(user.value))
            .bind(2, spend_delta_minor)
            .bind(3, purchases_delta)
            .bind(4, now_ms())
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

    // --- promo codes ---------------------------------------------------------------------
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
        for (const auto& [v, is_int] : json_array_items(products)) p.products.push_back(core::product_id{std::stoll(v)});
        for (const auto& [v, is_int] : json_array_items(categories)) p.main_categories.push_back(v);
        return p;
    }

    void upsert_promo(const core::promo_code& p) override {
        require_writable();
        std::string products = "[]";
        for (const auto& id : p.products) {
            products = json_scalar("SELECT json_insert(?, '$[#]', ?)", products, std::to_string(id.value), true);
        }
        std::string categories = "[]";
        for (const auto& c : p.main_categories) {
            categories = json_scalar("SELECT json_insert(?, '$[#]', ?)", categories, c, false);
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

    // --- refunds -------------------------------------------------------------------------
    core::refund insert_refund(const core::refund& r) override {
        require_writable();
        const std::int64_t now = now_ms();
        db_.prepare("INSERT INTO refunds (order_id, customer_id, status, currency, amount_minor, reason, requested_at_ms) "
                    "VALUES (?, ?, 'requested', ?, ?, ?, ?)")
            .bind(1, r.order.value)
            .bind(2, to_db(r.customer.value))
            .bind(3, r.amount.currency_of().code_string())
            .bind(4, r.amount.minor_units())
            .bind(5, r.reason)
            .bind(6, now)
            .run();
        core::refund out = r;
        out.id = core::refund_id{db_.last_insert_rowid()};
        out.status = core::refund_status::requested;
        out.fee = core::money{0, r.amount.currency_of()};
        out.requested_at = from_ms(now);
        return out;
    }

    std::optional<core::refund> find_refund(core::refund_id id) override {
        auto& s = db_.prepare(std::string(refund_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto r = read_refund(s);
        s.reset();
        return r;
    }

    std::optional<core::refund> pending_for(core::order_id order) override {
        auto& s = db_.prepare(std::string(refund_select) + " WHERE order_id = ? AND status = 'requested'");
        s.bind(1, order.value);
        if (!s.step()) return std::nullopt;
        auto r = read_refund(s);
        s.reset();
        return r;
    }

    std::vector<core::refund> list_pending(std::size_t limit) override {
        auto& s = db_.prepare(std::string(refund_select) + " WHERE status = 'requested' ORDER BY id LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        std::vector<core::refund> out;
        while (s.step()) out.push_back(read_refund(s));
        return out;
    }

    bool decide(const core::refund& r) override {
        require_writable();
        db_.prepare("UPDATE refunds SET status = ?, staff_id = ?, decision_reason = ?, fee_minor = ?, ledger_entry_id = ?, "
                    "decided_at_ms = ? WHERE id = ? AND status = 'requested'")
            .bind(1, core::to_string(r.status))
            .bind(2, opt_user(r.staff))
            .bind(3, r.decision_reason)
            .bind(4, r.fee.minor_units())
            .bind(5, opt_row(r.credit))
            .bind(6, opt_ms(r.decided_at))
            .bind(7, r.id.value)
            .run();
        return sqlite3_changes(db_.native()) > 0;
    }

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
    std::int64_t now_ms() const { return to_ms(clock_.now()); }

    void require_writable() const {
        if (!writable_) throw ports::store_error("write attempted inside store::read");
    }

    /// Runs a one-row JSON expression `sql` over (json, value) and returns its text.
    std::string json_scalar(std::string_view sql, const std::string& json, const std::string& value, bool as_int) {
        auto& s = db_.prepare(sql);
        s.bind(1, json);
        if (as_int) s.bind(2, std::stoll(value));
        else s.bind(2, value);
        s.step();
        std::string out = s.text(0);
        s.reset();
        return out;
    }

    /// The items of a JSON array (text values; `second` is unused).
    std::vector<std::pair<std::string, bool>> json_array_items(const std::string& json) {
        std::vector<std::pair<std::string, bool>> out;
        if (json == "[]") return out;
        auto& s = db_.prepare("SELECT value FROM json_each(?)");
        s.bind(1, json);
        while (s.step()) out.emplace_back(s.text(0), false);
        return out;
    }

    core::order_metadata read_metadata(const std::string& json) {
        core::order_metadata out;
        if (json == "{}") return out;
        auto& s = db_.prepare("SELECT key, value FROM json_each(?)");
        s.bind(1, json);
        while (s.step()) out.emplace(s.text(0), s.text(1));
        return out;
    }

    std::string deliverables_json(const std::vector<core::deliverable>& items) {
        std::string json = "[]";
        for (const auto& d : items) {
            auto& s = db_.prepare("SELECT json_insert(?, '$[#]', json_object('type', ?, 'value', ?))");
            s.bind(1, json).bind(2, core::to_string(d.kind)).bind(3, d.value);
            s.step();
            json = s.text(0);
            s.reset();
        }
        return json;
    }

    /// Reads the JSON form, or the legacy comma-separated type list.
    std::vector<core::deliverable> read_deliverables(const std::string& text) {
        std::vector<core::deliverable> out;
        if (text.empty() || text == "[]") return out;
        if (text.front() != '[') {
            auto legacy = core::parse_legacy_deliverables(text);
            if (!legacy) throw ports::store_error("unreadable deliverables in database: '" + text + "'");
            return *legacy;
        }
        auto& s = db_.prepare("SELECT json_extract(value, '$.type'), COALESCE(json_extract(value, '$.value'), '') "
                              "FROM json_each(?)");
        s.bind(1, text);
        while (s.step()) {
            const auto kind = parse_stored<core::deliverable_kind>(s.text(0), core::parse_deliverable_kind, "deliverable");
            out.push_back({kind, s.text(1)});
        }
        return out;
    }

    /// Binds the product columns shared by insert and update: 1-14 and 16-17.
    void bind_product_fields(statement& s, const core::product& p) {
        const std::string deliverables = deliverables_json(p.deliverables);
        s.bind(1, p.main_category)
            .bind(2, p.sub_category)
            .bind(3, p.service_name)
            .bind(4, p.variant_name)
            .bind(5, p.price.minor_units())
            .bind(6, p.price.currency_of().code_string())
            .bind(7, std::int64_t{p.active ? 1 : 0})
            .bind(8, p.duration_days ? std::optional<std::int64_t>(*p.duration_days) : std::nullopt)
            .bind(9, p.start_time)
            .bind(10, p.refill_period_days ? std::optional<std::int64_t>(*p.refill_period_days) : std::nullopt)
            .bind(11, p.additional_info)
            .bind(12, p.role_to_grant ? std::optional<std::int64_t>(to_db(p.role_to_grant->value)) : std::nullopt)
            .bind(13, p.delivery_payload)
            .bind(14, deliverables)
            .bind(16, p.low_stock_threshold)
            .bind(17, p.critical_stock_threshold);
    }

    void write_tags(core::product_id id, const std::vector<std::string>& tags) {
        for (const auto& tag : tags) {
            db_.prepare("INSERT OR IGNORE INTO product_tags (product_id, tag) VALUES (?, ?)").bind(1, id.value).bind(2, tag).run();
        }
    }

    std::vector<core::product> read_products(statement& s) {
        std::vector<core::product> out;
        while (s.step()) out.push_back(read_product(s));
        s.reset();
        return out;
    }

    core::product read_product(statement& s) {
        core::product p;
        p.id = core::product_id{s.int64(0)};
        p.main_category = s.text(1);
        p.sub_category = s.text(2);
        p.service_name = s.text(3);
        p.variant_name = s.text(4);
        p.price = core::money{s.int64(5), currency_from_db(s.text(6))};
        p.active = s.int64(7) != 0;
        if (!s.is_null(8)) p.duration_days = static_cast<int>(s.int64(8));
        if (!s.is_null(9)) p.start_time = s.text(9);
        if (!s.is_null(10)) p.refill_period_days = static_cast<int>(s.int64(10));
        if (!s.is_null(11)) p.additional_info = s.text(11);
        if (!s.is_null(12)) p.role_to_grant = core::role_id{from_db(s.int64(12))};
        if (!s.is_null(13)) p.delivery_payload = s.text(13);
        const std::string deliverables = s.text(14);
        if (!s.is_null(15)) p.stock = s.int64(15);
        p.low_stock_threshold = s.int64(16);
        p.critical_stock_threshold = s.int64(17);
        if (!s.is_null(18)) {  // tags are [a-z0-9-_], so a space separates them safely
            const std::string joined = s.text(18);
            std::size_t start = 0;
            while (start <= joined.size()) {
                const auto space = joined.find(' ', start);
                const auto end = space == std::string::npos ? joined.size() : space;
                if (end > start) p.tags.push_back(joined.substr(start, end - start));
                start = end + 1;
            }
            std::sort(p.tags.begin(), p.tags.end());
        }
        if (deliverables != "[]") p.deliverables = read_deliverables(deliverables);
        return p;
    }

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

    std::optional<core::order> read_one_order(statement& s) {
        if (!s.step()) return std::nullopt;
        std::string metadata;
        auto o = read_order(s, metadata);
        s.reset();
        o.metadata = read_metadata(metadata);
        return o;
    }

    std::vector<core::order> read_orders(statement& s) {
        std::vector<core::order> out;
        std::vector<std::string> metadata;
        while (s.step()) {
            metadata.emplace_back();
            out.push_back(read_order(s, metadata.back()));
        }
        s.reset();
        for (std::size_t i = 0; i < out.size(); ++i) out[i].metadata = read_metadata(metadata[i]);
        return out;
    }

    static core::order read_order(statement& s, std::string& metadata_out) {
        const core::currency currency = currency_from_db(s.text(4));
        core::order o;
        o.id = core::order_id{s.int64(0)};
        o.customer = core::user_id{from_db(s.int64(1))};
        o.product = core::product_id{s.int64(2)};
        o.status = parse_stored<core::order_status>(s.text(3), core::parse_order_status, "order status");
        o.list_price = core::money{s.int64(5), currency};
        o.price_paid = core::money{s.int64(6), currency};
        o.discount = static_cast<core::basis_points>(s.int64(7));
        o.created_at = from_ms(s.int64(8));
        o.reference = s.text(9);
        o.source = parse_stored<core::order_source>(s.text(10), core::parse_order_source, "order source");
        o.staff = read_opt_user(s, 11);
        if (!s.is_null(12)) o.promo_code = s.text(12);
        metadata_out = s.text(13);
        o.refunded = core::money{s.int64(14), currency};
        o.delivery = s.text(15);
        o.delivered_at = read_opt_ms(s, 16);
        o.warranty_expires_at = read_opt_ms(s, 17);
        o.renewals = static_cast<int>(s.int64(18));
        o.last_renewed_at = read_opt_ms(s, 19);
        o.updated_at = from_ms(s.int64(20));
        return o;
    }

    static core::refund read_refund(statement& s) {
        const core::currency currency = currency_from_db(s.text(4));
        core::refund r;
        r.id = core::refund_id{s.int64(0)};
        r.order = core::order_id{s.int64(1)};
        r.customer = core::user_id{from_db(s.int64(2))};
        r.status = parse_stored<core::refund_status>(s.text(3), core::parse_refund_status, "refund status");
        r.amount = core::money{s.int64(5), currency};
        r.fee = core::money{s.int64(6), currency};
        r.reason = s.text(7);
        r.staff = read_opt_user(s, 8);
        r.decision_reason = s.text(9);
        if (!s.is_null(10)) r.credit = core::ledger_entry_id{s.int64(10)};
        r.requested_at = from_ms(s.int64(11));
        r.decided_at = read_opt_ms(s, 12);
        return r;
    }

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

    connection& db_;
    const ports::clock& clock_;
    bool writable_;
};

}  // namespace

std::unique_ptr<ports::unit_of_work> make_unit_of_work(connection& db, const ports::clock& clock, bool writable) {
    return std::make_unique<sqlite_uow>(db, clock, writable);
}

}  // namespace apexcore::sqlite::detail
