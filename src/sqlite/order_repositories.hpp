#pragma once
// Private to the sqlite adapter: orders (references, status compare-and-set, delivery, refunds, warranty, metadata as JSON) and refund requests.
// Included by unit_of_work.cpp only.
#include "repository_base.hpp"

namespace apexcore::sqlite::detail {

constexpr std::string_view order_select =
    "SELECT id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor, discount_bp, "
    "created_at_ms, reference, source, staff_id, promo_code, metadata, refunded_minor, delivery, delivered_at_ms, "
    "warranty_expires_at_ms, renewals, last_renewed_at_ms, updated_at_ms FROM orders";
constexpr std::string_view refund_select =
    "SELECT id, order_id, customer_id, status, currency, amount_minor, fee_minor, reason, staff_id, decision_reason, "
    "ledger_entry_id, requested_at_ms, decided_at_ms FROM refunds";

class order_repository_impl final : public ports::order_repository, repository_base {
public:
    using repository_base::repository_base;

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
        return core::stored_order(d, core::order_id{db_.last_insert_rowid()}, from_ms(now));
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

    std::vector<time_point> order_times_since(core::user_id customer, time_point since, std::size_t limit) override {
        return times_since(db_, "SELECT created_at_ms FROM orders WHERE customer_id = ? AND created_at_ms > ? ORDER BY created_at_ms LIMIT ?",
                           customer, since, limit);
    }

    std::vector<core::order> list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) override {
        auto& s = db_.prepare(std::string(order_select) + " WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
        s.bind(1, to_db(customer.value))
            .bind(2, before ? before->value : std::numeric_limits<std::int64_t>::max())
            .bind(3, static_cast<std::int64_t>(limit));
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

    ports::sales_figures sales(time_point from, time_point to, std::size_t top) override {
        ports::sales_figures out;
        constexpr std::string_view counted = "status IN ('paid', 'delivered', 'partially_refunded', 'refunded')";
        const std::int64_t a = to_ms(from), b = to_ms(to);
        {
            auto& s = db_.prepare("SELECT COUNT(*), COALESCE(SUM(price_paid_minor), 0) FROM orders WHERE created_at_ms >= ? AND "
                                  "created_at_ms < ? AND " + std::string(counted));
            s.bind(1, a).bind(2, b);
            if (s.step()) {
                out.orders = s.int64(0);
                out.revenue_minor = s.int64(1);
            }
            s.reset();
        }
        {
            auto& s = db_.prepare("SELECT created_at_ms / 86400000, SUM(price_paid_minor) FROM orders WHERE created_at_ms >= ? AND "
                                  "created_at_ms < ? AND " + std::string(counted) + " GROUP BY 1 ORDER BY 1");
            s.bind(1, a).bind(2, b);
            while (s.step()) out.revenue_by_day.emplace_back(s.int64(0), s.int64(1));
            s.reset();
        }
        {
            auto& s = db_.prepare("SELECT product_id, COUNT(*), SUM(price_paid_minor) FROM orders WHERE created_at_ms >= ? AND "
                                  "created_at_ms < ? AND " + std::string(counted) +
                                  " GROUP BY product_id ORDER BY 3 DESC, 2 DESC, product_id LIMIT ?");
            s.bind(1, a).bind(2, b).bind(3, static_cast<std::int64_t>(top));
            while (s.step()) out.top_products.push_back({core::product_id{s.int64(0)}, s.int64(1), s.int64(2)});
            s.reset();
        }
        {
            auto& s = db_.prepare("SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds WHERE status = 'approved' AND "
                                  "decided_at_ms >= ? AND decided_at_ms < ?");
            s.bind(1, a).bind(2, b);
            if (s.step()) {
                out.refunds = s.int64(0);
                out.refunded_minor = s.int64(1);
            }
            s.reset();
        }
        {
            auto& s = db_.prepare("SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE " + std::string(counted) +
                                  " GROUP BY customer_id HAVING MIN(created_at_ms) >= ? AND MIN(created_at_ms) < ?)");
            s.bind(1, a).bind(2, b);
            if (s.step()) out.new_customers = s.int64(0);
            s.reset();
        }
        return out;
    }

    std::vector<core::order> list_between(time_point from, time_point to, std::optional<core::order_id> after,
                                          std::size_t limit) override {
        auto& s = db_.prepare(std::string(order_select) + " WHERE created_at_ms >= ? AND created_at_ms < ? AND id > ? ORDER BY id LIMIT ?");
        s.bind(1, to_ms(from)).bind(2, to_ms(to)).bind(3, after ? after->value : std::int64_t{0}).bind(4, static_cast<std::int64_t>(limit));
        return read_orders(s);
    }

    std::vector<core::order> warranty_expiring(time_point from, time_point to, std::size_t limit) override {
        auto& s = db_.prepare(std::string(order_select) +
                              " WHERE warranty_expires_at_ms >= ? AND warranty_expires_at_ms < ? AND status = 'delivered' "
                              "ORDER BY warranty_expires_at_ms, id LIMIT ?");
        s.bind(1, to_ms(from)).bind(2, to_ms(to)).bind(3, static_cast<std::int64_t>(limit));
        return read_orders(s);
    }

private:
    core::order_metadata read_metadata(const std::string& json) {
        core::order_metadata out;
        if (json == "{}") return out;
        auto& s = db_.prepare("SELECT key, value FROM json_each(?)");
        s.bind(1, json);
        while (s.step()) out.emplace(s.text(0), s.text(1));
        return out;
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
};

class refund_repository_impl final : public ports::refund_repository, repository_base {
public:
    using repository_base::repository_base;

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

    std::vector<time_point> request_times_since(core::user_id customer, time_point since, std::size_t limit) override {
        return times_since(db_,
                           "SELECT requested_at_ms FROM refunds WHERE customer_id = ? AND requested_at_ms > ? "
                           "ORDER BY requested_at_ms LIMIT ?",
                           customer, since, limit);
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

private:
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
};

}  // namespace apexcore::sqlite::detail
