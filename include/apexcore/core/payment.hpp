#pragma once
/// @file payment.hpp
/// Manual verification of external payments: configured payment methods and persistent payment
/// sessions. A session belongs to one order and one customer and moves through
///   open -> submitted (proof given; order awaiting_review) -> approved (order paid + delivered)
///   open | submitted -> rejected (order back to pending_payment) | cancelled (by the customer)
///   open -> expired (its TTL passed without proof)
/// At most one session per order is open or submitted at a time. Every transition is audited.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/order.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

struct payment_session_tag {};
using payment_session_id = row_id<payment_session_tag>;  ///< payment session row

inline constexpr std::size_t payment_method_name_length_max = 32;
inline constexpr std::size_t payment_instructions_length_max = 1000;
inline constexpr std::size_t payment_emoji_length_max = 64;
inline constexpr std::size_t payment_field_length_max = 128;   ///< transaction id, contact
inline constexpr std::size_t payment_notes_length_max = 1000;
inline constexpr std::size_t payment_proof_url_length_max = 512;

/// A payment method staff configured (config key payments.methods[]).
struct payment_method {
    std::string name;          ///< 1..32 bytes, [A-Za-z0-9 _-], unique in the config, e.g. "PayPal"
    std::string instructions;  ///< 1..1000 bytes, shown to the customer
    std::string emoji{};       ///< optional, <= 64 bytes (a unicode emoji or <:name:id>)
    order_metadata metadata{}; ///< free-form, core::is_valid_metadata
    /// Whether the member must send a proof (a receipt link or upload) with "I have paid"; when
    /// false (cash at a counter, a method staff check on their side) the proof is optional.
    bool proof_required = true;
};

/// Why a payment method is misconfigured.
enum class payment_method_error { bad_name, bad_instructions, bad_emoji, bad_metadata };

/// Checks a payment method; nullopt when valid.
[[nodiscard]] inline std::optional<payment_method_error> validate(const payment_method& m) {
    if (m.name.empty() || m.name.size() > payment_method_name_length_max) return payment_method_error::bad_name;
    for (char c : m.name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                        c == '_' || c == '-';
        if (!ok) return payment_method_error::bad_name;
    }
    if (m.instructions.empty() || m.instructions.size() > payment_instructions_length_max) {
        return payment_method_error::bad_instructions;
    }
    if (m.emoji.size() > payment_emoji_length_max) return payment_method_error::bad_emoji;
    if (!is_valid_metadata(m.metadata)) return payment_method_error::bad_metadata;
    return std::nullopt;
}

/// The state of a payment session.
enum class payment_session_status { open, submitted, approved, rejected, cancelled, expired };

/// The stored name of a session status ("open").
[[nodiscard]] inline std::string_view to_string(payment_session_status s) {
    switch (s) {
        case payment_session_status::open: return "open";
        case payment_session_status::submitted: return "submitted";
        case payment_session_status::approved: return "approved";
        case payment_session_status::rejected: return "rejected";
        case payment_session_status::cancelled: return "cancelled";
        case payment_session_status::expired: return "expired";
    }
    return "unknown";
}

/// Parses a stored session status; nullopt for unknown names.
[[nodiscard]] inline std::optional<payment_session_status> parse_payment_session_status(std::string_view s) {
    for (auto v : {payment_session_status::open, payment_session_status::submitted, payment_session_status::approved,
                   payment_session_status::rejected, payment_session_status::cancelled,
                   payment_session_status::expired}) {
        if (to_string(v) == s) return v;
    }
    return std::nullopt;
}

/// Whether a session may move from `from` to `to` (the diagram in this file's header).
[[nodiscard]] constexpr bool can_transition(payment_session_status from, payment_session_status to) {
    using s = payment_session_status;
    switch (from) {
        case s::open: return to == s::submitted || to == s::rejected || to == s::cancelled || to == s::expired;
        case s::submitted: return to == s::approved || to == s::rejected || to == s::cancelled;
        case s::approved:
        case s::rejected:
        case s::cancelled:
        case s::expired: return false;
    }
    return false;
}

/// True while the session still counts as the order's open session.
[[nodiscard]] constexpr bool is_live(payment_session_status s) {
    return s == payment_session_status::open || s == payment_session_status::submitted;
}

/// True for an https:// URL of printable ASCII without spaces, 12..512 bytes (a Discord
/// attachment URL such as https://cdn.discordapp.com/attachments/...).
[[nodiscard]] inline bool is_valid_proof_url(std::string_view url) {
    if (url.size() < 12 || url.size() > payment_proof_url_length_max) return false;
    if (url.substr(0, 8) != "https://") return false;
    for (char c : url) {
        if (c <= ' ' || c > '~') return false;
    }
    return true;
}

/// A stored payment session.
struct payment_session {
    payment_session_id id;
    order_id order;
    user_id customer;
    std::string method;
    payment_session_status status = payment_session_status::open;
    std::string transaction_id{};
    std::string contact{};
    std::string notes{};
    std::string proof_url{};
    std::string reason{};               ///< rejection reason
    std::optional<user_id> staff{};     ///< who approved or rejected
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point expires_at{};
    std::chrono::system_clock::time_point updated_at{};
};

/// One audited transition of a session.
struct payment_session_event {
    payment_session_id session;
    std::optional<payment_session_status> from;  ///< nullopt for creation
    payment_session_status to = payment_session_status::open;
    user_id actor;                               ///< customer or staff member
    std::string note{};
    std::chrono::system_clock::time_point at{};
};

}  // namespace apexcore::core
