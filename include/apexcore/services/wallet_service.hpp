#pragma once
/// @file wallet_service.hpp
/// Wallet use cases: balance and history, deposits and staff credits, and the wallet purchase
/// (VIP discount, promo code, stock, license key, delivery, tier evaluation). Each money movement
/// is one `ports::store::transact` call, so it either fully happens or writes nothing, and each
/// takes an idempotency key so a repeated request never moves money twice.

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/ledger.hpp>
#include <apexcore/core/order.hpp>
#include <apexcore/core/pricing.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/core/staff_proposal.hpp>
#include <apexcore/services/shop_config.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace apexcore::services {

/// A staff member adds money to a user's wallet (ledger type staff_credit), or records a
/// verified deposit (ledger type deposit).
struct staff_credit_request {
    actor staff;               ///< must have staff == true
    core::user_id customer;    ///< whose wallet
    core::money amount;        ///< > 0, in the shop's currency
    std::string description;   ///< <= core::ledger_description_length_max bytes
    /// When set, repeating the request with the same key returns the first result and credits
    /// nothing more (e.g. "interaction:<id>"); see core/idempotency.hpp.
    std::string idempotency_key{};
    std::optional<core::channel_id> ticket{};  ///< the support ticket this credit settles, if any
};

/// A customer buys one product with their wallet balance.
struct purchase_request {
    core::user_id customer;
    core::product_id product;
    /// The price the customer was shown. When set and different from the current list price the
    /// purchase is rejected with price_changed instead of charging an unseen amount.
    std::optional<core::money> expected_price;
    /// When set, repeating the request with the same key returns the first receipt (replayed)
    /// and charges nothing more; see core/idempotency.hpp.
    std::string idempotency_key{};
    /// A promo code typed by the customer (case-insensitive); empty = none.
    std::string promo_code{};
    /// Roles the member holds on the chat platform now (e.g. manual tiers given by staff); the
    /// best discount is taken over these and the tier roles apexcore recorded.
    std::set<core::role_id> member_roles{};
    /// Extra order metadata (core::is_valid_metadata once merged with the service's entries).
    core::order_metadata metadata{};
    /// The total the customer confirmed (after every discount). When set and the price computed
    /// now differs — a tier discount or promo that ended meanwhile — the purchase is rejected
    /// with price_changed and nothing is charged.
    std::optional<core::money> expected_total{};
};

/// What a completed wallet purchase produced.
struct purchase_receipt {
    core::order order;            ///< status paid, or delivered when a key or payload was handed over
    core::ledger_entry debit;     ///< type purchase, amount == -order.price_paid (id empty when the price was 0)
    std::string product_name;     ///< product display name
    core::price_quote quote{};    ///< every step of the price (role discount, promo, final)
    std::optional<std::string> license_key{};  ///< the key delivered, for key products
    core::tier_changes role_changes{};         ///< roles for the chat layer to grant / revoke
    std::optional<core::role_id> product_role{};  ///< the product's role to grant, if it has one
    std::vector<core::stock_event> stock_events{};  ///< thresholds this purchase crossed
    bool replayed = false;        ///< true when this repeats an earlier request with the same key
};

/// A staff member's proposed wallet change, to preview before it is confirmed
/// (core/staff_proposal.hpp).
struct staff_proposal_request {
    actor staff;                 ///< must have staff == true
    core::staff_action action = core::staff_action::wallet_credit;
    core::user_id member;        ///< whose wallet
    core::money amount;          ///< > 0, in the shop's currency
    std::string reason;          ///< the ledger description, <= core::ledger_description_length_max bytes
    std::string token;           ///< the one-time token (core::is_valid_proposal_token), e.g. "<interaction id>"
};

/// What a preview shows: the proposal and what it would do.
struct staff_preview {
    core::staff_proposal proposal;
    core::money balance_before;
    core::money balance_after;
    std::vector<core::ledger_entry> recent;  ///< the member's newest ledger rows (<= 3), newest first
};

/// What confirming a proposal did.
struct staff_confirmation {
    core::staff_proposal proposal;
    core::ledger_entry entry;  ///< the staff_credit or withdrawal row
    bool replayed = false;     ///< confirmed before: this is that row, nothing moved again
};

