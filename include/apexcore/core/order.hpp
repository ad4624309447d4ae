#pragma once
/// @file order.hpp
/// Orders: what a customer bought, at what price and discount.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace apexcore::core {

/// The lifecycle state of an order. A wallet purchase is created `paid` (the money moved in the
/// same transaction); the other states are used by payment review and delivery flows.
/// (`partially_refunded` is not yet accepted by the SQLite schema; it arrives with refunds.)
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

/// An order to insert; the store assigns id and created_at.
struct order_draft {
    user_id customer;
    product_id product;
    order_status status = order_status::paid;
    money list_price;           ///< the product's price when bought
    money price_paid;           ///< after discount, >= 0
    basis_points discount = 0;  ///< applied discount, 0..10000 (1 bp = 0.01 %)
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
};

}  // namespace apexcore::core
