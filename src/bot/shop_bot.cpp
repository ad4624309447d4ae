#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <exception>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t brand_color = 0x5865F2;
constexpr std::uint32_t success_color = 0x57F287;

const ports::option_value* find_option(const ports::command_invocation& c, std::string_view name) {
    for (const auto& o : c.options) {
        if (o.name == name) return &o.value;
    }
    return nullptr;
}

std::string mention(core::user_id u) { return "<@" + u.str() + ">"; }

}  // namespace

ports::interaction_response ephemeral_reply(std::string text) {
    ports::interaction_response r;
    r.kind = ports::response_kind::reply;
    r.body.content = std::move(text);
    r.body.ephemeral = true;
    return r;
}

shop_bot::shop_bot(shop_config config, services::wallet_service& wallet, services::catalog_service& catalog,
                   std::function<void(std::string_view)> log)
    : config_(config), wallet_(wallet), catalog_(catalog), log_(std::move(log)) {}

std::vector<ports::command_spec> shop_bot::commands() const {
    return {
        {"balance", "Show your wallet balance", {}, false},
        {"buy", "Browse the shop and buy with your wallet", {}, false},
        {"addbalance",
         "Staff: add money to a member's wallet",
         {
             {"user", "Whose wallet to credit", ports::option_type::user, true},
             {"amount", "Amount, e.g. 12.50", ports::option_type::string, true},
             {"reason", "Why (kept in the ledger)", ports::option_type::string, false},
         },
         true},
    };
}

ports::interaction_response shop_bot::handle(const ports::interaction& interaction) {
    try {
        if (const auto* c = std::get_if<ports::command_invocation>(&interaction.action)) {
            return on_command(interaction, *c);
        }
        if (const auto* a = std::get_if<ports::component_action>(&interaction.action)) return on_component(interaction, *a);
        if (std::holds_alternative<ports::autocomplete_request>(interaction.action)) {
            ports::interaction_response none;  // the shop's commands declare no autocomplete options
            none.kind = ports::response_kind::suggest;
            return none;
        }
        return ephemeral_reply("That form is not one this shop opened. Nothing was changed.");
    } catch (const std::exception& e) {
        if (log_) log_(std::string("interaction ") + interaction.id.str() + " failed: " + e.what());
        return ephemeral_reply("Something went wrong on our side and nothing was charged. Please try again.");
    }
}

bool shop_bot::is_staff(const ports::invoker& who) const {
    return std::find(who.roles.begin(), who.roles.end(), config_.staff_role) != who.roles.end();
}

ports::interaction_response shop_bot::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "balance") return balance(i);
    if (c.name == "buy") return open_shop();
    if (c.name == "addbalance") return add_balance(i, c);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response shop_bot::on_component(const ports::interaction& i, const ports::component_action& a) {
    const auto decoded = decode_custom_id(a.custom_id);
    if (!decoded) return ephemeral_reply(std::string(describe(decoded.error())));
    switch (decoded->kind) {
        case component_kind::select_product: return show_product(i, a);
        case component_kind::buy_product: return buy(i, decoded->product, decoded->price_minor);
    }
    return ephemeral_reply("This control is not valid.");
}

ports::interaction_response shop_bot::balance(const ports::interaction& i) {
    const core::money b = wallet_.balance(i.from.user);
    return ephemeral_reply("Your wallet balance is **" + core::format_money(b) + "**.");
}

ports::interaction_response shop_bot::open_shop() {
    const auto products = catalog_.list_active(ports::select_options_max);
    if (products.empty()) return ephemeral_reply("The shop has no products for sale right now.");
    ports::string_select select;
    select.custom_id = encode_custom_id({component_kind::select_product, {}, 0});
    select.placeholder = "Choose a product";
    for (const auto& p : products) {
        select.options.push_back({p.display_name(), std::to_string(p.id.value),
                                  p.main_category + " / " + p.sub_category + " - " + core::format_money(p.price)});
    }
    ports::interaction_response r;
    r.body.ephemeral = true;
    r.body.embeds.push_back({"Shop", "Pick a product to see its details.", {}, brand_color, ""});
    r.body.rows.push_back({{std::move(select)}});
    return r;
}

