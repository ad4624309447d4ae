#include <apexcore/bot/features/orders.hpp>

#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

#include <chrono>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t order_color = 0x5865F2;


}  // namespace

orders_feature::orders_feature(const bot_config& config, services::order_service& orders, services::catalog_service& catalog,
                               bool refunds)
    : config_(config), orders_(orders), catalog_(catalog), refunds_(refunds) {}

std::vector<ports::command_spec> orders_feature::commands() const {
    ports::command_spec warranty{"warranty", "Staff: order warranties", {}, true, {}, {}};
    warranty.subcommands = {{"renew",
                             "Staff: extend a delivered order's warranty by its product's duration",
                             {{"reference", "The order reference, e.g. AC-20261130-SQHNDP", ports::option_type::string, true}}}};
    using ports::option_type;
    ports::command_spec order{"order", "Your orders; staff: order status and manual orders", {}, false, {}, {}};
    ports::command_option_spec status{"status", "The new status", option_type::string, true};
    status.choices = {{"delivered", std::string("delivered")}, {"cancelled (unpaid orders)", std::string("cancelled")}};
    ports::command_option_spec note{"note", "For delivered: what was handed over (shown to the member)", option_type::string, false};
    note.max_length = 2000;
    ports::command_option_spec product{"product", "The product (type to search)", option_type::string, true};
    product.autocomplete = true;
    product.max_length = 100;
    ports::command_option_spec payment{"payment", "How they paid, e.g. bank transfer #123 (kept with the order)", option_type::string, false};
    payment.max_length = 200;
    order.subcommands = {
        {"show", "One of your orders, with what was delivered",
         {{"reference", "The order reference, e.g. AC-20261130-SQHNDP", option_type::string, true}}},
        {"status", "Staff: mark orders delivered or cancelled",
         {{"references", "One or more references, separated by spaces or commas", option_type::string, true}, status, note}},
        {"complete", "Staff: record an order paid outside the bot and deliver it",
         {{"user", "The member who paid", option_type::user, true}, product,
          {"price", "What they paid, e.g. 12.00 (default: the list price)", option_type::string, false}, payment}},
    };
    return {{"orders", "Your last orders", {}, false}, std::move(order), std::move(warranty)};
}

ports::interaction_response orders_feature::renew(const ports::interaction& i, const ports::command_invocation& c) {
    const services::actor staff{i.from.user, config_.is_staff(i.from)};
    if (!staff.staff) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* typed = find_option(c, "reference");
    if (typed == nullptr || !std::holds_alternative<std::string>(*typed)) return ephemeral_reply("Usage: /warranty renew reference:<AC-…>");
    const auto order = orders_.find_by_reference(staff, std::get<std::string>(*typed));
    if (!order) return ephemeral_reply(config_.text(i, order.error()));
    const auto renewed = orders_.renew_warranty(staff, order->id);
    if (!renewed) {
        if (renewed.error() == core::rejection::forbidden_transition) {
            return ephemeral_reply("Order **" + order->reference + "** has no warranty to renew: it is " +
                                   std::string(core::to_string(order->status)) + ", and only a delivered order of a product with a "
                                   "duration has one.");
        }
        return ephemeral_reply(config_.text(i, renewed.error()));
    }
    ports::emit(config_.log, ports::log_level::info, "orders",
                "order " + renewed->reference + ": warranty renewed by staff " + i.from.user.str(),
                {.interaction = i.id.str(), .order = renewed->reference});
    return ephemeral_reply("Order **" + renewed->reference + "**'s warranty now runs until " +
                           discord_time(renewed->warranty_expires_at.value_or(orders_.now()), 'D') + ".");
}

std::vector<scheduled_job> orders_feature::jobs() const {
    auto* self = const_cast<orders_feature*>(this);  // the job acts on the service; the router keeps the feature alive
    return {{"orders.warranty_notices", std::chrono::hours(1), [self] { self->orders_.queue_warranty_notices(); }}};
}

ports::interaction_response orders_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "orders") return list(i, std::nullopt);
    if (c.name == "order show" || c.name == "order") return show(i, c);
    if (c.name == "order status") return set_status(i, c);
    if (c.name == "order complete") return complete(i, c);
    if (c.name == "warranty renew") return renew(i, c);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

std::string orders_feature::product_name(core::product_id id) {
    const auto product = catalog_.find(id);
    return product ? product->display_name() : "product #" + std::to_string(id.value);
}

