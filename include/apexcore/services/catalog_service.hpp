#pragma once
/// @file catalog_service.hpp
/// Catalog use cases: list and find products, add / update / deactivate them (staff), stock
/// (restock, set), tags, and bulk import from CSV (core/catalog_csv.hpp).

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/catalog_csv.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace apexcore::services {

/// The outcome of a CSV import: products stored (with their line numbers) and every problem
/// (line, column, reason). Bad lines are skipped; the good ones are stored in one transaction.
struct catalog_import_report {
    std::vector<std::pair<std::size_t, core::product_id>> imported{};
    std::vector<std::pair<std::size_t, core::product_id>> updated{};  ///< existing products changed (update_existing)
    std::vector<core::csv_issue> issues{};
};

/// Reads and maintains the catalog. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class catalog_service {
public:
    /// `store` must outlive the service; `config` is copied. Products are priced in
    /// `config.currency`; a product in another currency is refused (currency_mismatch).
    catalog_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Active products in display order (main category, sub category, service, variant), at most `limit`.
    [[nodiscard]] std::vector<core::product> list_active(std::size_t limit);
    /// Active products carrying `tag`, in display order, at most `limit`.
    [[nodiscard]] std::vector<core::product> list_by_tag(const std::string& tag, std::size_t limit);
    /// Active products matching what a member typed (names contain it, or a tag starts with it;
    /// ports::product_repository::search_active), at most `limit` (1..100). Empty text: none.
    /// `include_inactive`: switched-off products match too (staff tools).
    [[nodiscard]] std::vector<core::product> search(const std::string& text, std::size_t limit, bool include_inactive = false);
    /// The product with `id`, active or not.
    [[nodiscard]] std::optional<core::product> find(core::product_id id);

    /// Stores a product without an actor: for code that seeds its own catalog (a products file, a
    /// test). Same checks and rejections as create() except not_staff: invalid_product
    /// (core::validate; call it first for the field-level product_error), currency_mismatch,
    /// duplicate_product (same four names).
    [[nodiscard]] core::result<core::product, core::rejection> add(core::product p);

    /// Staff adds a product. Rejections: not_staff, invalid_product (core::validate),
    /// currency_mismatch, duplicate_product (same four names).
    [[nodiscard]] core::result<core::product, core::rejection> create(const actor& by, core::product p);

    /// Staff replaces a product's fields (not its stock). Rejections: not_staff, unknown_product,
    /// invalid_product, currency_mismatch, duplicate_product.
    [[nodiscard]] core::result<core::product, core::rejection> update(const actor& by, const core::product& p);

    /// Staff switches a product off (soft delete) or on again. Rejections: not_staff, unknown_product.
    [[nodiscard]] core::result<core::product, core::rejection> set_active(const actor& by, core::product_id id, bool active);

    /// Staff adds `units` (> 0) to a counted stock; returns the threshold events (restocked).
    /// Rejections: not_staff, unknown_product, invalid_amount (units <= 0, overflow, or the
    /// product has unlimited stock: use set_stock).
    [[nodiscard]] core::result<std::vector<core::stock_event>, core::rejection> restock(const actor& by, core::product_id id,
                                                                                         std::int64_t units);

    /// Staff sets the stock to a count >= 0 or to unlimited (nullopt). Returns the events.
    /// Rejections: not_staff, unknown_product, invalid_amount (negative).
    [[nodiscard]] core::result<std::vector<core::stock_event>, core::rejection> set_stock(
        const actor& by, core::product_id id, std::optional<std::int64_t> stock);

    /// Staff imports products from CSV. Rejection: not_staff. Otherwise a report; a product
    /// repeated in the file is an issue, and so is one already stored — unless `update_existing`,
    /// when its fields but not its stock are replaced by the line's (stock changes go through
    /// set_stock / restock, with their alerts). The audit log is told ("catalog.imported").
    [[nodiscard]] core::result<catalog_import_report, core::rejection> import_csv(const actor& by, std::string_view csv,
                                                                                bool update_existing = false);
    /// Staff export every product, active or not, as a catalog CSV (core::write_catalog_csv; at
    /// most core::catalog_csv_rows_max products, by id), which import_csv reads back.
    /// Rejection: not_staff.
    [[nodiscard]] core::result<std::string, core::rejection> export_csv(const actor& by);

private:
    /// add() and create(): `by` (may be null) is told to the audit log.
    core::result<core::product, core::rejection> insert(core::product p, const actor* by);

    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
