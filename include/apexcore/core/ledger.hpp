#pragma once
/// @file ledger.hpp
/// The wallet ledger: one insert-only row per money movement. A user's balance always equals
/// the sum of their rows' amounts and the `balance_after` of their newest row (`reconcile`).
/// Mistakes are corrected with new rows (refund, staff_credit), never by editing
/// (TigerBeetle, docs/coding/recipes/correcting-transfers.md).

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// The kind of a ledger row. Credits (deposit, refund, staff_credit, bonus) have amount > 0;
/// debits (purchase, withdrawal) have amount < 0.
enum class ledger_entry_type { deposit, purchase, refund, staff_credit, bonus, withdrawal };

/// The stored name of a ledger type ("staff_credit").
[[nodiscard]] inline std::string_view to_string(ledger_entry_type t) {
    switch (t) {
        case ledger_entry_type::deposit: return "deposit";
        case ledger_entry_type::purchase: return "purchase";
        case ledger_entry_type::refund: return "refund";
        case ledger_entry_type::staff_credit: return "staff_credit";
        case ledger_entry_type::bonus: return "bonus";
        case ledger_entry_type::withdrawal: return "withdrawal";
    }
    return "unknown";
}

/// Parses a stored ledger type name; nullopt for unknown names.
[[nodiscard]] inline std::optional<ledger_entry_type> parse_ledger_entry_type(std::string_view s) {
    for (auto t : {ledger_entry_type::deposit, ledger_entry_type::purchase, ledger_entry_type::refund,
                   ledger_entry_type::staff_credit, ledger_entry_type::bonus,
                   ledger_entry_type::withdrawal}) {
        if (to_string(t) == s) return t;
    }
    return std::nullopt;
}

/// True for types that add money to the wallet.
[[nodiscard]] constexpr bool is_credit(ledger_entry_type t) {
    return t == ledger_entry_type::deposit || t == ledger_entry_type::refund ||
           t == ledger_entry_type::staff_credit || t == ledger_entry_type::bonus;
}

/// Longest ledger description kept, in bytes.
inline constexpr std::size_t ledger_description_length_max = 200;

/// A ledger row to append. The store assigns id, balance_after and created_at.
struct ledger_draft {
    user_id user;
    ledger_entry_type type = ledger_entry_type::deposit;
    money amount;                ///< signed: > 0 for credits, < 0 for debits, never 0
    std::string description;     ///< <= ledger_description_length_max bytes
    std::optional<order_id> order;    ///< the order a purchase/refund belongs to
    std::optional<user_id> staff;     ///< the staff member who made a staff_credit/withdrawal
    std::optional<channel_id> ticket{};  ///< the support ticket (its channel) the movement belongs to
};

/// A stored ledger row.
struct ledger_entry {
    ledger_entry_id id;
    user_id user;
    ledger_entry_type type = ledger_entry_type::deposit;
    money amount;          ///< signed amount of this movement
    money balance_after;   ///< the user's balance after this row, >= 0
    std::string description;
    std::optional<order_id> order;
    std::optional<user_id> staff;
    std::chrono::system_clock::time_point created_at;
    std::optional<channel_id> ticket{};  ///< the support ticket (its channel), if any
};

/// Why a ledger draft is malformed (a programming or input error, not a business rejection).
enum class ledger_draft_error { zero_amount, sign_mismatch, description_too_long, missing_user };

/// Checks the sign/type agreement and limits of a draft; nullopt when valid.
[[nodiscard]] inline std::optional<ledger_draft_error> validate(const ledger_draft& d) {
    if (d.user.empty()) return ledger_draft_error::missing_user;
    if (d.amount.is_zero()) return ledger_draft_error::zero_amount;
    if (is_credit(d.type) == d.amount.is_negative()) return ledger_draft_error::sign_mismatch;
    if (d.description.size() > ledger_description_length_max) return ledger_draft_error::description_too_long;
    return std::nullopt;
}

}  // namespace apexcore::core
