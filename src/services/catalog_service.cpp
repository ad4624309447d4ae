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

std::vector<core::product> catalog_service::search(const std::string& text, std::size_t limit, bool include_inactive) {
    std::vector<core::product> out;
    if (text.empty() || text.size() > 100) return out;
    const std::size_t n = std::clamp<std::size_t>(limit, 1, 100);
    store_.read([&](ports::unit_of_work& uow) {
        out = include_inactive ? uow.products().search_all(text, n) : uow.products().search_active(text, n);
    });
    return out;
}

core::result<std::string, core::rejection> catalog_service::export_csv(const actor& by) {
    if (!by.staff) return core::rejection::not_staff;
    std::vector<core::product> all;
    store_.read([&](ports::unit_of_work& uow) {
        std::optional<core::product_id> after;
        while (all.size() < core::catalog_csv_rows_max) {
            auto page = uow.products().list_all(after, std::min<std::size_t>(500, core::catalog_csv_rows_max - all.size()));
            if (page.empty()) break;
            after = page.back().id;
            std::move(page.begin(), page.end(), std::back_inserter(all));
        }
    });
    return core::write_catalog_csv(all);
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
    return insert(std::move(p), &by);
}

namespace {

/// The audit log's facts about a product a staff member changed.
core::outbox_facts product_facts(const core::product& p, const actor& by) {
    return {{"product", p.display_name()},
            {"product_id", std::to_string(p.id.value)},
            {"category", p.main_category + " / " + p.sub_category},
            {"price", core::format_money(p.price)},
            {"staff", by.user.str()}};
}

}  // namespace

core::result<core::product, core::rejection> catalog_service::add(core::product p) { return insert(std::move(p), nullptr); }

core::result<core::product, core::rejection> catalog_service::insert(core::product p, const actor* by) {
    if (core::validate(p)) return core::rejection::invalid_product;
    if (!(p.price.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
    return detail::transact<core::product>(store_, [&](ports::unit_of_work& uow) -> core::result<core::product, core::rejection> {
        if (uow.products().find_by_path(p.main_category, p.sub_category, p.service_name, p.variant_name)) {
            return core::rejection::duplicate_product;
        }
        p.id = uow.products().insert(p);
        if (by != nullptr) detail::notify_log(uow, config_, core::log_topic::audit, "product.created", product_facts(p, *by));
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
        const auto before = uow.products().find(p.id);
        if (!before || !uow.products().update(p)) return core::rejection::unknown_product;
        auto facts = product_facts(p, by);
        if (before->price != p.price) facts.emplace("was", core::format_money(before->price));
        detail::notify_log(uow, config_, core::log_topic::audit, "product.updated", std::move(facts));
        return *uow.products().find(p.id);
    });
}

core::result<core::product, core::rejection> catalog_service::set_active(const actor& by, core::product_id id, bool active) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::product>(store_, [&](ports::unit_of_work& uow) -> core::result<core::product, core::rejection> {
        auto stored = uow.products().find(id);
        if (!stored) return core::rejection::unknown_product;
        if (stored->active == active) return *stored;  // nothing to change, nothing to tell
        stored->active = active;
        uow.products().update(*stored);
        detail::notify_log(uow, config_, core::log_topic::audit, active ? "product.enabled" : "product.disabled",
                           product_facts(*stored, by));
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

core::result<catalog_import_report, core::rejection> catalog_service::import_csv(const actor& by, std::string_view csv,
                                                                              bool update_existing) {
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
            if (const auto stored = uow.products().find_by_path(p.main_category, p.sub_category, p.service_name, p.variant_name)) {
                if (!update_existing) {
                    report.issues.push_back({row.line, "variant_name", "a product with these names already exists (import with "
                                                                       "update to change it)"});
                    continue;
                }
                core::product changed = p;
                changed.id = stored->id;
                changed.stock = stored->stock;  // stock moves only through /stock (its alerts and history)
                uow.products().update(changed);
                report.updated.emplace_back(row.line, stored->id);
                continue;
            }
            report.imported.emplace_back(row.line, uow.products().insert(p));
        }
        detail::notify_log(uow, config_, core::log_topic::audit, "catalog.imported",
                           {{"staff", by.user.str()},
                            {"added", std::to_string(report.imported.size())},
                            {"updated", std::to_string(report.updated.size())},
                            {"refused_lines", std::to_string(report.issues.size())}});
        return ports::tx_outcome::commit;
    });
    std::stable_sort(report.issues.begin(), report.issues.end(),
                     [](const core::csv_issue& a, const core::csv_issue& b) { return a.line < b.line; });
    return report;
}

}  // namespace apexcore::services
