#pragma once
/// @file rejection.hpp
/// Domain rejections: the expected "no" answers of the use cases. They are results, not
/// exceptions (TigerBeetle's exhaustive result enums); exceptions are for broken invariants and
/// I/O failures only.

#include <string_view>

namespace apexcore::core {

/// Why a use case refused a request. Exhaustive: every service result uses these.
enum class rejection {
    insufficient_funds,    ///< the wallet balance is below the price
    product_inactive,      ///< the product exists but is soft-deleted
    unknown_product,       ///< no product with that id
    price_changed,         ///< the caller saw a different price than the current one
    invalid_amount,        ///< zero, negative or overflowing amount
    not_staff,             ///< a staff-only action by a caller without the staff role
    description_too_long,  ///< free text above its limit
    balance_overflow,      ///< the credit would overflow the balance
    currency_mismatch,     ///< amount in a different currency than the shop's
    idempotency_conflict,  ///< the idempotency key was used for a different request
    invalid_idempotency_key,  ///< empty, longer than 100 bytes, or not printable ASCII
};

/// A short English sentence for a rejection, suitable for showing to the user.
[[nodiscard]] inline std::string_view describe(rejection r) {
    switch (r) {
        case rejection::insufficient_funds: return "Your wallet balance is too low for this purchase.";
        case rejection::product_inactive: return "This product is no longer available.";
        case rejection::unknown_product: return "That product does not exist.";
        case rejection::price_changed: return "The price changed since this menu was opened; please open it again.";
        case rejection::invalid_amount: return "The amount must be a positive value within range.";
        case rejection::not_staff: return "Only staff members can do that.";
        case rejection::description_too_long: return "The description is too long.";
        case rejection::balance_overflow: return "That would take the balance beyond the maximum.";
        case rejection::currency_mismatch: return "The amount is in a different currency than the shop's.";
        case rejection::idempotency_conflict: return "This request was already used for something else.";
        case rejection::invalid_idempotency_key: return "The request key is not valid.";
    }
    return "The request was refused.";
}

/// The stable machine name of a rejection ("insufficient_funds").
[[nodiscard]] inline std::string_view to_string(rejection r) {
    switch (r) {
        case rejection::insufficient_funds: return "insufficient_funds";
        case rejection::product_inactive: return "product_inactive";
        case rejection::unknown_product: return "unknown_product";
        case rejection::price_changed: return "price_changed";
        case rejection::invalid_amount: return "invalid_amount";
        case rejection::not_staff: return "not_staff";
        case rejection::description_too_long: return "description_too_long";
        case rejection::balance_overflow: return "balance_overflow";
        case rejection::currency_mismatch: return "currency_mismatch";
        case rejection::idempotency_conflict: return "idempotency_conflict";
        case rejection::invalid_idempotency_key: return "invalid_idempotency_key";
    }
    return "unknown";
}

}  // namespace apexcore::core
