#pragma once
/// @file stats.hpp
/// The stats feature, for staff:
/// - `/stats summary [days]` — the last `days` UTC days (default 30, 1..366): revenue, orders,
///   refunds, new customers and the 5 best sellers (services::order_service::sales), with a PNG
///   chart attached when the bot was given a chart function (the reference bot draws it with
///   cairo: render/sales_chart.hpp);
/// - `/stats orders [days]` — those orders as a CSV file (order_service::export_orders_csv).

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/order_service.hpp>

#include <functional>

namespace apexcore::bot {

/// Draws the chart: the figures, the period's first UTC day (days since the epoch), its length
/// in days and the names of figures.top_products in order; returns PNG bytes. May throw (the
/// reply then comes without a chart).
using sales_chart_fn = std::function<std::string(const ports::sales_figures&, std::int64_t first_day, int days,
                                                 const std::vector<std::string>& product_names)>;

/// /stats. Thread-safe; the services must outlive it.
class stats_feature final : public feature {
public:
    stats_feature(const bot_config& config, services::order_service& orders, services::catalog_service& catalog, sales_chart_fn chart);

    [[nodiscard]] std::string name() const override { return "stats"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

private:
    const bot_config& config_;
    services::order_service& orders_;
    services::catalog_service& catalog_;
    sales_chart_fn chart_;
};

}  // namespace apexcore::bot
