// Orders on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/order.hpp>
#include <apexcore/core/refund.hpp>

#include "values.hpp"

#include <limits>
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

constexpr std::string_view order_columns =
    "SELECT id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor, discount_bp, created_at_ms,"
    " reference, source, staff_id, promo_code, (metadata <> '{}'::jsonb), refunded_minor, delivery, delivered_at_ms,"
    " warranty_expires_at_ms, renewals, last_renewed_at_ms, updated_at_ms FROM orders";

/// Orders counted as sales (ports::sales_figures).
constexpr std::string_view counted =
    "(status = 'paid' OR status = 'delivered' OR status = 'partially_refunded' OR status = 'refunded')";


}  // namespace

std::string order_repository::now_text() const { return std::to_string(to_ms(clock_.now())); }

std::vector<core::order> order_repository::select(const std::string& where_and_order, std::span<const param> params) {
    const auto r = session_.exec(std::string(order_columns) + " " + where_and_order, params);
    std::vector<core::order> out;
    std::vector<std::string> with_metadata;
    std::map<std::int64_t, std::size_t> index;
    for (int i = 0; i < r.rows(); ++i) {
        const core::currency currency = detail::currency_of(r.text(i, 4));
        core::order o;
        o.id = core::order_id{r.int64(i, 0)};
        o.customer = core::user_id{from_db(r.int64(i, 1))};
        o.product = core::product_id{r.int64(i, 2)};
        o.status = parse_stored<core::order_status>(r.text(i, 3), core::parse_order_status, "order status");
        o.list_price = core::money{r.int64(i, 5), currency};
        o.price_paid = core::money{r.int64(i, 6), currency};
        o.discount = static_cast<core::basis_points>(r.int64(i, 7));
        o.created_at = from_ms(r.int64(i, 8));
        o.reference = std::string(r.text(i, 9));
        o.source = parse_stored<core::order_source>(r.text(i, 10), core::parse_order_source, "order source");
        if (!r.is_null(i, 11)) o.staff = core::user_id{from_db(r.int64(i, 11))};
        if (!r.is_null(i, 12)) o.promo_code = std::string(r.text(i, 12));
        if (r.text(i, 13) == "t") with_metadata.push_back(std::to_string(o.id.value));
        o.refunded = core::money{r.int64(i, 14), currency};
        o.delivery = std::string(r.text(i, 15));
        o.delivered_at = detail::optional_ms(r, i, 16);
        o.warranty_expires_at = detail::optional_ms(r, i, 17);
        o.renewals = static_cast<int>(r.int64(i, 18));
        o.last_renewed_at = detail::optional_ms(r, i, 19);
        o.updated_at = from_ms(r.int64(i, 20));
        index[o.id.value] = out.size();
        out.push_back(std::move(o));
    }
    if (!with_metadata.empty()) {  // one more round trip for every order's metadata
        const auto m = session_.exec("SELECT o.id, m.key, m.value FROM orders o, jsonb_each_text(o.metadata) m WHERE o.id = ANY($1::bigint[])",
                                     {text_array(with_metadata)});
        for (int i = 0; i < m.rows(); ++i) out[index.at(m.int64(i, 0))].metadata.emplace(std::string(m.text(i, 1)), std::string(m.text(i, 2)));
    }
    return out;
}

core::order order_repository::insert(const core::order_draft& d) {
    std::vector<std::string> keys, values;
    for (const auto& [k, v] : d.metadata) {
        keys.push_back(k);
        values.push_back(v);
    }
    const std::string now = now_text();
    try {
        const auto r = session_.exec(
            "INSERT INTO orders (reference, customer_id, product_id, status, source, staff_id, currency, list_price_minor,"
            " price_paid_minor, discount_bp, promo_code, created_at_ms, updated_at_ms, metadata)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12,"
            " (SELECT COALESCE(jsonb_object_agg(k, v), '{}'::jsonb) FROM unnest($13::text[], $14::text[]) AS m(k, v)))"
            " RETURNING id",
            {d.reference, to_db(d.customer.value), std::to_string(d.product.value), std::string(core::to_string(d.status)),
             std::string(core::to_string(d.source)), d.staff ? param(to_db(d.staff->value)) : std::nullopt,
             d.price_paid.currency_of().code_string(), std::to_string(d.list_price.minor_units()),
             std::to_string(d.price_paid.minor_units()), std::to_string(d.discount), d.promo_code, now, text_array(keys),
             text_array(values)});
        return core::stored_order(d, core::order_id{r.int64(0, 0)}, from_ms(std::stoll(now)));
    } catch (const database_error& e) {
        if (e.sqlstate() == "23505") throw ports::store_error("order reference '" + d.reference + "' is in use");
        throw;
    }
}

