#pragma once
/// @file staff_proposal.hpp
/// A staff member's proposed wallet change, shown as a preview and applied only when they press
/// its one-time Confirm button (issue "Running the shop" §5). A credit whose reply was lost, or
/// a retried command, therefore never moves money by itself: the preview moves nothing, and the
/// confirmation is keyed by the proposal's token, so pressing Confirm twice applies it once.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// What a proposal does to the member's wallet.
enum class staff_action {
    wallet_credit,  ///< adds `amount` (ledger type staff_credit)
    wallet_debit,   ///< takes `amount` away (ledger type withdrawal); never below zero
};

/// "wallet_credit", "wallet_debit": the names used in the store.
[[nodiscard]] constexpr std::string_view to_string(staff_action a) {
    return a == staff_action::wallet_credit ? "wallet_credit" : "wallet_debit";
}

/// The action named `name`; nullopt otherwise.
[[nodiscard]] constexpr std::optional<staff_action> parse_staff_action(std::string_view name) {
    if (name == "wallet_credit") return staff_action::wallet_credit;
    if (name == "wallet_debit") return staff_action::wallet_debit;
    return std::nullopt;
}

/// How long a preview can be confirmed: Discord's interaction tokens live 15 minutes too
/// (REFERENCE.md §Interactions), after which the preview could not even be updated.
inline constexpr std::chrono::minutes staff_proposal_ttl{15};
inline constexpr std::size_t staff_proposal_token_length_max = 40;  ///< bytes of a token

/// A stored proposal.
struct staff_proposal {
    std::string token;     ///< 1..40 bytes of [0-9A-Za-z:_-], e.g. the preview interaction's id
    staff_action action = staff_action::wallet_credit;
    user_id staff;         ///< who proposed it (and alone may confirm or cancel it)
    user_id member;        ///< whose wallet
    money amount;          ///< > 0, <= amount_minor_max
    std::string reason;    ///< the ledger description, <= ledger_description_length_max bytes
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point expires_at{};
    bool cancelled = false;
};

/// Whether `token` is 1..40 bytes of [0-9A-Za-z:_-].
[[nodiscard]] constexpr bool is_valid_proposal_token(std::string_view token) {
    if (token.empty() || token.size() > staff_proposal_token_length_max) return false;
    for (const char c : token) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ':' || c == '_' ||
                        c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace apexcore::core
