// order_service: sales figures and the orders CSV for staff (issue 12 §8).
#include <apexcore/services/order_service.hpp>

#include <apexcore/core/catalog_csv.hpp>

#include "detail.hpp"

#include <cstdio>
#include <map>

namespace apexcore::services {
namespace {

constexpr std::size_t export_rows_max = 100'000;

/// [start of the UTC day `days - 1` days before today, end of today): whole UTC days.
std::pair<std::chrono::system_clock::time_point, std::chrono::system_clock::time_point> window(std::chrono::system_clock::time_point now,
                                                                                               int days) {
    const auto today = std::chrono::floor<std::chrono::days>(now);
    return {today - std::chrono::days(days - 1), today + std::chrono::days(1)};
}

/// "2026-11-30T14:30:00Z".
std::string iso_utc(std::chrono::system_clock::time_point t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
    return out;
}

}  // namespace

core::result<ports::sales_figures, core::rejection> order_service::sales(const actor& by, int days) {
    if (!by.staff) return core::rejection::not_staff;
    if (days < 1 || days > 366) return core::rejection::invalid_amount;
    // Not a structured binding: clang 14 cannot capture one in the lambda below (C++20 P1091).
    const auto period = window(config_.time().now(), days);
    const auto from = period.first, to = period.second;
    ports::sales_figures out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.orders().sales(from, to, 5); });
    return out;
}

core::result<std::string, core::rejection> order_service::export_orders_csv(const actor& by, int days) {
    if (!by.staff) return core::rejection::not_staff;
    if (days < 1 || days > 366) return core::rejection::invalid_amount;
    const auto period = window(config_.time().now(), days);
    const auto from = period.first, to = period.second;
    std::string csv = "reference,created_at,customer_id,product_id,product,status,source,currency,list_price,price_paid,refunded,promo_code\n";
    std::size_t written = 0;
    bool more = false;
    store_.read([&](ports::unit_of_work& uow) {
        std::map<core::product_id, std::string> names;
        std::optional<core::order_id> after;
        while (true) {
            const auto page = uow.orders().list_between(from, to, after, 1000);
            if (page.empty()) break;
            for (const auto& o : page) {
                if (written == export_rows_max) {
                    more = true;
                    return;
                }
                auto name = names.find(o.product);
                if (name == names.end()) {
                    const auto p = uow.products().find(o.product);
                    name = names.emplace(o.product, p ? p->display_name() : std::string()).first;
                }
                const std::string fields[] = {o.reference,
                                              iso_utc(o.created_at),
                                              o.customer.str(),
                                              std::to_string(o.product.value),
                                              name->second,
                                              std::string(core::to_string(o.status)),
                                              std::string(core::to_string(o.source)),
                                              o.price_paid.currency_of().code_string(),
                                              core::csv_detail::plain_amount(o.list_price),
                                              core::csv_detail::plain_amount(o.price_paid),
                                              core::csv_detail::plain_amount(o.refunded),
                                              o.promo_code.value_or("")};
                bool first = true;
                for (const auto& f : fields) {
                    if (!first) csv += ',';
                    first = false;
                    core::csv_detail::append_field(csv, f);
                }
                csv += '\n';
                ++written;
            }
            after = page.back().id;
        }
    });
    if (more) csv += "# more than " + std::to_string(export_rows_max) + " orders: ask for fewer days\n";
    return csv;
}

}  // namespace apexcore::services
