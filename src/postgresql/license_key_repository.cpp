// The license key inventory on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/license_key.hpp>

#include "values.hpp"

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::from_ms;
using detail::limit_text;
using detail::to_db;
using detail::to_ms;

constexpr std::string_view key_columns =
    "id, product_id, key_text, status, order_id, customer_id, requested_by, created_at_ms, updated_at_ms";

core::license_key_status status_of(std::string_view text) { return detail::parse_stored<core::license_key_status>(text, core::parse_license_key_status, "key status"); }

std::vector<core::license_key> read_keys(const result& r) {
    std::vector<core::license_key> out;
    for (int i = 0; i < r.rows(); ++i) {
        core::license_key k;
        k.id = core::license_key_id{r.int64(i, 0)};
        k.product = core::product_id{r.int64(i, 1)};
        k.key = std::string(r.text(i, 2));
        k.status = status_of(r.text(i, 3));
        if (!r.is_null(i, 4)) k.order = core::order_id{r.int64(i, 4)};
        if (!r.is_null(i, 5)) k.customer = core::user_id{from_db(r.int64(i, 5))};
        if (!r.is_null(i, 6)) k.requested_by = core::user_id{from_db(r.int64(i, 6))};
        k.created_at = from_ms(r.int64(i, 7));
        k.updated_at = from_ms(r.int64(i, 8));
        out.push_back(std::move(k));
    }
    return out;
}

param user_param(const std::optional<core::user_id>& u) { return u ? param(to_db(u->value)) : std::nullopt; }
param order_param(const std::optional<core::order_id>& o) { return o ? param(std::to_string(o->value)) : std::nullopt; }

}  // namespace

std::vector<core::license_key> license_key_repository::select(const std::string& where_and_order, std::span<const param> params) {
    return read_keys(session_.exec("SELECT " + std::string(key_columns) + " FROM license_keys " + where_and_order, params));
}

bool license_key_repository::insert_key(core::product_id product, const std::string& key) {
    const std::string now = std::to_string(to_ms(clock_.now()));
    const auto r = session_.exec("INSERT INTO license_keys (product_id, key_text, status, created_at_ms, updated_at_ms)"
                                 " VALUES ($1, $2, 'available', $3, $3) ON CONFLICT (key_text) DO NOTHING",
                                 {std::to_string(product.value), key, now});
    return r.affected() == 1;
}

bool license_key_repository::key_exists(const std::string& key) {
    return session_.exec("SELECT 1 FROM license_keys WHERE key_text = $1", {key}).rows() == 1;
}

std::optional<core::license_key> license_key_repository::take_available(core::product_id product, core::license_key_status to,
                                                                        std::optional<core::order_id> order,
                                                                        std::optional<core::user_id> customer,
                                                                        std::optional<core::user_id> requested_by) {
    auto taken = read_keys(session_.exec(
        "UPDATE license_keys SET status = $1, order_id = $2, customer_id = $3, requested_by = $4, updated_at_ms = $5"
        " WHERE id = (SELECT id FROM license_keys WHERE product_id = $6 AND status = 'available' ORDER BY id LIMIT 1"
        " FOR UPDATE SKIP LOCKED) RETURNING " + std::string(key_columns),
        {std::string(core::to_string(to)), order_param(order), user_param(customer), user_param(requested_by),
         std::to_string(to_ms(clock_.now())), std::to_string(product.value)}));
    if (taken.empty()) return std::nullopt;
    return std::move(taken.front());
}

std::optional<core::license_key> license_key_repository::find_key_by_id(core::license_key_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::optional<core::license_key> license_key_repository::key_for_order(core::order_id order) {
    const param ps[] = {std::to_string(order.value)};
    return detail::first_of(select("WHERE order_id = $1", ps));
}

bool license_key_repository::move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                                      std::optional<core::order_id> order, std::optional<core::user_id> customer) {
    const bool clear = to == core::license_key_status::available;  // back on the shelf: no order, customer or requester
    const auto r = session_.exec(
        "UPDATE license_keys SET status = $1, order_id = $2, customer_id = $3,"
        " requested_by = CASE WHEN $4 THEN NULL ELSE requested_by END, updated_at_ms = $5 WHERE id = $6 AND status = $7",
        {std::string(core::to_string(to)), clear ? std::nullopt : order_param(order), clear ? std::nullopt : user_param(customer),
         std::string(clear ? "true" : "false"), std::to_string(to_ms(clock_.now())), std::to_string(id.value),
         std::string(core::to_string(from))});
    return r.affected() > 0;
}

std::vector<core::license_key> license_key_repository::search_keys(const std::string& text, std::optional<core::product_id> product,
                                                                  std::optional<core::license_key_status> status, std::size_t limit) {
    const param ps[] = {text, product ? param(std::to_string(product->value)) : std::nullopt,
                        status ? param(std::string(core::to_string(*status))) : std::nullopt, limit_text(limit)};
    return select("WHERE ($1 = '' OR strpos(key_text, $1) > 0) AND ($2::BIGINT IS NULL OR product_id = $2::BIGINT)"
                  " AND ($3::TEXT IS NULL OR status = $3::TEXT) ORDER BY id LIMIT $4",
                  ps);
}

std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> license_key_repository::key_stats() {
    const auto r = session_.exec("SELECT product_id, status, COUNT(*) FROM license_keys GROUP BY product_id, status");
    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> out;
    for (int i = 0; i < r.rows(); ++i) out[core::product_id{r.int64(i, 0)}][status_of(r.text(i, 1))] = r.int64(i, 2);
    return out;
}

}  // namespace apexcore::postgresql
