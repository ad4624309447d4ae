#pragma once
/// @file refund_service.hpp
/// Refunds: a customer requests one inside the window, staff approve (the net amount goes back
/// to the wallet as a `refund` ledger row, the order becomes refunded / partially_refunded, the
/// lifetime spend drops and tiers are re-evaluated — all in one transaction) or reject with a
/// reason. Rules: core/refund.hpp.

#include <apexcore/core/refund.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// A refund request.
struct refund_request {
    actor by;                          ///< the order's customer, or staff (who skip the window)
    core::order_id order;
    std::optional<core::money> amount{};  ///< gross amount; default: everything not yet refunded
    std::string reason{};              ///< <= 500 bytes, single line
};

/// What an approval did.
struct refund_outcome {
    core::refund refund;
    core::order order;
    std::optional<core::ledger_entry> credit{};  ///< the refund ledger row (none when the net is 0)
    core::tier_changes role_changes{};
};

/// Refund use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
/// What a refund request would give back, before it is made (the customer's /refund preview).
struct refund_quote {
    core::order order;
    core::money amount;   ///< gross: everything not refunded yet
    core::money fee;      ///< the handling fee (shop_config::refunds.fee_percent, half up)
    core::money net;      ///< amount - fee: what the wallet gets
    std::optional<std::chrono::system_clock::time_point> window_ends;  ///< nullopt for staff (no window)
};

class refund_service {
public:
    /// `store` must outlive the service; `config` is copied.
    refund_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Files a request. Rejections: unknown_order, not_owner, forbidden_transition (the order is
    /// not paid / delivered / partially_refunded), refund_window_closed (customers only),
    /// refund_amount_invalid (<= 0, other currency, or more than what is left),
    /// refund_already_requested, text_too_long, invalid_text.
    [[nodiscard]] core::result<core::refund, core::rejection> request(const refund_request& r);

    /// What request({by, order}) would ask for now, without writing: the same checks and
    /// rejections (unknown_order, not_owner, forbidden_transition, refund_window_closed,
    /// refund_already_requested), plus the fee and the window's end.
    [[nodiscard]] core::result<refund_quote, core::rejection> quote(const actor& by, core::order_id order);

    /// When `member` may ask for another refund under the shop's cooldown (shop_config::cooldowns);
    /// nullopt when they may now. request() refuses with cooldown_active until then (staff are not limited).
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> request_cooldown_until(core::user_id member);

    /// Staff approves a pending request. Rejections: not_staff, unknown_refund, already_decided,
    /// forbidden_transition / refund_amount_invalid (the order changed since the request).
    [[nodiscard]] core::result<refund_outcome, core::rejection> approve(const actor& staff, core::refund_id id,
                                                                        const std::string& note = {});

    /// Staff rejects a pending request with a reason (1..500 bytes). Rejections: not_staff,
    /// unknown_refund, already_decided, invalid_text (empty reason), text_too_long.
    [[nodiscard]] core::result<core::refund, core::rejection> reject(const actor& staff, core::refund_id id,
                                                                     const std::string& reason);

    /// Requests awaiting a decision, oldest first.
    [[nodiscard]] std::vector<core::refund> pending(std::size_t limit);

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
