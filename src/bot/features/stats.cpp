#include <apexcore/bot/features/stats.hpp>

#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

int days_of(const ports::command_invocation& c) {
    const auto* days = find_option_as<std::int64_t>(c, "days");
    return days == nullptr ? 30 : static_cast<int>(std::clamp<std::int64_t>(*days, 0, 1000));
}

}  // namespace

stats_feature::stats_feature(const bot_config& config, services::order_service& orders, services::catalog_service& catalog,
                             sales_chart_fn chart)
    : config_(config), orders_(orders), catalog_(catalog), chart_(std::move(chart)) {}

std::vector<ports::command_spec> stats_feature::commands() const {
    ports::command_option_spec days{"days", "How many days back, counting today (default 30)", ports::option_type::integer, false};
    days.min_value = 1;
    days.max_value = 366;
    ports::command_spec stats{"stats", "Staff: sales figures", {}, true, {}, {}};
    stats.subcommands = {
        {"summary", "Staff: revenue, orders, refunds, new customers and best sellers, with a chart", {days}},
        {"orders", "Staff: the period's orders as a CSV file", {days}},
    };
    return {std::move(stats)};
}

ports::interaction_response stats_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const services::actor staff{i.from.user, true};
    const int days = days_of(c);
    if (days < 1 || days > 366) return ephemeral_reply("Days are counted from 1 to 366.");
    if (c.name == "stats orders") {
        auto csv = orders_.export_orders_csv(staff, days);
        if (!csv) return ephemeral_reply(config_.text(i, csv.error()));
        const auto lines = static_cast<std::size_t>(std::count(csv->begin(), csv->end(), '\n'));
        auto r = ephemeral_reply(std::to_string(lines - 1) + " orders of the last " + std::to_string(days) + " days (UTC), oldest first.");
        r.body.files.push_back({"orders.csv", "text/csv", std::move(*csv), "Orders"});
        return r;
    }
    if (c.name != "stats summary") return ephemeral_reply("Usage: /stats summary|orders [days]");
    const auto figures = orders_.sales(staff, days);
    if (!figures) return ephemeral_reply(config_.text(i, figures.error()));
    const auto money = [&](std::int64_t minor) { return core::format_money(core::money{minor, config_.currency}); };
    ports::embed e{"Sales, last " + std::to_string(days) + (days == 1 ? " day" : " days"), "", {}, 0x5865F2, "UTC days; net = revenue − refunds"};
    e.fields = {{"Revenue", money(figures->revenue_minor), true},
                {"Orders", std::to_string(figures->orders), true},
                {"Average order", figures->orders == 0 ? std::string("—") : money(figures->revenue_minor / figures->orders), true},
                {"Refunds", std::to_string(figures->refunds) + " · " + money(figures->refunded_minor), true},
                {"Net", money(figures->revenue_minor - figures->refunded_minor), true},
                {"New customers", std::to_string(figures->new_customers), true}};
    std::vector<std::string> names;
    std::string top;
    for (std::size_t n = 0; n < figures->top_products.size(); ++n) {
        const auto& p = figures->top_products[n];
        const auto found = catalog_.find(p.product);
        names.push_back(found ? found->display_name() : std::string());
        top += std::to_string(n + 1) + ". " + (found ? found->display_name() : "product " + std::to_string(p.product.value)) + " — " +
               money(p.revenue_minor) + " (" + std::to_string(p.orders) + ")\n";
    }
    e.fields.push_back({"Best sellers", top.empty() ? std::string("none yet") : core::truncate_utf8(top, 1024), false});
    auto r = ephemeral_reply("");
    if (chart_) {
        try {
            const auto today = std::chrono::floor<std::chrono::days>(orders_.now()).time_since_epoch().count();
            r.body.files.push_back({"sales.png", "image/png", chart_(*figures, today - (days - 1), days, names), "Revenue per day and best sellers"});
            e.image_url = "attachment://sales.png";
        } catch (const std::exception& ex) {
            ports::emit(config_.log, ports::log_level::warning, "stats", std::string("chart not drawn: ") + ex.what(),
                        {.interaction = i.id.str()});
        }
    }
    r.body.embeds.push_back(std::move(e));
    return r;
}

}  // namespace apexcore::bot
