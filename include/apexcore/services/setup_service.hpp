#pragma once
/// @file setup_service.hpp
/// What /setup made in the guild (ports::setup_repository): read by the setup feature to repair
/// instead of duplicating, and at start-up by the reference bot to use the channels it made.

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/result.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <map>
#include <string>

namespace apexcore::services {

/// Thread-safe when the store is; keeps no mutable state of its own.
class setup_service {
public:
    /// `store` must outlive the service; `config` is copied (it says whether the audit log is written).
    setup_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}
    /// Every record, by name.
    [[nodiscard]] std::map<std::string, ports::setup_record> records();
    /// Staff (or the server's administrator, checked by the caller) record what they made, and the
    /// audit log is told ("setup.recorded") when the shop logs it. Rejection: not_staff.
    core::result<bool, core::rejection> record(const actor& by, const ports::setup_record& r);

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
