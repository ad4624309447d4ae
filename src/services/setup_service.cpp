#include <apexcore/services/setup_service.hpp>

#include "detail.hpp"

namespace apexcore::services {

std::map<std::string, ports::setup_record> setup_service::records() {
    std::map<std::string, ports::setup_record> out;
    store_.read([&](ports::unit_of_work& uow) {
        for (auto& r : uow.setup().setup_records()) out.emplace(r.name, std::move(r));
    });
    return out;
}

core::result<bool, core::rejection> setup_service::record(const actor& by, const ports::setup_record& r) {
    if (!by.staff) return core::rejection::not_staff;
    store_.transact([&](ports::unit_of_work& uow) {
        uow.setup().record_setup(r);
        detail::notify_log(uow, config_, core::log_topic::audit, "setup.recorded",
                           {{"item", r.name}, {"kind", r.kind}, {"id", std::to_string(r.id)}, {"staff", by.user.str()}});
        return ports::tx_outcome::commit;
    });
    return true;
}

}  // namespace apexcore::services