ports::interaction_response orders_feature::show(const ports::interaction& i, const ports::command_invocation& c) {
    const auto* typed = find_option(c, "reference");
    if (typed == nullptr || !std::holds_alternative<std::string>(*typed)) {
        return ephemeral_reply(config_.text(i, "orders.usage"));
    }
    const auto order = orders_.find_by_reference({i.from.user, config_.is_staff(i.from)}, std::get<std::string>(*typed));
    // Another member's order reads as unknown, like a reference that does not exist: a reference
    // is not a secret, but whether it exists is nobody else's business.
    if (!order) {
        return ephemeral_reply(config_.text(i, order.error() == core::rejection::not_owner ? core::rejection::unknown_order : order.error()));
    }
    const localized t = config_.in(i);
    ports::embed e{t("orders.title", {{"reference", order->reference}}), product_name(order->product), {}, order_color, ""};
    e.fields.push_back({t("orders.paid"), core::format_money(order->price_paid), true});
    e.fields.push_back({t("orders.status"), std::string(core::to_string(order->status)), true});
    e.fields.push_back({t("orders.bought"), discord_time(order->created_at, 'f'), true});
    if (order->refunded.minor_units() > 0) e.fields.push_back({t("orders.refunded"), core::format_money(order->refunded), true});
    if (order->warranty_expires_at) e.fields.push_back({t("orders.warranty_until"), discord_time(*order->warranty_expires_at, 'D'), true});
    if (!order->delivery.empty()) {
        // The delivery as stored (a key, a code, a payload), clipped to an embed field's 1,024 characters.
        e.fields.push_back({t("orders.delivered"), core::truncate_utf8("`" + order->delivery + "`", 1024), false});
    }
    // The buyer's answers to the product's questions (storefront: "answer: <question>" metadata).
    std::string answers;
    for (const auto& [key, value] : order->metadata) {
        if (key.starts_with("answer: ")) answers += "**" + key.substr(8) + "**: " + value + "\n";
    }
    if (!answers.empty()) e.fields.push_back({t("orders.answers"), core::truncate_utf8(answers, 1024), false});
    if (order->customer != i.from.user) e.footer = "Customer: " + order->customer.str();
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(e));
    // The member's own order that can still be refunded: the refunds feature takes it from here
    // (it re-checks owner, window and state).
    const bool refundable = order->status == core::order_status::paid || order->status == core::order_status::delivered ||
                            order->status == core::order_status::partially_refunded;
    ports::action_row row;
    if (refunds_ && refundable && order->customer == i.from.user) row.components.emplace_back(refund_request_button(order->id));
    if (!order->delivery.empty() && order->customer == i.from.user && orders_.sends_direct_messages()) {
        row.components.emplace_back(ports::button{t("orders.send_dm"), "od:dm:" + std::to_string(order->id.value), ports::button_style::secondary});
    }
    if (!row.components.empty()) r.body.rows.push_back(std::move(row));
    return r;
}

ports::interaction_response orders_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (a.custom_id.starts_with("od:o:")) {
        const auto before = core::order_id::parse(std::string_view(a.custom_id).substr(5));
        if (!before) return ephemeral_reply(config_.text(i, "common.control_invalid"));
        return list(i, before);  // the member's own orders only: the service lists by the asker
    }
    const auto id = a.custom_id.starts_with("od:dm:") ? core::order_id::parse(std::string_view(a.custom_id).substr(6)) : std::nullopt;
    if (!id) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    const auto order = orders_.find({i.from.user, false}, *id);
    if (!order) return ephemeral_reply(config_.text(i, core::rejection::unknown_order));  // another's reads as unknown
    const auto sent = orders_.resend_delivery(i.from.user, *id);
    if (!sent) return ephemeral_reply(config_.text(i, sent.error() == core::rejection::forbidden_transition ? "orders.dm_nothing" : "rejection.unknown_order",
                                                   {{"reference", order->reference}}));
    return ephemeral_reply(config_.text(i, *sent ? "orders.dm_sent" : "orders.dm_already_sent", {{"reference", order->reference}}));
}

ports::interaction_response orders_feature::list(const ports::interaction& i, std::optional<core::order_id> before) {
    // One more than shown says whether an older page exists.
    auto orders = orders_.list_for(i.from.user, listed_max + 1, before);
    const bool more = orders.size() > listed_max;
    if (more) orders.pop_back();
    const localized t = config_.in(i);
    if (orders.empty()) return ephemeral_reply(t(before ? "orders.no_older" : "orders.none"));
    std::string lines;
    for (const auto& o : orders) {
        lines += "`" + o.reference + "` · " + product_name(o.product) + " · " + core::format_money(o.price_paid) + " · " +
                 std::string(core::to_string(o.status)) + " · " + discord_time(o.created_at, 'D') + "\n";
    }
    ports::embed e{t("orders.list_title"), core::truncate_utf8(lines, 4096), {}, order_color,
                   t(before ? "orders.list_footer_older" : "orders.list_footer", {{"count", std::to_string(orders.size())}})};
    ports::interaction_response r = ephemeral_reply("");
    if (before) r.kind = ports::response_kind::update_message;  // "Older" turns the page in place
    r.body.embeds.push_back(std::move(e));
    if (more) {
        r.body.rows.push_back({{ports::button{t("wallet.older"), "od:o:" + std::to_string(orders.back().id.value), ports::button_style::secondary}}});
    }
    return r;
}

}  // namespace apexcore::bot