std::optional<core::order> order_repository::find(core::order_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::optional<core::order> order_repository::find_by_reference(const std::string& reference) {
    const param ps[] = {reference};
    return detail::first_of(select("WHERE reference = $1", ps));
}

std::vector<std::chrono::system_clock::time_point> order_repository::order_times_since(core::user_id customer,
                                                                                      std::chrono::system_clock::time_point since,
                                                                                      std::size_t limit) {
    detail::take_member_turn(session_, customer.value);
    const auto r = session_.exec(
        "SELECT created_at_ms FROM orders WHERE customer_id = $1 AND created_at_ms > $2 ORDER BY created_at_ms LIMIT $3",
        {to_db(customer.value), std::to_string(to_ms(since)), limit_text(limit)});
    std::vector<std::chrono::system_clock::time_point> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(from_ms(r.int64(i, 0)));
    return out;
}

std::vector<core::order> order_repository::list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) {
    const param ps[] = {to_db(customer.value), std::to_string(before ? before->value : std::numeric_limits<std::int64_t>::max()),
                        limit_text(limit)};
    return select("WHERE customer_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3", ps);
}

bool order_repository::set_status(core::order_id id, core::order_status from, core::order_status to) {
    const auto r = session_.exec("UPDATE orders SET status = $1, updated_at_ms = $2 WHERE id = $3 AND status = $4",
                                 {std::string(core::to_string(to)), now_text(), std::to_string(id.value), std::string(core::to_string(from))});
    return r.affected() > 0;
}

void order_repository::set_delivery(core::order_id id, const std::string& delivery, std::chrono::system_clock::time_point at,
                                    std::optional<std::chrono::system_clock::time_point> warranty_expires_at) {
    session_.exec("UPDATE orders SET delivery = $1, delivered_at_ms = $2, warranty_expires_at_ms = $3, updated_at_ms = $4 WHERE id = $5",
                  {delivery, std::to_string(to_ms(at)),
                   warranty_expires_at ? param(std::to_string(to_ms(*warranty_expires_at))) : std::nullopt, now_text(),
                   std::to_string(id.value)});
}

void order_repository::add_refunded(core::order_id id, const core::money& gross, core::order_status status) {
    session_.exec("UPDATE orders SET refunded_minor = refunded_minor + $1, status = $2, updated_at_ms = $3 WHERE id = $4",
                  {std::to_string(gross.minor_units()), std::string(core::to_string(status)), now_text(), std::to_string(id.value)});
}

void order_repository::renew_warranty(core::order_id id, std::chrono::system_clock::time_point new_expiry,
                                      std::chrono::system_clock::time_point renewed_at) {
    session_.exec("UPDATE orders SET warranty_expires_at_ms = $1, renewals = renewals + 1, last_renewed_at_ms = $2, updated_at_ms = $3"
                  " WHERE id = $4",
                  {std::to_string(to_ms(new_expiry)), std::to_string(to_ms(renewed_at)), now_text(), std::to_string(id.value)});
}

ports::sales_figures order_repository::sales(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to,
                                             std::size_t top) {
    ports::sales_figures out;
    const std::string a = std::to_string(to_ms(from)), b = std::to_string(to_ms(to));
    const std::string period = "created_at_ms >= $1 AND created_at_ms < $2 AND " + std::string(counted);
    {
        const auto r = session_.exec("SELECT COUNT(*), COALESCE(SUM(price_paid_minor), 0) FROM orders WHERE " + period, {a, b});
        out.orders = r.int64(0, 0);
        out.revenue_minor = r.int64(0, 1);
    }
    {
        const auto r = session_.exec("SELECT created_at_ms / 86400000, SUM(price_paid_minor) FROM orders WHERE " + period +
                                         " GROUP BY 1 ORDER BY 1",
                                     {a, b});
        for (int i = 0; i < r.rows(); ++i) out.revenue_by_day.emplace_back(r.int64(i, 0), r.int64(i, 1));
    }
    {
        const auto r = session_.exec("SELECT product_id, COUNT(*), SUM(price_paid_minor) FROM orders WHERE " + period +
                                         " GROUP BY product_id ORDER BY 3 DESC, 2 DESC, product_id LIMIT $3",
                                     {a, b, limit_text(top)});
        for (int i = 0; i < r.rows(); ++i) out.top_products.push_back({core::product_id{r.int64(i, 0)}, r.int64(i, 1), r.int64(i, 2)});
    }
    {
        const auto r = session_.exec("SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds WHERE status = 'approved'"
                                     " AND decided_at_ms >= $1 AND decided_at_ms < $2",
                                     {a, b});
        out.refunds = r.int64(0, 0);
        out.refunded_minor = r.int64(0, 1);
    }
    {
        const auto r = session_.exec("SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE " + std::string(counted) +
                                         " GROUP BY customer_id HAVING MIN(created_at_ms) >= $1 AND MIN(created_at_ms) < $2) first_orders",
                                     {a, b});
        out.new_customers = r.int64(0, 0);
    }
    return out;
}

std::vector<core::order> order_repository::list_between(std::chrono::system_clock::time_point from,
                                                        std::chrono::system_clock::time_point to, std::optional<core::order_id> after,
                                                        std::size_t limit) {
    const param ps[] = {std::to_string(to_ms(from)), std::to_string(to_ms(to)), std::to_string(after ? after->value : 0), limit_text(limit)};
    return select("WHERE created_at_ms >= $1 AND created_at_ms < $2 AND id > $3 ORDER BY id LIMIT $4", ps);
}

