#pragma once
/// @file idempotency.hpp
/// Idempotency keys for money movements: the client names a request (e.g. the Discord
/// interaction id), and repeating it returns the first result instead of moving money twice
/// (TigerBeetle, docs/coding/reliable-transaction-submission.md). A key reused for a *different*
/// request is a conflict, never silently applied (TigerBeetle's `exists_with_different_*`).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// Longest idempotency key, in bytes.
inline constexpr std::size_t idempotency_key_length_max = 100;

/// True for 1..100 printable ASCII characters (no spaces or control characters).
[[nodiscard]] inline bool is_valid_idempotency_key(std::string_view key) {
    if (key.empty() || key.size() > idempotency_key_length_max) return false;
    for (char c : key) {
        if (c <= ' ' || c > '~') return false;
    }
    return true;
}

/// What was recorded for a key: the operation and a canonical fingerprint of its request.
struct idempotency_record {
    std::string key;
    std::string operation;    ///< "staff_credit", "purchase", ...
    std::string fingerprint;  ///< canonical request summary; equal requests have equal fingerprints
    std::optional<std::int64_t> ledger_entry;  ///< the ledger row the request produced
    std::optional<std::int64_t> order;         ///< the order the request produced
};

}  // namespace apexcore::core
