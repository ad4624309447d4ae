// The orders feature's staff side: /order status (single and bulk) and /order complete.
#include <apexcore/bot/features/orders.hpp>

#include <apexcore/bot/features/catalog.hpp>
#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

/// The references staff typed, split on spaces, commas, semicolons and line breaks.
std::vector<std::string> references_in(std::string_view typed) {
    std::vector<std::string> out;
    std::string current;
    for (const char ch : typed) {
        if (ch == ' ' || ch == ',' || ch == ';' || ch == '\n' || ch == '\t') {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
        } else {
            current += ch;
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

}  // namespace

ports::interaction_response orders_feature::on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) {
    ports::interaction_response r;
    r.kind = ports::response_kind::suggest;
    if (!config_.is_staff(i.from) || a.option != "product") return r;
    for (const auto& p : catalog_.search(a.partial, ports::select_options_max)) {
        r.choices.push_back({core::truncate_utf8(p.display_name() + " — " + core::format_money(p.price), 100), std::to_string(p.id.value)});
    }
    return r;
}

ports::interaction_response orders_feature::set_status(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const std::string* typed = find_option_as<std::string>(c, "references");
    const std::string* status = find_option_as<std::string>(c, "status");
    if (typed == nullptr || status == nullptr || (*status != "delivered" && *status != "cancelled")) {
        return ephemeral_reply("Usage: /order status references:<AC-… AC-…> status:delivered|cancelled [note]");
    }
    const auto references = references_in(*typed);
    if (references.empty()) return ephemeral_reply("Give at least one order reference.");
    if (references.size() > bulk_max) {
        return ephemeral_reply("At most " + std::to_string(bulk_max) + " references at a time; you gave " +
                               std::to_string(references.size()) + ".");
    }
    const std::string* note = find_option_as<std::string>(c, "note");
    const std::string delivery = note != nullptr && !core::trim(*note).empty() ? core::trim(*note) : std::string("Delivered by staff");
    const services::actor staff{i.from.user, true};
    std::size_t changed = 0;
    std::string lines;
    for (const auto& typed_reference : references) {
        const std::string shown = core::truncate_utf8(typed_reference, 40);
        const auto order = orders_.find_by_reference(staff, typed_reference);
        if (!order) {
            lines += "• `" + shown + "`: no such order\n";
            continue;
        }
        if (std::string(core::to_string(order->status)) == *status) {
            lines += "• `" + order->reference + "`: already " + *status + "\n";
            continue;
        }
        const auto done = *status == "delivered" ? orders_.deliver(staff, order->id, delivery) : orders_.cancel(staff, order->id);
        if (!done) {
            lines += "• `" + order->reference + "`: not changed — it is " + std::string(core::to_string(order->status)) +
                     (done.error() == core::rejection::forbidden_transition
                          ? (*status == "delivered" ? " (only a paid order can be delivered)"
                                                    : " (only an unpaid order can be cancelled; a paid one is refunded)")
                          : " (" + std::string(core::to_string(done.error())) + ")") +
                     "\n";
            continue;
        }
        ++changed;
        lines += "• `" + order->reference + "`: " + *status + "\n";
        ports::emit(config_.log, ports::log_level::info, "orders",
                    "order " + order->reference + " " + *status + " by staff " + i.from.user.str(),
                    {.interaction = i.id.str(), .order = order->reference});
    }
    auto r = ephemeral_reply("");
    r.body.embeds.push_back({std::to_string(changed) + " of " + std::to_string(references.size()) + " orders now " + *status,
                             core::truncate_utf8(lines, 4096), {}, changed == references.size() ? 0x57F287U : 0xF1C40FU, ""});
    return r;
}

ports::interaction_response orders_feature::complete(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* user = find_option_as<core::user_id>(c, "user");
    const std::string* typed = find_option_as<std::string>(c, "product");
    if (user == nullptr || typed == nullptr) {
        return ephemeral_reply("Usage: /order complete user product [price] [payment]");
    }
    const auto product = product_named(catalog_, *typed, false);
    if (!product) return ephemeral_reply("No single product matches; pick one of the suggestions.");
    services::manual_order_request r{{i.from.user, true}, *user, product->id};
    if (const std::string* price = find_option_as<std::string>(c, "price")) {
        const auto parsed = core::parse_money(core::trim(*price), product->price.currency_of());
        if (!parsed || parsed->is_negative()) return ephemeral_reply("The price `" + core::truncate_utf8(*price, 40) + "` is not an amount.");
        r.price_paid = *parsed;
    }
    if (const std::string* payment = find_option_as<std::string>(c, "payment"); payment != nullptr && !core::trim(*payment).empty()) {
        r.metadata["payment"] = core::trim(*payment);
    }
    r.idempotency_key = "manual:" + i.id.str();  // a retried interaction records one order
    const auto done = orders_.create_manual(r);
    if (!done) return ephemeral_reply("Not recorded: " + config_.text(i, done.error()));
    ports::emit(config_.log, ports::log_level::info, "orders",
                "manual order " + done->order.reference + " of \"" + product->display_name() + "\" for member " +
                    r.customer.str() + " by staff " + i.from.user.str(),
                {.interaction = i.id.str(), .order = done->order.reference});
    return ephemeral_reply("Order **" + done->order.reference + "** recorded for " + mention(r.customer) + ": **" +
                           product->display_name() + "**, " + core::format_money(done->order.price_paid) + ", " +
                           std::string(core::to_string(done->order.status)) +
                           (done->order.delivery.empty() ? std::string(".") : ". The member sees the delivery with /order show.") +
                           (done->license_key ? " A license key was handed out." : ""));
}

}  // namespace apexcore::bot