/// Wallet use cases over a store. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class wallet_service {
public:
    /// `store` must outlive the service; `config` is copied.
    wallet_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// The customer's balance (zero if never seen).
    [[nodiscard]] core::money balance(core::user_id customer);

    /// The customer's ledger rows, newest first, at most `limit` (1..100), strictly older than
    /// `before` when given (pass the last row's id to page).
    [[nodiscard]] std::vector<core::ledger_entry> history(core::user_id customer, std::size_t limit,
                                                          std::optional<core::ledger_entry_id> before = std::nullopt);

    /// Credits a wallet as staff_credit. Rejections: not_staff, invalid_amount (<= 0),
    /// currency_mismatch, description_too_long, balance_overflow, invalid_idempotency_key,
    /// idempotency_conflict (the key was used for another request). A repeated key returns the
    /// first ledger row. Throws ports::store_error on storage failure.
    [[nodiscard]] core::result<core::ledger_entry, core::rejection> staff_credit(const staff_credit_request& r);

    /// Stores a proposed credit or debit and returns its preview; moves no money. The same token
    /// again (a repeated delivery) returns the stored proposal's preview. Rejections: not_staff,
    /// invalid_amount, amount_too_large, currency_mismatch, description_too_long, invalid_text
    /// (a bad token), balance_overflow (a credit), insufficient_funds (a debit above the balance).
    [[nodiscard]] core::result<staff_preview, core::rejection> propose(const staff_proposal_request& r);

    /// Applies a proposal in one transaction, once: its token is the movement's idempotency key
    /// ("proposal:<token>"), so a second Confirm returns the first row with `replayed`.
    /// Rejections: not_staff, unknown_proposal, not_proposer (only its author confirms),
    /// proposal_expired (older than core::staff_proposal_ttl, or cancelled), balance_overflow,
    /// insufficient_funds (a debit the balance no longer covers). Nothing moves on a rejection.
    [[nodiscard]] core::result<staff_confirmation, core::rejection> confirm(const actor& staff, const std::string& token);

    /// Cancels a proposal that was not confirmed: its Confirm is refused from then on.
    /// Rejections: not_staff, unknown_proposal, not_proposer, idempotency_conflict (already
    /// confirmed: nothing to cancel).
    [[nodiscard]] core::result<core::staff_proposal, core::rejection> cancel(const actor& staff, const std::string& token);

    /// Records a verified deposit (ledger type deposit; not lifetime spend). Same rules and
    /// rejections as staff_credit; only staff (or the payment flow) may record deposits.
    [[nodiscard]] core::result<core::ledger_entry, core::rejection> deposit(const staff_credit_request& r);

    /// Buys a product in one transaction: order + purchase ledger row + stock decrement + license
    /// key + delivery + lifetime spend + tier roles + promo redemption + idempotency key.
    /// Price: core::quote_price (best role discount, then the promo code; docs/pricing.md).
    /// Rejections (nothing is written for any of them): unknown_product, product_inactive,
    /// currency_mismatch, price_changed, unknown_promo_code and the promo_* rejections,
    /// insufficient_funds, out_of_stock, no_license_key_available, invalid_metadata,
    /// invalid_idempotency_key, idempotency_conflict. A repeated key returns the first receipt
    /// with `replayed` set (role changes and stock events are not repeated).
    [[nodiscard]] core::result<purchase_receipt, core::rejection> purchase(const purchase_request& r);

    /// When `member` may buy again under the shop's purchase cooldown (shop_config::cooldowns);
    /// nullopt when they may now. purchase() refuses with cooldown_active until then.
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> purchase_cooldown_until(core::user_id member);

    /// What `purchase(r)` would charge now, without charging: every step of the price (list
    /// price, best role / VIP discount, promo code, final). Reads only; the idempotency key is
    /// ignored. Rejections: those of purchase's pricing (unknown_product, product_inactive,
    /// currency_mismatch, price_changed, unknown_promo_code and the promo rejections).
    [[nodiscard]] core::result<core::price_quote, core::rejection> quote(const purchase_request& r);

private:
    core::result<core::ledger_entry, core::rejection> credit(const staff_credit_request& r, core::ledger_entry_type type);
    core::result<purchase_receipt, core::rejection> purchase_unmetered(const purchase_request& r);
    // Writes the purchase's events to the outbox (order.paid to the orders log and the member,
    // stock.* alerts), inside the purchase's unit of work.
    void notify_purchase(ports::unit_of_work& uow, const core::order& order, const core::product& product,
                         const core::price_quote& quote, const std::optional<core::ledger_entry>& debit,
                         const std::optional<std::string>& key, const std::vector<core::stock_event>& stock) const;

    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
