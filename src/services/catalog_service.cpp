#include <apexcore/services/catalog_service.hpp>

namespace apexcore::services {

std::vector<core::product> catalog_service::list_active(std::size_t limit) {
    std::vector<core::product> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().list_active(limit); });
    return out;
}

std::optional<core::product> catalog_service::find(core::product_id id) {
    std::optional<core::product> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().find(id); });
    return out;
}

core::result<core::product, core::product_error> catalog_service::add(core::product p) {
    if (auto error = core::validate(p)) return *error;
    store_.transact([&](ports::unit_of_work& uow) {
        p.id = uow.products().insert(p);
        return ports::tx_outcome::commit;
    });
    return p;
}

}  // namespace apexcore::services
