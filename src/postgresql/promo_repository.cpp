// Promo codes on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/pricing.hpp>

#include "values.hpp"

#include <charconv>

namespace apexcore::postgresql {
namespace {

using detail::from_ms;
using detail::limit_text;
using detail::text_array;
using detail::to_db;
using detail::to_ms;

/// Matches a stored code case-insensitively (ASCII), as the index promo_codes_nocase does.
constexpr std::string_view same_code = "lower(code COLLATE \"C\") = lower($1 COLLATE \"C\")";

/// PostgreSQL's output of a bigint[]: "{1,2,3}".
std::vector<core::product_id> read_ids(std::string_view text) {
    std::vector<core::product_id> out;
    if (text.size() < 2) return out;
    text = text.substr(1, text.size() - 2);
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (ec != std::errc() || end != item.data() + item.size()) throw ports::store_error("unreadable product scope in database");
        out.push_back(core::product_id{v});
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return out;
}

}  // namespace

std::optional<core::promo_code> promo_repository::find_promo(const std::string& code) {
    const auto r = session_.exec(
        "SELECT code, kind, percent_bp, fixed_minor, currency, active, expires_at_ms, max_uses_total, max_uses_per_user,"
        " min_spend_minor, scope_products, cardinality(scope_categories) FROM promo_codes WHERE " + std::string(same_code),
        {code});
    if (r.rows() == 0) return std::nullopt;
    const core::currency cur = detail::currency_of(r.text(0, 4));
    core::promo_code p;
    p.code = std::string(r.text(0, 0));
    p.kind = r.text(0, 1) == "fixed" ? core::promo_kind::fixed : core::promo_kind::percent;
    p.percent = static_cast<core::basis_points>(r.int64(0, 2));
    p.fixed_amount = core::money{r.int64(0, 3), cur};
    p.active = r.text(0, 5) == "t";
    p.expires_at = detail::optional_ms(r, 0, 6);
    if (!r.is_null(0, 7)) p.max_uses_total = static_cast<int>(r.int64(0, 7));
    if (!r.is_null(0, 8)) p.max_uses_per_user = static_cast<int>(r.int64(0, 8));
    p.min_spend = core::money{r.int64(0, 9), cur};
    p.products = read_ids(r.text(0, 10));
    if (r.int64(0, 11) > 0) {
        const auto c = session_.exec("SELECT unnest(scope_categories) FROM promo_codes WHERE code = $1", {p.code});
        for (int i = 0; i < c.rows(); ++i) p.main_categories.emplace_back(c.text(i, 0));
    }
    return p;
}

void promo_repository::upsert_promo(const core::promo_code& p) {
    std::vector<std::string> products;
    for (const auto& id : p.products) products.push_back(std::to_string(id.value));
    const bool fixed = p.kind == core::promo_kind::fixed;
    const core::currency cur = fixed ? p.fixed_amount.currency_of() : p.min_spend.currency_of();
    session_.exec(
        "INSERT INTO promo_codes (code, kind, percent_bp, fixed_minor, currency, active, expires_at_ms, max_uses_total,"
        " max_uses_per_user, min_spend_minor, scope_products, scope_categories, updated_at_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint[], $12::text[], $13)"
        " ON CONFLICT ((lower(code COLLATE \"C\"))) DO UPDATE SET kind = EXCLUDED.kind, percent_bp = EXCLUDED.percent_bp,"
        " fixed_minor = EXCLUDED.fixed_minor, currency = EXCLUDED.currency, active = EXCLUDED.active,"
        " expires_at_ms = EXCLUDED.expires_at_ms, max_uses_total = EXCLUDED.max_uses_total,"
        " max_uses_per_user = EXCLUDED.max_uses_per_user, min_spend_minor = EXCLUDED.min_spend_minor,"
        " scope_products = EXCLUDED.scope_products, scope_categories = EXCLUDED.scope_categories, updated_at_ms = EXCLUDED.updated_at_ms",
        {p.code, std::string(fixed ? "fixed" : "percent"), std::to_string(p.percent), std::to_string(fixed ? p.fixed_amount.minor_units() : 0),
         cur.code_string(), std::string(p.active ? "true" : "false"),
         p.expires_at ? param(std::to_string(to_ms(*p.expires_at))) : std::nullopt,
         p.max_uses_total ? param(std::to_string(*p.max_uses_total)) : std::nullopt,
         p.max_uses_per_user ? param(std::to_string(*p.max_uses_per_user)) : std::nullopt, std::to_string(p.min_spend.minor_units()),
         text_array(products), text_array(p.main_categories), std::to_string(to_ms(clock_.now()))});
}

core::promo_usage promo_repository::usage(const std::string& code, core::user_id user) {
    const auto r = session_.exec(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE user_id = $2) FROM promo_redemptions"
        " WHERE code = (SELECT code FROM promo_codes WHERE " + std::string(same_code) + ")",
        {code, to_db(user.value)});
    return {static_cast<int>(r.int64(0, 0)), static_cast<int>(r.int64(0, 1))};
}

std::vector<core::promo_code> promo_repository::list_promos(std::size_t limit) {
    const auto r = session_.exec("SELECT code FROM promo_codes ORDER BY lower(code COLLATE \"C\") LIMIT $1", {limit_text(limit)});
    std::vector<core::promo_code> out;
    for (int i = 0; i < r.rows(); ++i) {
        if (auto p = find_promo(std::string(r.text(i, 0)))) out.push_back(std::move(*p));
    }
    return out;
}

bool promo_repository::delete_unused_promo(const std::string& code) {
    const auto r = session_.exec("DELETE FROM promo_codes p WHERE lower(p.code COLLATE \"C\") = lower($1 COLLATE \"C\")"
                                 " AND NOT EXISTS (SELECT 1 FROM promo_redemptions r WHERE r.code = p.code)",
                                 {code});
    return r.affected() == 1;
}

void promo_repository::record_redemption(const std::string& code, core::user_id user, core::order_id order, const core::money& discount) {
    session_.exec("INSERT INTO promo_redemptions (code, user_id, order_id, discount_minor, created_at_ms)"
                  " VALUES ((SELECT code FROM promo_codes WHERE " + std::string(same_code) + "), $2, $3, $4, $5)",
                  {code, to_db(user.value), std::to_string(order.value), std::to_string(discount.minor_units()),
                   std::to_string(to_ms(clock_.now()))});
    // Two redemptions of one code at once both update its row, so one of them runs again and
    // counts the other's use: a code's total and per-member limits hold across processes.
    session_.exec("UPDATE promo_codes SET updated_at_ms = updated_at_ms WHERE " + std::string(same_code), {code});
}

}  // namespace apexcore::postgresql
