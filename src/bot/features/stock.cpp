#include <apexcore/bot/features/stock.hpp>

#include <apexcore/bot/features/catalog.hpp>
#include <apexcore/core/text.hpp>

#include <charconv>

namespace apexcore::bot {
namespace {

/// "12 in stock (low at 10, critical at 1)" or "unlimited".
std::string stock_line(const core::product& p) {
    if (!p.stock) return "unlimited (not counted)";
    return std::to_string(*p.stock) + " in stock (low at " + std::to_string(p.low_stock_threshold) + ", critical at " +
           std::to_string(p.critical_stock_threshold) + ")";
}

/// The product the "product" option names (product_named, active products).
std::optional<core::product> product_of(services::catalog_service& catalog, const ports::command_invocation& c) {
    const auto* v = find_option(c, "product");
    if (v == nullptr || !std::holds_alternative<std::string>(*v)) return std::nullopt;
    return product_named(catalog, std::get<std::string>(*v), false);
}

}  // namespace

stock_feature::stock_feature(const bot_config& config, services::catalog_service& catalog) : config_(config), catalog_(catalog) {}

std::vector<ports::command_spec> stock_feature::commands() const {
    using ports::option_type;
    ports::command_option_spec product{"product", "The product (type to search)", option_type::string, true};
    product.autocomplete = true;
    product.max_length = 100;
    ports::command_option_spec units{"units", "How many to add", option_type::integer, true};
    units.min_value = 1;
    units.max_value = 1'000'000;
    ports::command_spec stock{"stock", "Staff: stock of the products", {}, true, {}, {}};
    stock.subcommands = {
        {"check", "Staff: a product's stock", {product}},
        {"add", "Staff: add units to a product's stock", {product, units}},
        {"set", "Staff: set a product's stock (a number, or unlimited)",
         {product, {"count", "A number of units, or \"unlimited\"", option_type::string, true}}},
    };
    return {std::move(stock)};
}

ports::interaction_response stock_feature::on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) {
    ports::interaction_response r;
    r.kind = ports::response_kind::suggest;
    if (!config_.is_staff(i.from) || a.option != "product") return r;
    for (const auto& p : catalog_.search(a.partial, ports::select_options_max)) {
        r.choices.push_back({core::truncate_utf8(p.display_name() + " — " + (p.stock ? std::to_string(*p.stock) + " left" : "unlimited"), 100),
                             std::to_string(p.id.value)});
    }
    return r;
}

ports::interaction_response stock_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto product = product_of(catalog_, c);
    if (!product) return ephemeral_reply("No single product matches; pick one of the suggestions.");
    const services::actor staff{i.from.user, true};
    if (c.name == "stock check") return ephemeral_reply("**" + product->display_name() + "**: " + stock_line(*product) + ".");
    if (c.name == "stock add") {
        const auto* units = find_option(c, "units");
        if (units == nullptr || !std::holds_alternative<std::int64_t>(*units)) return ephemeral_reply("Usage: /stock add product units");
        if (!product->stock) return ephemeral_reply("**" + product->display_name() + "** is not counted (unlimited); use /stock set first.");
        const auto done = catalog_.restock(staff, product->id, std::get<std::int64_t>(*units));
        if (!done) return ephemeral_reply(config_.text(i, done.error()));
    } else if (c.name == "stock set") {
        const auto* count = find_option(c, "count");
        const std::string text = count != nullptr && std::holds_alternative<std::string>(*count) ? std::get<std::string>(*count) : "";
        std::optional<std::int64_t> stock;
        if (text != "unlimited") {
            std::int64_t n = -1;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > 1'000'000'000) {
                return ephemeral_reply("The count is a number of units from 0 to 1000000000, or \"unlimited\".");
            }
            stock = n;
        }
        const auto done = catalog_.set_stock(staff, product->id, stock);
        if (!done) return ephemeral_reply(config_.text(i, done.error()));
    } else {
        return ephemeral_reply("Unknown command /" + c.name + ".");
    }
    const auto now = catalog_.find(product->id);
    return ephemeral_reply("**" + product->display_name() + "**: " + (now ? stock_line(*now) : std::string("changed")) + ".");
}

}  // namespace apexcore::bot