ports::interaction_response shop_bot::show_product(const ports::interaction& i, const ports::component_action& a) {
    if (a.values.size() != 1) return ephemeral_reply("Pick exactly one product.");
    const auto id = core::product_id::parse(a.values.front());
    if (!id) return ephemeral_reply(std::string(core::describe(core::rejection::unknown_product)));
    const auto product = catalog_.find(*id);
    if (!product) return ephemeral_reply(std::string(core::describe(core::rejection::unknown_product)));
    if (!product->active) return ephemeral_reply(std::string(core::describe(core::rejection::product_inactive)));

    const core::money balance = wallet_.balance(i.from.user);
    ports::embed card{product->display_name(), "", {}, brand_color, "Paid from your wallet balance."};
    card.fields.push_back({"Category", product->main_category + " / " + product->sub_category, true});
    card.fields.push_back({"Price", core::format_money(product->price), true});
    card.fields.push_back({"Your balance", core::format_money(balance), true});
    ports::interaction_response r;
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = true;
    r.body.embeds.push_back(std::move(card));
    ports::button buy_button{"Buy with wallet",
                             encode_custom_id({component_kind::buy_product, product->id, product->price.minor_units()}),
                             ports::button_style::success, balance.minor_units() < product->price.minor_units()};
    r.body.rows.push_back({{std::move(buy_button)}});
    return r;
}

ports::interaction_response shop_bot::buy(const ports::interaction& i, core::product_id product,
                                          std::int64_t price_minor) {
    const auto receipt = wallet_.purchase(
        {i.from.user, product, core::money{price_minor, config_.currency}, "interaction:" + i.id.str()});
    if (!receipt) return ephemeral_reply(std::string(core::describe(receipt.error())));
    ports::interaction_response r = ephemeral_reply("Thank you! Order **#" + std::to_string(receipt->order.id.value) +
                                                    "** is paid.");
    ports::embed e{"Order #" + std::to_string(receipt->order.id.value), receipt->product_name, {}, success_color, ""};
    e.fields.push_back({"Paid", core::format_money(receipt->order.price_paid), true});
    e.fields.push_back({"New balance", core::format_money(receipt->debit.balance_after), true});
    r.body.embeds.push_back(std::move(e));
    return r;
}

ports::interaction_response shop_bot::add_balance(const ports::interaction& i, const ports::command_invocation& c) {
    if (!is_staff(i.from)) return ephemeral_reply(std::string(core::describe(core::rejection::not_staff)));
    const auto* user = find_option(c, "user");
    const auto* amount = find_option(c, "amount");
    if (user == nullptr || !std::holds_alternative<core::user_id>(*user) || amount == nullptr ||
        !std::holds_alternative<std::string>(*amount)) {
        return ephemeral_reply("Usage: /addbalance user:<member> amount:<e.g. 12.50> [reason]");
    }
    const auto parsed = core::parse_money(std::get<std::string>(*amount), config_.currency);
    if (!parsed) {
        // Quoted back cut on a code point boundary (a byte cut once split 'é' and killed the REST worker).
        return ephemeral_reply("Amount `" + core::truncate_utf8(std::get<std::string>(*amount), 40) +
                               "` is not valid: " + std::string(core::describe(parsed.error())) + ".");
    }
    std::string reason = "Added by staff";
    if (const auto* r = find_option(c, "reason"); r != nullptr && std::holds_alternative<std::string>(*r)) {
        reason = std::get<std::string>(*r);
    }
    const core::user_id customer = std::get<core::user_id>(*user);
    if (reason.size() > core::ledger_description_length_max) {
        return ephemeral_reply(std::string(core::describe(core::rejection::description_too_long)));
    }
    const auto entry = wallet_.staff_credit({{i.from.user, true}, customer, *parsed, reason, "interaction:" + i.id.str()});
    if (!entry) return ephemeral_reply(std::string(core::describe(entry.error())));
    return ephemeral_reply("Added **" + core::format_money(entry->amount) + "** to " + mention(customer) +
                           "'s wallet. New balance: **" + core::format_money(entry->balance_after) + "**.");
}

}  // namespace apexcore::bot
