#pragma once
/// @file refund.hpp
/// Refund rules: the request window, the handling fee and the refund record.
///
/// - A customer may request a refund while `now < order.created_at + max_days days`;
///   `max_days == 0` switches customer requests off (staff can still refund through a request
///   they file themselves with `staff_override`).
/// - The handling fee is `fee_percent` of the refunded amount, rounded half up to the minor unit:
///   fee = (amount * fee_percent + 50) / 100; the wallet is credited `amount - fee`.
/// - The order's `refunded` total grows by the gross amount; when it reaches `price_paid` the
///   order is `refunded`, otherwise `partially_refunded`.
/// - Lifetime spend (VIP tiers) goes down by the net amount credited: the fee kept by the shop
///   stays spent.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

struct refund_tag {};
using refund_id = row_id<refund_tag>;  ///< refund request row

/// The shop's refund configuration (config keys refunds.max_days / refunds.fee_percent).
struct refund_policy {
    int max_days = 14;    ///< request window in days, 0..365; 0 = customers cannot request
    int fee_percent = 0;  ///< handling fee, 0..100 percent of the refunded amount
};

/// True when max_days is 0..365 and fee_percent 0..100.
[[nodiscard]] constexpr bool is_valid(const refund_policy& p) {
    return p.max_days >= 0 && p.max_days <= 365 && p.fee_percent >= 0 && p.fee_percent <= 100;
}

/// Whether a refund may still be requested at `now` for an order created at `created_at`.
[[nodiscard]] inline bool within_refund_window(const refund_policy& p, std::chrono::system_clock::time_point created_at,
                                               std::chrono::system_clock::time_point now) {
    if (p.max_days <= 0) return false;
    return now < created_at + std::chrono::hours(24) * p.max_days;
}

/// The handling fee on a gross refund of `amount`: half up, never above the amount.
/// Errors: out_of_range (!is_valid(p)), negative (amount < 0), overflow (amount above
/// amount_minor_max). Within those limits amount * 100 + 50 cannot overflow (static_assert).
[[nodiscard]] inline result<money, money_error> refund_fee(const refund_policy& p, const money& amount) {
    static_assert(amount_minor_max <= (std::numeric_limits<std::int64_t>::max() - 50) / 100);
    if (!is_valid(p)) return money_error::out_of_range;
    if (amount.is_negative()) return money_error::negative;
    if (amount.minor_units() > amount_minor_max) return money_error::overflow;
    const std::int64_t fee = (amount.minor_units() * p.fee_percent + 50) / 100;
    return money{fee, amount.currency_of()};
}

/// The state of a refund request.
enum class refund_status { requested, approved, rejected };

/// The stored name of a refund status ("requested").
[[nodiscard]] inline std::string_view to_string(refund_status s) {
    switch (s) {
        case refund_status::requested: return "requested";
        case refund_status::approved: return "approved";
        case refund_status::rejected: return "rejected";
    }
    return "unknown";
}

/// Parses a stored refund status name; nullopt for unknown names.
[[nodiscard]] inline std::optional<refund_status> parse_refund_status(std::string_view s) {
    for (auto v : {refund_status::requested, refund_status::approved, refund_status::rejected}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

/// Longest refund reason / decision reason, in bytes.
inline constexpr std::size_t refund_reason_length_max = 500;

/// A stored refund request.
struct refund {
    refund_id id;
    order_id order;
    user_id customer;
    refund_status status = refund_status::requested;
    money amount;          ///< gross amount requested
    std::string reason{};  ///< the customer's reason
    std::optional<user_id> staff{};          ///< who decided
    std::string decision_reason{};           ///< why (required for a rejection)
    money fee{};                             ///< handling fee kept (approved only)
    std::optional<ledger_entry_id> credit{};  ///< the refund ledger row (approved only)
    std::chrono::system_clock::time_point requested_at{};
    std::optional<std::chrono::system_clock::time_point> decided_at{};
};

}  // namespace apexcore::core
