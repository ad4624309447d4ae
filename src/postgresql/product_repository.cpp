// The catalog on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/catalog.hpp>

#include "values.hpp"

#include <algorithm>
#include <limits>

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::limit_text;
using detail::text_array;
using detail::to_db;

constexpr std::string_view product_columns =
    "SELECT id, main_category, sub_category, service_name, variant_name, price_minor, currency, is_active, duration_days,"
    " start_time, refill_period_days, additional_info, role_id, delivery_payload, deliverables::text, stock,"
    " low_stock_threshold, critical_stock_threshold,"
    " (SELECT string_agg(tag, ' ' ORDER BY tag) FROM product_tags t WHERE t.product_id = products.id), questions"
    " FROM products";


/// LIKE pattern text with the member's %, _ and \\ taken literally.
std::string like_escaped(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

/// The product columns shared by insert and update, $1..$18: the names, price and flags ($1-$7),
/// the optional fields ($8-$13), the deliverables as two text arrays ($14 kinds, $15 values,
/// made JSONB in the statement by deliverables_expression), the thresholds ($16, $17) and the
/// questions, one per line ($18).
std::vector<param> product_params(const core::product& p) {
    std::vector<std::string> kinds, values;
    for (const auto& d : p.deliverables) {
        kinds.emplace_back(core::to_string(d.kind));
        values.push_back(d.value);
    }
    std::string questions;
    for (const auto& q : p.questions) questions += (questions.empty() ? "" : "\n") + q;
    const auto opt_int = [](const std::optional<int>& v) { return v ? param(std::to_string(*v)) : std::nullopt; };
    return {p.main_category,
            p.sub_category,
            p.service_name,
            p.variant_name,
            std::to_string(p.price.minor_units()),
            p.price.currency_of().code_string(),
            std::string(p.active ? "true" : "false"),
            opt_int(p.duration_days),
            p.start_time,
            opt_int(p.refill_period_days),
            p.additional_info,
            p.role_to_grant ? param(to_db(p.role_to_grant->value)) : std::nullopt,
            p.delivery_payload,
            text_array(kinds),
            text_array(values),
            std::to_string(p.low_stock_threshold),
            std::to_string(p.critical_stock_threshold),
            questions};
}

constexpr std::string_view deliverables_expression =
    "(SELECT COALESCE(jsonb_agg(jsonb_build_object('type', d.t, 'value', d.v) ORDER BY d.o), '[]'::jsonb)"
    " FROM unnest($14::text[], $15::text[]) WITH ORDINALITY AS d(t, v, o))";

}  // namespace

