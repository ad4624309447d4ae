#pragma once
/// @file promo_service.hpp
/// Promo codes: staff create or replace them; purchases redeem them (wallet_service) under the
/// rule of core/pricing.hpp and docs/pricing.md.

#include <apexcore/core/pricing.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <optional>
#include <string>

namespace apexcore::services {

/// Why a promo code definition was refused.
enum class promo_definition_error {
    bad_code,       ///< not 1..32 characters of [A-Za-z0-9_-]
    bad_percent,    ///< percent code outside 1..10000 bp
    bad_fixed,      ///< fixed code <= 0 or in another currency
    bad_limits,     ///< a use limit < 1, or min spend < 0 / other currency
    bad_scope,      ///< more than 100 products or categories, or an empty / over-long category name
};

/// A sentence saying what is wrong, for the staff member who defined the code.
[[nodiscard]] std::string_view describe(promo_definition_error e);

/// Checks a promo code definition in the shop currency; nullopt when valid.
[[nodiscard]] std::optional<promo_definition_error> validate_promo(const core::promo_code& p, const core::currency& currency);

/// Promo code use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class promo_service {
public:
    /// `store` must outlive the service; `config` is copied.
    promo_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Staff create or replace a code. Rejections: not_staff, invalid_text (validate_promo failed).
    [[nodiscard]] core::result<core::promo_code, core::rejection> upsert(const actor& by, const core::promo_code& p);

    /// Codes in name order with their total use, at most `limit` (1..100).
    [[nodiscard]] std::vector<std::pair<core::promo_code, int>> list(std::size_t limit);

    /// Switches a code off (kept, and its redemptions). Rejections: not_staff, unknown_promo_code.
    [[nodiscard]] core::result<core::promo_code, core::rejection> deactivate(const actor& by, const std::string& code);

    /// Deletes a code nobody used. Rejections: not_staff, unknown_promo_code, forbidden_transition
    /// (it was used: deactivate it instead, its redemptions keep it).
    [[nodiscard]] core::result<core::promo_code, core::rejection> remove(const actor& by, const std::string& code);

    /// The code (case-insensitive) and its use so far by `user`. Rejection: unknown_promo_code.
    [[nodiscard]] core::result<std::pair<core::promo_code, core::promo_usage>, core::rejection> find(const std::string& code,
                                                                                                      core::user_id user);

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
