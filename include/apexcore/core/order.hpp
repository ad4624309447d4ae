#pragma once
/// @file order.hpp
/// Orders: what a customer bought, at what price and discount.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// The lifecycle state of an order. A wallet purchase is created `paid` (the money moved in the
/// same transaction) and becomes `delivered` when its deliverable (key or payload) is handed over;
/// an external payment starts `pending_payment`, goes `awaiting_review` when the customer submits
/// proof, and staff approval makes it `paid` then `delivered` in one transaction.
enum class order_status { pending_payment, awaiting_review, paid, delivered, cancelled, refunded, partially_refunded };

/// The stored name of a status ("paid").
[[nodiscard]] inline std::string_view to_string(order_status s) {
    switch (s) {
        case order_status::pending_payment: return "pending_payment";
        case order_status::awaiting_review: return "awaiting_review";
        case order_status::paid: return "paid";
        case order_status::delivered: return "delivered";
        case order_status::cancelled: return "cancelled";
        case order_status::refunded: return "refunded";
        case order_status::partially_refunded: return "partially_refunded";
    }
    return "unknown";
}

/// Parses a stored status name; nullopt for unknown names.
[[nodiscard]] inline std::optional<order_status> parse_order_status(std::string_view s) {
    for (auto st : {order_status::pending_payment, order_status::awaiting_review, order_status::paid,
                    order_status::delivered, order_status::cancelled, order_status::refunded,
                    order_status::partially_refunded}) {
        if (to_string(st) == s) return st;
    }
    return std::nullopt;
}

/// Whether an order may move from `from` to `to`. The allowed transitions:
///   pending_payment -> awaiting_review | paid | cancelled
///   awaiting_review -> paid | pending_payment (proof rejected, pay again) | cancelled
///   paid            -> delivered | refunded | partially_refunded
///   delivered       -> refunded | partially_refunded
///   partially_refunded -> partially_refunded | refunded
///   cancelled, refunded: final.
[[nodiscard]] constexpr bool can_transition(order_status from, order_status to) {
    using s = order_status;
    switch (from) {
        case s::pending_payment: return to == s::awaiting_review || to == s::paid || to == s::cancelled;
        case s::awaiting_review: return to == s::paid || to == s::pending_payment || to == s::cancelled;
        case s::paid: return to == s::delivered || to == s::refunded || to == s::partially_refunded;
        case s::delivered: return to == s::refunded || to == s::partially_refunded;
        case s::partially_refunded: return to == s::partially_refunded || to == s::refunded;
        case s::cancelled:
        case s::refunded: return false;
    }
    return false;
}

/// Where an order's money came from.
enum class order_source {
    wallet,   ///< paid from the wallet balance (ledger row type purchase)
    payment,  ///< an external payment verified by staff (payment session)
    manual,   ///< created and completed by staff for a payment made outside apexcore
};

/// The stored name of a source ("wallet").
[[nodiscard]] inline std::string_view to_string(order_source s) {
    switch (s) {
        case order_source::wallet: return "wallet";
        case order_source::payment: return "payment";
        case order_source::manual: return "manual";
    }
    return "unknown";
}

/// Parses a stored source name; nullopt for unknown names.
[[nodiscard]] inline std::optional<order_source> parse_order_source(std::string_view s) {
    for (auto v : {order_source::wallet, order_source::payment, order_source::manual}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

/// Free-form order metadata: string keys to string values, stored as a JSON object.
using order_metadata = std::map<std::string, std::string, std::less<>>;
inline constexpr std::size_t order_metadata_entries_max = 20;
inline constexpr std::size_t order_metadata_key_length_max = 40;
inline constexpr std::size_t order_metadata_value_length_max = 500;

/// True when metadata has at most 20 entries, keys of 1..40 bytes and values of <= 500 bytes.
[[nodiscard]] inline bool is_valid_metadata(const order_metadata& m) {
    if (m.size() > order_metadata_entries_max) return false;
    for (const auto& [k, v] : m) {
        if (k.empty() || k.size() > order_metadata_key_length_max || v.size() > order_metadata_value_length_max) {
            return false;
        }
    }
    return true;
}

/// The warranty end of an order delivered at `delivered_at` for a product lasting `days` days.
[[nodiscard]] inline std::chrono::system_clock::time_point warranty_expiry(std::chrono::system_clock::time_point delivered_at,
                                                                           int days) {
    return delivered_at + std::chrono::hours(24) * days;
}

/// An order to insert; the store assigns id and timestamps.
struct order_draft {
    user_id customer;
    product_id product;
    order_status status = order_status::paid;
    money list_price;           ///< the product's price when bought
    money price_paid;           ///< after discounts, >= 0
    basis_points discount = 0;  ///< applied role/VIP discount, 0..10000 (1 bp = 0.01 %)
    std::string reference{};    ///< public reference, core/order_reference.hpp (unique)
    order_source source = order_source::wallet;
    std::optional<user_id> staff{};     ///< staff member who created a manual order
    std::optional<std::string> promo_code{};  ///< the promo code applied, if any
    order_metadata metadata{};
};

/// A stored order.
struct order {
    order_id id;
    user_id customer;
    product_id product;
    order_status status = order_status::paid;
    money list_price;
    money price_paid;
    basis_points discount = 0;
    std::chrono::system_clock::time_point created_at;
    std::string reference{};
    order_source source = order_source::wallet;
    std::optional<user_id> staff{};
    std::optional<std::string> promo_code{};
    order_metadata metadata{};
    money refunded{};                 ///< total refunded to the customer so far (net of fees)
    std::string delivery{};           ///< what was delivered (license key or payload); empty until delivered
    std::optional<std::chrono::system_clock::time_point> delivered_at{};
    std::optional<std::chrono::system_clock::time_point> warranty_expires_at{};
    int renewals = 0;                 ///< warranty renewals so far
    std::optional<std::chrono::system_clock::time_point> last_renewed_at{};
    std::chrono::system_clock::time_point updated_at{};
};

/// The order `d` becomes when a store writes it with `id` at `created_at`: nothing refunded
/// (zero in the paid currency), delivered or renewed yet, updated when created. What every
/// store's order_repository::insert returns (ports/store.hpp).
[[nodiscard]] inline order stored_order(const order_draft& d, order_id id, std::chrono::system_clock::time_point created_at) {
    order o;
    o.id = id;
    o.customer = d.customer;
    o.product = d.product;
    o.status = d.status;
    o.list_price = d.list_price;
    o.price_paid = d.price_paid;
    o.discount = d.discount;
    o.created_at = created_at;
    o.reference = d.reference;
    o.source = d.source;
    o.staff = d.staff;
    o.promo_code = d.promo_code;
    o.metadata = d.metadata;
    o.refunded = money{0, d.price_paid.currency_of()};
    o.updated_at = created_at;
    return o;
}

}  // namespace apexcore::core
