#pragma once
/// @file payment_service.hpp
/// Manual verification of external payments, persisted so nothing is lost on restart
/// (core/payment.hpp has the session states). Starting a payment creates the order
/// (pending_payment) and reserves one unit of stock and, for key products, one license key;
/// approval makes the order paid and delivered in one transaction; rejection sends the order
/// back to pending_payment; cancellation and expiry cancel the order and give the reservation
/// back. Every session transition writes an audit event in the same transaction.

#include <apexcore/core/payment.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// A customer starts paying for a product with a configured method.
struct start_payment_request {
    core::user_id customer;
    core::product_id product;
    std::string method;               ///< a configured payment method's name
    std::optional<core::money> expected_price{};  ///< rejected with price_changed when different
    std::string idempotency_key{};    ///< optional; repeating returns the first session
};

/// The customer's proof of payment.
struct payment_proof {
    std::string transaction_id{};  ///< <= 128 bytes, single line
    std::string contact{};         ///< <= 128 bytes, single line (e-mail, handle)
    std::string notes{};           ///< <= 1000 bytes
    std::string proof_url{};       ///< https:// URL (core::is_valid_proof_url); required unless the method's proof_required is false
};

/// A session with its order.
struct payment_view {
    core::payment_session session;
    core::order order;
    std::optional<std::string> license_key{};  ///< delivered key (approval of a key product)
    core::tier_changes role_changes{};         ///< approval only
    std::vector<core::stock_event> stock_events{};
    bool replayed = false;
};

/// Payment session use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class payment_service {
public:
    /// `store` must outlive the service; `config` is copied.
    payment_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Creates the order (pending_payment, list price) and an open session expiring after the
    /// configured TTL. Rejections: unknown_payment_method, unknown_product, product_inactive,
    /// currency_mismatch, price_changed, out_of_stock, no_license_key_available,
    /// invalid_idempotency_key, idempotency_conflict.
    [[nodiscard]] core::result<payment_view, core::rejection> start(const start_payment_request& r);

    /// Opens a new session for the customer's pending_payment order (after a rejection).
    /// Rejections: unknown_order, not_owner, forbidden_transition, payment_session_exists,
    /// unknown_payment_method.
    [[nodiscard]] core::result<payment_view, core::rejection> reopen(core::user_id customer, core::order_id order,
                                                                     const std::string& method);

    /// The customer's open or submitted session of their order `order`, with the order (what
    /// /proof attaches a proof to). Rejections: unknown_order (also for another member's order,
    /// so ids cannot be probed), unknown_payment_session (none is open or submitted).
    [[nodiscard]] core::result<payment_view, core::rejection> live_session(core::user_id customer, core::order_id order);

    /// The customer submits proof: session submitted, order awaiting_review, and the event
    /// "payment.submitted" (order facts, method, session, proof, transaction, contact, notes)
    /// queued for the payments log, where staff review it. Rejections:
    /// unknown_payment_session, not_owner, payment_session_expired, forbidden_transition,
    /// text_too_long, invalid_text (control characters or a bad proof URL).
    [[nodiscard]] core::result<payment_view, core::rejection> submit(core::user_id customer, core::payment_session_id id,
                                                                     const payment_proof& proof);

    /// The customer's own session `id` (another member's reads as none).
    [[nodiscard]] std::optional<core::payment_session> find_session(core::user_id customer, core::payment_session_id id);

    /// Staff approve a submitted session: order paid, then delivered (the reserved key or the
    /// payload), lifetime spend and tiers, all in one transaction. Rejections: not_staff,
    /// unknown_payment_session, forbidden_transition.
    [[nodiscard]] core::result<payment_view, core::rejection> approve(const actor& staff, core::payment_session_id id);

    /// Staff reject an open or submitted session with a reason (1..500 bytes); the order goes
    /// back to pending_payment and keeps its reservation. Rejections: not_staff,
    /// unknown_payment_session, forbidden_transition, invalid_text, text_too_long.
    [[nodiscard]] core::result<payment_view, core::rejection> reject(const actor& staff, core::payment_session_id id,
                                                                     const std::string& reason);

    /// The customer cancels an open or submitted session; the order is cancelled and its
    /// reservation released. Rejections: unknown_payment_session, not_owner, forbidden_transition.
    [[nodiscard]] core::result<payment_view, core::rejection> cancel(core::user_id customer, core::payment_session_id id);

    /// Expires every open session past its TTL (oldest first, at most `limit` per call): session
    /// expired, order cancelled, reservation released. Returns the expired sessions. A scheduled
    /// job calls this every minute.
    std::vector<payment_view> expire_due(std::size_t limit = 100);

    /// Submitted sessions waiting for staff, oldest first.
    [[nodiscard]] std::vector<core::payment_session> awaiting_review(std::size_t limit);

    /// The session's audit trail. Rejections: unknown_payment_session.
    [[nodiscard]] core::result<std::vector<core::payment_session_event>, core::rejection> audit_trail(
        core::payment_session_id id);

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
