#pragma once
/// @file catalog_service.hpp
/// Catalog use cases: list what can be bought, add products.

#include <apexcore/core/catalog.hpp>
#include <apexcore/ports/store.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace apexcore::services {

/// Reads and grows the catalog.
class catalog_service {
public:
    /// `store` must outlive the service.
    explicit catalog_service(ports::store& store) : store_(store) {}

    /// Active products in display order, at most `limit`.
    [[nodiscard]] std::vector<core::product> list_active(std::size_t limit);
    /// The product with `id`, active or not.
    [[nodiscard]] std::optional<core::product> find(core::product_id id);
    /// Validates (core::validate) and stores a product; returns the stored product or the reason
    /// it was refused.
    [[nodiscard]] core::result<core::product, core::product_error> add(core::product p);

private:
    ports::store& store_;
};

}  // namespace apexcore::services