std::vector<core::order> order_repository::warranty_expiring(std::chrono::system_clock::time_point from,
                                                             std::chrono::system_clock::time_point to, std::size_t limit) {
    const param ps[] = {std::to_string(to_ms(from)), std::to_string(to_ms(to)), limit_text(limit)};
    return select("WHERE warranty_expires_at_ms >= $1 AND warranty_expires_at_ms < $2 AND status = 'delivered'"
                  " ORDER BY warranty_expires_at_ms, id LIMIT $3",
                  ps);
}

// --- refund requests -------------------------------------------------------------------------

std::vector<core::refund> refund_repository::select(const std::string& where_and_order, std::span<const param> params) {
    const auto r = session_.exec(
        "SELECT id, order_id, customer_id, status, currency, amount_minor, fee_minor, reason, staff_id, decision_reason,"
        " ledger_entry_id, requested_at_ms, decided_at_ms FROM refunds " + where_and_order,
        params);
    std::vector<core::refund> out;
    for (int i = 0; i < r.rows(); ++i) {
        const core::currency currency = detail::currency_of(r.text(i, 4));
        core::refund f;
        f.id = core::refund_id{r.int64(i, 0)};
        f.order = core::order_id{r.int64(i, 1)};
        f.customer = core::user_id{from_db(r.int64(i, 2))};
        f.status = parse_stored<core::refund_status>(r.text(i, 3), core::parse_refund_status, "refund status");
        f.amount = core::money{r.int64(i, 5), currency};
        f.fee = core::money{r.int64(i, 6), currency};
        f.reason = std::string(r.text(i, 7));
        if (!r.is_null(i, 8)) f.staff = core::user_id{from_db(r.int64(i, 8))};
        f.decision_reason = std::string(r.text(i, 9));
        if (!r.is_null(i, 10)) f.credit = core::ledger_entry_id{r.int64(i, 10)};
        f.requested_at = from_ms(r.int64(i, 11));
        f.decided_at = detail::optional_ms(r, i, 12);
        out.push_back(std::move(f));
    }
    return out;
}

core::refund refund_repository::insert_refund(const core::refund& r) {
    const std::int64_t now = to_ms(clock_.now());
    try {
        const auto id = session_.exec(
            "INSERT INTO refunds (order_id, customer_id, status, currency, amount_minor, reason, requested_at_ms)"
            " VALUES ($1, $2, 'requested', $3, $4, $5, $6) RETURNING id",
            {std::to_string(r.order.value), to_db(r.customer.value), r.amount.currency_of().code_string(),
             std::to_string(r.amount.minor_units()), r.reason, std::to_string(now)});
        core::refund out = r;
        out.id = core::refund_id{id.int64(0, 0)};
        out.status = core::refund_status::requested;
        out.fee = core::money{0, r.amount.currency_of()};
        out.requested_at = from_ms(now);
        return out;
    } catch (const database_error& e) {
        if (e.sqlstate() == "23505") throw ports::store_error("order " + std::to_string(r.order.value) + " has a refund request awaiting a decision");
        throw;
    }
}

std::optional<core::refund> refund_repository::find_refund(core::refund_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::optional<core::refund> refund_repository::pending_for(core::order_id order) {
    const param ps[] = {std::to_string(order.value)};
    return detail::first_of(select("WHERE order_id = $1 AND status = 'requested'", ps));
}

std::vector<std::chrono::system_clock::time_point> refund_repository::request_times_since(core::user_id customer,
                                                                                         std::chrono::system_clock::time_point since,
                                                                                         std::size_t limit) {
    detail::take_member_turn(session_, customer.value);
    const auto r = session_.exec(
        "SELECT requested_at_ms FROM refunds WHERE customer_id = $1 AND requested_at_ms > $2 ORDER BY requested_at_ms LIMIT $3",
        {to_db(customer.value), std::to_string(to_ms(since)), limit_text(limit)});
    std::vector<std::chrono::system_clock::time_point> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(from_ms(r.int64(i, 0)));
    return out;
}

std::vector<core::refund> refund_repository::list_pending(std::size_t limit) {
    const param ps[] = {limit_text(limit)};
    return select("WHERE status = 'requested' ORDER BY id LIMIT $1", ps);
}

bool refund_repository::decide(const core::refund& r) {
    const auto done = session_.exec(
        "UPDATE refunds SET status = $1, staff_id = $2, decision_reason = $3, fee_minor = $4, ledger_entry_id = $5, decided_at_ms = $6"
        " WHERE id = $7 AND status = 'requested'",
        {std::string(core::to_string(r.status)), r.staff ? param(to_db(r.staff->value)) : std::nullopt, r.decision_reason,
         std::to_string(r.fee.minor_units()), r.credit ? param(std::to_string(r.credit->value)) : std::nullopt,
         r.decided_at ? param(std::to_string(to_ms(*r.decided_at))) : std::nullopt, std::to_string(r.id.value)});
    return done.affected() > 0;
}

}  // namespace apexcore::postgresql
