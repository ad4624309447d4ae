#pragma once
/// @file order_service.hpp
/// Order use cases: look up by public reference, list, staff transitions and delivery, manual
/// orders for payments made outside apexcore, warranty renewals and expiring-soon queries.

#include <apexcore/core/order.hpp>
#include <apexcore/core/order_reference.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// Staff records an order paid outside apexcore (cash, bank transfer, ...).
struct manual_order_request {
    actor staff;                      ///< must be staff
    core::user_id customer;
    core::product_id product;
    std::optional<core::money> price_paid{};  ///< default: the list price; >= 0, shop currency
    core::order_metadata metadata{};  ///< e.g. {"payment": "bank transfer #123"}
    std::string idempotency_key{};    ///< optional, core/idempotency.hpp
};

/// What a manual order produced.
struct manual_order_receipt {
    core::order order;                         ///< delivered when there was something to deliver, else paid
    std::optional<std::string> license_key{};
    core::tier_changes role_changes{};
    std::vector<core::stock_event> stock_events{};
    bool replayed = false;
};

/// Order use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class order_service {
public:
    /// `store` must outlive the service; `config` is copied.
    order_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// The order with public reference `typed` (normalised: case, spaces, O->0, I/L->1), visible
    /// to its customer and to staff. Rejections: unknown_order (also for a malformed reference),
    /// not_owner.
    [[nodiscard]] core::result<core::order, core::rejection> find_by_reference(const actor& by, std::string_view typed);

    /// The order with `id`, for its customer or staff. Rejections: unknown_order, not_owner.
    [[nodiscard]] core::result<core::order, core::rejection> find(const actor& by, core::order_id id);

    /// The customer's orders, newest first, at most `limit` (1..100); with `before`, those older
    /// than that order (the next page).
    [[nodiscard]] std::vector<core::order> list_for(core::user_id customer, std::size_t limit,
                                                    std::optional<core::order_id> before = std::nullopt);

    /// Staff cancels an order that has not been paid (pending_payment or awaiting_review, with
    /// no live payment session: those are cancelled through payment_service), giving back its
    /// reserved stock unit and license key. Money states (paid, refunded, partially_refunded) are
    /// reached only through their use cases. Rejections: not_staff, unknown_order,
    /// forbidden_transition.
    [[nodiscard]] core::result<core::order, core::rejection> cancel(const actor& by, core::order_id id);

    /// Staff marks a paid order delivered with `text` (<= 2000 bytes; what was handed over).
    /// Sets the warranty end from the product's duration. Rejections: not_staff, unknown_order,
    /// forbidden_transition, text_too_long, invalid_text.
    [[nodiscard]] core::result<core::order, core::rejection> deliver(const actor& by, core::order_id id, const std::string& text);

    /// Staff creates and completes a manual order in one transaction (stock, key, delivery,
    /// lifetime spend and tiers as a wallet purchase, without a ledger row). Rejections:
    /// not_staff, unknown_product, product_inactive, currency_mismatch, invalid_amount,
    /// out_of_stock, no_license_key_available, invalid_metadata, invalid_idempotency_key,
    /// idempotency_conflict.
    [[nodiscard]] core::result<manual_order_receipt, core::rejection> create_manual(const manual_order_request& r);

    /// Staff renews a delivered order's warranty by the product's duration, counted from the
    /// later of now and the current expiry. Rejections: not_staff, unknown_order,
    /// forbidden_transition (not delivered, or the product has no duration).
    [[nodiscard]] core::result<core::order, core::rejection> renew_warranty(const actor& by, core::order_id id);

    /// The member asks for their order's delivery again by DM (issue "The storefront" §2): an
    /// "order.delivery" entry to them in the outbox with the delivery as its secret (the DM, or
    /// the orders log told without it when DMs are closed). At most once per order in any
    /// 10-minute slot (outbox dedup key "resend:<order>:<slot>"): a repeat in the slot writes
    /// nothing and returns false. Rejections: unknown_order (also another member's),
    /// forbidden_transition (nothing was delivered, or the shop sends no DMs).
    [[nodiscard]] core::result<bool, core::rejection> resend_delivery(core::user_id customer, core::order_id id);

    /// Staff: the sales over whole UTC days — today and the `days - 1` (1..366) before — with the 5 best-selling
    /// products (ports::sales_figures). Rejections: not_staff, invalid_amount (days out of range).
    [[nodiscard]] core::result<ports::sales_figures, core::rejection> sales(const actor& by, int days);
    /// Staff: the orders created in the last `days` (1..366) days as CSV (RFC 4180, LF): header
    /// `reference,created_at,customer_id,product_id,product,status,source,currency,list_price,price_paid,refunded,promo_code`,
    /// times in UTC ISO 8601, amounts as decimals; at most 100,000 orders, oldest first (the
    /// last line says when more were left out). Rejections: not_staff, invalid_amount.
    [[nodiscard]] core::result<std::string, core::rejection> export_orders_csv(const actor& by, int days);

    /// The shop's clock's time.
    [[nodiscard]] std::chrono::system_clock::time_point now() const { return config_.time().now(); }

    /// Whether the shop sends DMs (shop_config::notifications.direct_messages).
    [[nodiscard]] bool sends_direct_messages() const { return config_.notifications.direct_messages; }

    /// Delivered orders whose warranty ends within `window` from now, soonest first.
    [[nodiscard]] std::vector<core::order> warranty_expiring_within(std::chrono::hours window, std::size_t limit);

    /// Writes the "your warranty ends soon" DMs that are due (issue "The storefront" §6): one
    /// "warranty.expiring" entry per delivered order whose warranty ends within 7 days, and another
    /// once it ends within 1 day — each at most once (outbox dedup keys "warranty:<order>:7d" /
    /// ":1d"), so a scheduled job may call this as often as it likes, and a bot that was down
    /// catches up with the notices still worth sending. Nothing when the shop sends no DMs.
    /// Returns how many entries it wrote.
    std::size_t queue_warranty_notices();

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
