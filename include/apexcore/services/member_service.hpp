#pragma once
/// @file member_service.hpp
/// Members' VIP standing: lifetime spend, held tier roles, and staff-managed manual tiers
/// (core/vip.hpp). Automatic tiers change only through purchases and refunds.

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/vip.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

namespace apexcore::services {

/// Member use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class member_service {
public:
    /// `store` must outlive the service; `config` is copied.
    member_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// The member's standing (a zero profile for a member never seen).
    [[nodiscard]] core::customer_profile profile(core::user_id user);

    /// Staff grant (`held == true`) or revoke a `manual` tier's role, then re-evaluate (an
    /// all-ranks tier may follow). Returns every role change for the chat layer to perform.
    /// Rejections: not_staff, forbidden_transition (the role is not a manual tier's).
    [[nodiscard]] core::result<core::tier_changes, core::rejection> set_manual_role(const actor& by, core::user_id user,
                                                                                    core::role_id role, bool held);

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
