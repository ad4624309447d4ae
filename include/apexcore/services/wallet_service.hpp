#pragma once
/// @file wallet_service.hpp
/// Wallet use cases: balance, staff credit, wallet purchase. Each money movement is one
/// `ports::store::transact` call, so it either fully happens or writes nothing.

#include <apexcore/core/ledger.hpp>
#include <apexcore/core/order.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>

#include <optional>
#include <string>

namespace apexcore::services {

/// Who is asking. `staff` is decided by the caller's platform (the bot checks the configured
/// staff role) and re-checked here for staff-only use cases.
struct actor {
    core::user_id user;
    bool staff = false;
};

/// A staff member adds money to a user's wallet (ledger type staff_credit).
struct staff_credit_request {
    actor staff;               ///< must have staff == true
    core::user_id customer;    ///< whose wallet
    core::money amount;        ///< > 0, in the shop's currency
    std::string description;   ///< <= core::ledger_description_length_max bytes
    /// When set, repeating the request with the same key returns the first result and credits
    /// nothing more (e.g. "interaction:<id>"); see core/idempotency.hpp.
    std::string idempotency_key{};
};

/// A customer buys one product with their wallet balance.
struct purchase_request {
    core::user_id customer;
    core::product_id product;
    /// The price the customer was shown. When set and different from the current price the
    /// purchase is rejected with price_changed instead of charging an unseen amount.
    std::optional<core::money> expected_price;
    /// When set, repeating the request with the same key returns the first receipt (replayed)
    /// and charges nothing more; see core/idempotency.hpp.
    std::string idempotency_key{};
};

/// What a completed wallet purchase produced.
struct purchase_receipt {
    core::order order;            ///< status paid
    core::ledger_entry debit;     ///< type purchase, amount == -order.price_paid
    std::string product_name;     ///< product display name
    bool replayed = false;        ///< true when this repeats an earlier request with the same key
};

/// Wallet use cases over a store, in one currency.
class wallet_service {
public:
    /// `store` must outlive the service.
    wallet_service(ports::store& store, core::currency currency) : store_(store), currency_(currency) {}

    /// The customer's balance (zero if never seen).
    [[nodiscard]] core::money balance(core::user_id customer);

    /// Credits a wallet. Rejections: not_staff, invalid_amount (<= 0), currency_mismatch,
    /// description_too_long, balance_overflow, invalid_idempotency_key, idempotency_conflict (the
    /// key was used for another request). A repeated key returns the first ledger row. Throws
    /// ports::store_error on storage failure.
    [[nodiscard]] core::result<core::ledger_entry, core::rejection> staff_credit(const staff_credit_request& r);

    /// Buys a product: order (paid) + purchase ledger row (+ idempotency key) in one transaction.
    /// Rejections: unknown_product, product_inactive, price_changed, insufficient_funds,
    /// invalid_idempotency_key, idempotency_conflict — nothing is written for any of them. A
    /// repeated key returns the first receipt with `replayed` set.
    [[nodiscard]] core::result<purchase_receipt, core::rejection> purchase(const purchase_request& r);

private:
    ports::store& store_;
    core::currency currency_;
};

}  // namespace apexcore::services
