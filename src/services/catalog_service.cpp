#include <apexcore/services/catalog_service.hpp>

#include "detail.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace apexcore::services {

std::vector<core::product> catalog_service::list_active(std::size_t limit) {
    std::vector<core::product> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().list_active(limit); });
    return out;
}

std::vector<core::product> catalog_service::search(const std::string& text, std::size_t limit) {
    std::vector<core::product> out;
    if (text.empty() || text.size() > 100) return out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().search_active(text, std::clamp<std::size_t>(limit, 1, 100)); });
    return out;
}

std::vector<core::product> catalog_service::list_by_tag(const std::string& tag, std::size_t limit) {
    std::vector<core::product> out;
    if (!core::is_valid_tag(tag)) return out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().list_by_tag(tag, limit); });
    return out;
}

std::optional<core::product> catalog_service::find(core::product_id id) {
    std::optional<core::product> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.products().find(id); });
    return out;
}

core::result<core::product, core::rejection> catalog_service::create(const actor& by, core::product p) {
    if (!by.staff) return core::rejection::not_staff;
    return add(std::move(p));
}

core::result<core::product, core::rejection> catalog_service::add(core::product p) {
    if (core::validate(p)) return core::rejection::invalid_product;
    if (!(p.price.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
    return detail::transact<core::product>(store_, [&](ports::unit_of_work& uow) -> core::result<core::product, core::rejection> {
        if (uow.products().find_by_path(p.main_category, p.sub_category, p.service_name, p.variant_name)) {
            return core::rejection::duplicate_product;
        }
        p.id = uow.products().insert(p);
        return p;
    });
}

core::result<core::product, core::rejection> catalog_service::update(const actor& by, const core::product& p) {
    if (!by.staff) return core::rejection::not_staff;
    if (core::validate(p)) return core::rejection::invalid_product;
    if (!(p.price.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
    return detail::transact<core::product>(store_, [&](ports::unit_of_work& uow) -> core::result<core::product, core::rejection> {
        const auto other = uow.products().find_by_path(p.main_category, p.sub_category, p.service_name, p.variant_name);
        if (other && other->id != p.id) return core::rejection::duplicate_product;
        if (!uow.products().update(p)) return core::rejection::unknown_product;
        return *uow.products().find(p.id);
    });
}

core::result<core::product, core::rejection> catalog_service::set_active(const actor& by, core::product_id id, bool active) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::product>(store_, [&](ports::unit_of_work& uow) -> core::result<core::product, core::rejection> {
        auto stored = uow.products().find(id);
        if (!stored) return core::rejection::unknown_product;
        stored->active = active;
        uow.products().update(*stored);
        return *stored;
    });
}

core::result<std::vector<core::stock_event>, core::rejection> catalog_service::restock(const actor& by, core::product_id id,
                                                                                       std::int64_t units) {
    if (!by.staff) return core::rejection::not_staff;
    if (units <= 0) return core::rejection::invalid_amount;
    return detail::transact<std::vector<core::stock_event>>(
        store_, [&](ports::unit_of_work& uow) -> core::result<std::vector<core::stock_event>, core::rejection> {
            const auto product = uow.products().find(id);
            if (!product) return core::rejection::unknown_product;
            const auto change = uow.products().adjust_stock(id, units);
            if (!change || change->refused) return core::rejection::invalid_amount;
            auto events = core::stock_events_for(id, change->before, change->after, product->low_stock_threshold,
                                                 product->critical_stock_threshold);
            detail::notify_stock(uow, config_, *product, events);
            return events;
        });
}

core::result<std::vector<core::stock_event>, core::rejection> catalog_service::set_stock(
    const actor& by, core::product_id id, std::optional<std::int64_t> stock) {
    if (!by.staff) return core::rejection::not_staff;
    if (stock && *stock < 0) return core::rejection::invalid_amount;
    return detail::transact<std::vector<core::stock_event>>(
        store_, [&](ports::unit_of_work& uow) -> core::result<std::vector<core::stock_event>, core::rejection> {
            const auto product = uow.products().find(id);
            if (!product) return core::rejection::unknown_product;
            uow.products().set_stock(id, stock);
            if (!product->stock || !stock) return std::vector<core::stock_event>{};
            auto events = core::stock_events_for(id, *product->stock, *stock, product->low_stock_threshold,
                                                 product->critical_stock_threshold);
            detail::notify_stock(uow, config_, *product, events);
            return events;
        });
}

core::result<catalog_import_report, core::rejection> catalog_service::import_csv(const actor& by, std::string_view csv) {
    if (!by.staff) return core::rejection::not_staff;
    core::catalog_csv_parse parsed = core::parse_catalog_csv(csv, config_.currency);
    catalog_import_report report;
    report.issues = std::move(parsed.issues);
    store_.transact([&](ports::unit_of_work& uow) {
        std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
        for (const auto& row : parsed.rows) {
            const auto& p = row.item;
            if (!seen.emplace(p.main_category, p.sub_category, p.service_name, p.variant_name).second) {
                report.issues.push_back({row.line, "variant_name", "repeats a product of an earlier line"});
                continue;
            }
            if (uow.products().find_by_path(p.main_category, p.sub_category, p.service_name, p.variant_name)) {
                report.issues.push_back({row.line, "variant_name", "a product with these names already exists"});
                continue;
            }
            report.imported.emplace_back(row.line, uow.products().insert(p));
        }
        return ports::tx_outcome::commit;
    });
    std::stable_sort(report.issues.begin(), report.issues.end(),
                     [](const core::csv_issue& a, const core::csv_issue& b) { return a.line < b.line; });
    return report;
}

}  // namespace apexcore::services