std::vector<core::product> product_repository::select(const std::string& where_and_order, std::span<const param> params) {
    const auto r = session_.exec(std::string(product_columns) + " " + where_and_order, params);
    std::vector<core::product> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        core::product p;
        p.id = core::product_id{r.int64(i, 0)};
        p.main_category = std::string(r.text(i, 1));
        p.sub_category = std::string(r.text(i, 2));
        p.service_name = std::string(r.text(i, 3));
        p.variant_name = std::string(r.text(i, 4));
        const core::currency currency = detail::currency_of(r.text(i, 6));
        p.price = core::money{r.int64(i, 5), currency};
        p.active = r.text(i, 7) == "t";
        if (!r.is_null(i, 8)) p.duration_days = static_cast<int>(r.int64(i, 8));
        if (!r.is_null(i, 9)) p.start_time = std::string(r.text(i, 9));
        if (!r.is_null(i, 10)) p.refill_period_days = static_cast<int>(r.int64(i, 10));
        if (!r.is_null(i, 11)) p.additional_info = std::string(r.text(i, 11));
        if (!r.is_null(i, 12)) p.role_to_grant = core::role_id{from_db(r.int64(i, 12))};
        if (!r.is_null(i, 13)) p.delivery_payload = std::string(r.text(i, 13));
        if (r.text(i, 14) != "[]") {
            const auto d = session_.exec("SELECT e->>'type', COALESCE(e->>'value', '') FROM jsonb_array_elements($1::jsonb) e",
                                         {std::string(r.text(i, 14))});
            for (int k = 0; k < d.rows(); ++k) {
                const auto kind = core::parse_deliverable_kind(d.text(k, 0));
                if (!kind) throw ports::store_error("unknown deliverable in database: '" + std::string(d.text(k, 0)) + "'");
                p.deliverables.push_back({*kind, std::string(d.text(k, 1))});
            }
        }
        if (!r.is_null(i, 15)) p.stock = r.int64(i, 15);
        p.low_stock_threshold = r.int64(i, 16);
        p.critical_stock_threshold = r.int64(i, 17);
        for (std::string_view rest = r.text(i, 18); !rest.empty();) {  // tags are [a-z0-9-_]: a space separates them
            const auto space = rest.find(' ');
            p.tags.emplace_back(rest.substr(0, space));
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
        for (std::string_view rest = r.text(i, 19); !rest.empty();) {  // one question per line
            const auto line = rest.find('\n');
            p.questions.emplace_back(rest.substr(0, line));
            rest = line == std::string_view::npos ? std::string_view() : rest.substr(line + 1);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<core::product> product_repository::find(core::product_id id) {
    const param ps[] = {std::to_string(id.value)};
    return detail::first_of(select("WHERE id = $1", ps));
}

std::vector<core::product> product_repository::list_active(std::size_t limit) {
    const param ps[] = {limit_text(limit)};
    return select("WHERE is_active ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT $1", ps);
}

std::vector<core::product> product_repository::list_by_tag(const std::string& tag, std::size_t limit) {
    const param ps[] = {tag, limit_text(limit)};
    return select("WHERE is_active AND id IN (SELECT product_id FROM product_tags WHERE tag = $1)"
                  " ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT $2",
                  ps);
}

std::vector<core::product> product_repository::list_all(std::optional<core::product_id> after, std::size_t limit) {
    const param ps[] = {std::to_string(after ? after->value : 0), limit_text(limit)};
    return select("WHERE id > $1 ORDER BY id LIMIT $2", ps);
}

std::vector<core::product> product_repository::search_active(const std::string& text, std::size_t limit) {
    return search(text, limit, true);
}

std::vector<core::product> product_repository::search_all(const std::string& text, std::size_t limit) {
    return search(text, limit, false);
}

std::vector<core::product> product_repository::search(const std::string& text, std::size_t limit, bool active_only) {
    const std::string escaped = like_escaped(text);
    const param ps[] = {"%" + escaped + "%", escaped + "%", limit_text(limit)};
    return select(std::string("WHERE ") + (active_only ? "is_active AND " : "") +
                      "((service_name || ' ' || variant_name || ' ' || main_category || ' ' || sub_category) COLLATE \"C\""
                      " ILIKE $1 ESCAPE '\\' OR id IN (SELECT product_id FROM product_tags WHERE tag COLLATE \"C\" ILIKE $2 ESCAPE '\\'))"
                      " ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT $3",
                  ps);
}

std::optional<core::product> product_repository::find_by_path(const std::string& main_category, const std::string& sub_category,
                                                              const std::string& service_name, const std::string& variant_name) {
    const param ps[] = {main_category, sub_category, service_name, variant_name};
    return detail::first_of(select("WHERE main_category = $1 AND sub_category = $2 AND service_name = $3 AND variant_name = $4 ORDER BY id LIMIT 1", ps));
}

core::product_id product_repository::insert(const core::product& p) {
    auto ps = product_params(p);                                               // $1..$18
    ps.push_back(p.stock ? param(std::to_string(*p.stock)) : std::nullopt);  // $19
    ps.push_back(std::to_string(detail::to_ms(clock_.now())));                // $20
    const auto r = session_.exec(
        "INSERT INTO products (main_category, sub_category, service_name, variant_name, price_minor, currency, is_active,"
        " duration_days, start_time, refill_period_days, additional_info, role_id, delivery_payload, deliverables,"
        " low_stock_threshold, critical_stock_threshold, questions, stock, created_at_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, " +
            std::string(deliverables_expression) + ", $16, $17, $18, $19, $20) RETURNING id",
        ps);
    const core::product_id id{r.int64(0, 0)};
    write_tags(id, p.tags);
    return id;
}

bool product_repository::update(const core::product& p) {
    auto ps = product_params(p);               // $1..$18
    ps.push_back(std::to_string(p.id.value));  // $19
    const auto r = session_.exec(
        "UPDATE products SET main_category = $1, sub_category = $2, service_name = $3, variant_name = $4, price_minor = $5,"
        " currency = $6, is_active = $7, duration_days = $8, start_time = $9, refill_period_days = $10, additional_info = $11,"
        " role_id = $12, delivery_payload = $13, deliverables = " +
            std::string(deliverables_expression) + ", low_stock_threshold = $16, critical_stock_threshold = $17,"
        " questions = $18 WHERE id = $19",
        ps);
    if (r.affected() == 0) return false;
    session_.exec("DELETE FROM product_tags WHERE product_id = $1", {std::to_string(p.id.value)});
    write_tags(p.id, p.tags);
    return true;
}

std::optional<ports::product_repository::stock_change> product_repository::adjust_stock(core::product_id id, std::int64_t delta) {
    const std::string product = std::to_string(id.value);
    const std::string change = std::to_string(delta);
    // One conditional UPDATE: two sessions taking the last unit queue on the row, and the second
    // finds nothing left to take. The bounds are checked in numeric, so a result past int64 is
    // refused instead of raising an error (which would abort the caller's transaction).
    const auto r = session_.exec(
        "UPDATE products SET stock = stock + $2::BIGINT WHERE id = $1 AND stock IS NOT NULL"
        " AND stock::NUMERIC + $2::NUMERIC BETWEEN 0 AND 9223372036854775807 RETURNING stock - $2::BIGINT, stock",
        {product, change});
    if (r.rows() == 1) return stock_change{r.int64(0, 0), r.int64(0, 1), false};
    const auto now = session_.exec("SELECT stock FROM products WHERE id = $1", {product});
    if (now.rows() == 0 || now.is_null(0, 0)) return std::nullopt;
    return stock_change{now.int64(0, 0), now.int64(0, 0), true};
}

bool product_repository::set_stock(core::product_id id, std::optional<std::int64_t> stock) {
    const auto r = session_.exec("UPDATE products SET stock = $1 WHERE id = $2",
                                 {stock ? param(std::to_string(*stock)) : std::nullopt, std::to_string(id.value)});
    return r.affected() > 0;
}

void product_repository::write_tags(core::product_id id, const std::vector<std::string>& tags) {
    if (tags.empty()) return;
    session_.exec("INSERT INTO product_tags (product_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                  {std::to_string(id.value), text_array(tags)});
}

}  // namespace apexcore::postgresql
