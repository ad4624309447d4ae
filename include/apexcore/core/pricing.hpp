#pragma once
/// @file pricing.hpp
/// The pricing rule, written once (docs/pricing.md has worked examples; tests/core/pricing_test.cpp
/// tests every line):
///
///   1. after_role  = list price discounted by the member's best role/VIP discount (basis points),
///                    rounded half up to the minor unit (core::apply_discount);
///   2. with a valid promo code:
///        percent -> final = after_role discounted by the promo's basis points, rounded half up;
///        fixed   -> final = after_role - amount;
///      without one, final = after_role;
///   3. the final price is never below zero.
///
/// A promo code is valid when it is active, not expired (now < expires_at), under its global and
/// per-user use limits, the price after the role discount reaches its minimum spend, and the
/// product or its main category is in its scope (an empty scope means everything). Integer
/// arithmetic only.

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/money.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::core {

/// Percent (basis points) or a fixed amount off.
enum class promo_kind { percent, fixed };

/// A promo code as configured by staff.
struct promo_code {
    std::string code;                        ///< what customers type, case-insensitive
    promo_kind kind = promo_kind::percent;
    basis_points percent = 0;                ///< percent codes: 1..10000
    money fixed_amount;                      ///< fixed codes: > 0
    bool active = true;
    std::optional<std::chrono::system_clock::time_point> expires_at;
    std::optional<int> max_uses_total;       ///< across all customers
    std::optional<int> max_uses_per_user;
    money min_spend;                         ///< compared with the price after the role discount
    std::vector<product_id> products;        ///< scope; empty with categories empty = everything
    std::vector<std::string> main_categories;
};

/// How often a code was used so far.
struct promo_usage {
    int total = 0;
    int by_this_user = 0;
};

/// Why a promo code does not apply.
enum class promo_rejection {
    inactive,
    expired,
    exhausted,            ///< global use limit reached
    exhausted_for_user,   ///< per-user use limit reached
    below_minimum_spend,
    not_applicable,       ///< the product is outside the code's scope
    currency_mismatch,
    invalid_code,         ///< a configuration error: percent outside 1..10000, fixed <= 0
    /// Not a promo problem: the list price is negative or above amount_minor_max; checked before
    /// the promo code is looked at.
    amount_too_large,
};

/// A short English sentence for a promo rejection.
[[nodiscard]] inline std::string_view describe(promo_rejection r) {
    switch (r) {
        case promo_rejection::inactive: return "This promo code is not active.";
        case promo_rejection::expired: return "This promo code has expired.";
        case promo_rejection::exhausted: return "This promo code has been used up.";
        case promo_rejection::exhausted_for_user: return "You have already used this promo code.";
        case promo_rejection::below_minimum_spend: return "This promo code needs a higher order value.";
        case promo_rejection::not_applicable: return "This promo code does not apply to this product.";
        case promo_rejection::currency_mismatch: return "This promo code is in another currency.";
        case promo_rejection::invalid_code: return "This promo code is misconfigured.";
        case promo_rejection::amount_too_large: return "The price is above the largest amount the shop accepts.";
    }
    return "This promo code cannot be used.";
}

/// Every step of a price, for receipts and audits.
struct price_quote {
    money list_price;
    basis_points role_discount = 0;
    money after_role;
    money promo_discount;   ///< after_role - final
    money final_price;
};

/// Applies the rule above to `p`, with the member's best role/VIP discount (0..10000 bp) and an
/// optional promo code with its usage so far. Returns every step of the price, or why the promo
/// code does not apply (the caller may then quote without it). A role discount outside 0..10000
/// is `invalid_code`; a list price outside 0..amount_minor_max is `amount_too_large`, whether or
/// not a promo code was given (never reported as a promo problem).
[[nodiscard]] inline result<price_quote, promo_rejection> quote_price(const product& p, basis_points role_discount,
                                                                      const promo_code* promo, promo_usage usage,
                                                                      std::chrono::system_clock::time_point now) {
    if (role_discount < 0 || role_discount > 10000) return promo_rejection::invalid_code;
    const auto after_role = apply_discount(p.price, role_discount);
    if (!after_role) return promo_rejection::amount_too_large;
    price_quote q{p.price, role_discount, *after_role, money{0, p.price.currency_of()}, *after_role};
    if (promo == nullptr) return q;
    if (!promo->active) return promo_rejection::inactive;
    if (promo->expires_at && now >= *promo->expires_at) return promo_rejection::expired;
    if (promo->max_uses_total && usage.total >= *promo->max_uses_total) return promo_rejection::exhausted;
    if (promo->max_uses_per_user && usage.by_this_user >= *promo->max_uses_per_user) {
        return promo_rejection::exhausted_for_user;
    }
    if (!promo->products.empty() || !promo->main_categories.empty()) {
        const bool by_product = std::find(promo->products.begin(), promo->products.end(), p.id) != promo->products.end();
        const bool by_category = std::find(promo->main_categories.begin(), promo->main_categories.end(),
                                           p.main_category) != promo->main_categories.end();
        if (!by_product && !by_category) return promo_rejection::not_applicable;
    }
    if (!promo->min_spend.is_zero()) {
        if (!(promo->min_spend.currency_of() == p.price.currency_of())) return promo_rejection::currency_mismatch;
        if (after_role->minor_units() < promo->min_spend.minor_units()) return promo_rejection::below_minimum_spend;
    }
    if (promo->kind == promo_kind::percent) {
        if (promo->percent < 1 || promo->percent > 10000) return promo_rejection::invalid_code;
        q.final_price = *apply_discount(*after_role, promo->percent);
    } else {
        if (!(promo->fixed_amount.currency_of() == p.price.currency_of())) return promo_rejection::currency_mismatch;
        if (promo->fixed_amount.minor_units() <= 0) return promo_rejection::invalid_code;
        const std::int64_t rest = after_role->minor_units() - std::min(after_role->minor_units(), promo->fixed_amount.minor_units());
        q.final_price = money{rest, p.price.currency_of()};
    }
    q.promo_discount = money{after_role->minor_units() - q.final_price.minor_units(), p.price.currency_of()};
    return q;
}

}  // namespace apexcore::core
