// Order and deposit tickets: the tickets feature over the shop's wallet, catalog and payment
// services (features/tickets.hpp, "Order tickets").
#include <apexcore/bot/features/tickets.hpp>

#include "ticket_custom_id.hpp"

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <cctype>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t order_color = 0x57F287;


using ticket_ids::integer;
using ticket_ids::split;

std::string percent(core::basis_points bp) {
    return std::to_string(bp / 100) + (bp % 100 == 0 ? "" : "." + std::string(bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100)) + " %";
}

}  // namespace

void tickets_feature::add_commerce_row(const core::ticket& t, ports::message& opening) {
    if (t.type == "order" && shop_.catalog != nullptr && shop_.wallet != nullptr) {
        const auto products = shop_.catalog->list_active(ports::select_options_max);
        if (products.empty()) return;
        ports::string_select select;
        select.custom_id = "tk:product:" + std::to_string(t.id.value);
        select.placeholder = config_.text("", "tickets.choose_product");
        for (const auto& p : products) {
            select.options.push_back({core::truncate_utf8(p.display_name(), 100), std::to_string(p.id.value),
                                      core::truncate_utf8(p.main_category + " / " + p.sub_category + " - " + core::format_money(p.price), 100)});
        }
        opening.rows.push_back({{std::move(select)}});
    } else if (t.type == "deposit" && shop_.wallet != nullptr) {
        // How to pay: the shop's methods and their instructions (embed limits, REFERENCE.md §5).
        if (!shop_.methods.empty() && opening.embeds.size() < 10) {
            ports::embed how{config_.text("", "tickets.how_to_pay_title"), config_.text("", "tickets.how_to_pay"), {}, order_color, ""};
            for (const auto& m : shop_.methods) {
                if (how.fields.size() >= 25) break;
                how.fields.push_back({core::truncate_utf8(m.name, 256), core::truncate_utf8(m.instructions, 1024), false});
            }
            opening.embeds.push_back(std::move(how));
        }
        ports::button credit;
        credit.label = "Credit wallet (staff)";
        credit.custom_id = "tk:credit:" + std::to_string(t.id.value);
        credit.style = ports::button_style::success;
        opening.rows.push_back({{std::move(credit)}});
    }
}

ports::interaction_response tickets_feature::show_product(const ports::interaction& i, const core::ticket& t,
                                                          const std::string& product, const std::string& promo) {
    // A code travels in custom_ids between ':'s: only letters, digits, '-' and '_' (<= 32).
    const bool promo_ok = promo.size() <= 32 && std::all_of(promo.begin(), promo.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
    if (!promo_ok) return ephemeral_reply(config_.text(i, core::rejection::unknown_promo_code));
    if (shop_.wallet == nullptr || shop_.catalog == nullptr) return ephemeral_reply(config_.text(i, "tickets.no_ordering"));
    if (!core::is_active(t.status)) return ephemeral_reply(config_.text(i, core::rejection::ticket_closed));
    if (i.from.user != t.opener) return ephemeral_reply(config_.text(i, "tickets.only_opener_orders"));
    const auto id = core::product_id::parse(product);
    if (!id) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    const auto p = shop_.catalog->find(*id);
    if (!p) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    services::purchase_request request{t.opener, p->id, p->price};
    request.member_roles.insert(i.from.roles.begin(), i.from.roles.end());
    request.promo_code = promo;
    const auto quote = shop_.wallet->quote(request);
    if (!quote) return ephemeral_reply(config_.text(i, quote.error()));
    const core::money balance = shop_.wallet->balance(t.opener);
    const localized text = config_.in(i);
    ports::embed card{core::truncate_utf8(p->display_name(), 256), "", {}, order_color,
                      text("tickets.ticket_footer", {{"ticket", std::to_string(t.id.value)}})};
    card.fields.push_back({text("storefront.field_price"), core::format_money(quote->list_price), true});
    if (quote->role_discount > 0) card.fields.push_back({text("storefront.field_discount"), percent(quote->role_discount), true});
    if (!promo.empty()) {
        card.fields.push_back({text("tickets.promo_field", {{"code", promo}}), "-" + core::format_money(quote->promo_discount), true});
    }
    card.fields.push_back({text("storefront.you_pay"), "**" + core::format_money(quote->final_price) + "**", true});
    card.fields.push_back({text("tickets.your_wallet"), core::format_money(balance), true});
    ports::interaction_response r;
    r.body.embeds.push_back(std::move(card));
    ports::action_row row;
    ports::button wallet;
    wallet.label = text("tickets.pay_with_wallet");
    wallet.custom_id = "tk:wallet:" + std::to_string(t.id.value) + ":" + std::to_string(p->id.value) + ":" +
                       std::to_string(p->price.minor_units()) + (promo.empty() ? "" : ":" + promo);
    wallet.style = ports::button_style::success;
    wallet.disabled = balance.minor_units() < quote->final_price.minor_units();
    row.components.emplace_back(std::move(wallet));
    if (promo.empty()) {
        ports::button code;
        code.label = text("storefront.promo_button");
        code.custom_id = "tk:promo:" + std::to_string(t.id.value) + ":" + std::to_string(p->id.value);
        code.style = ports::button_style::secondary;
        row.components.emplace_back(std::move(code));
    }
    if (shop_.payments != nullptr) {
        for (std::size_t m = 0; m < shop_.methods.size() && row.components.size() < ports::buttons_per_row_max; ++m) {
            ports::button method;
            method.label = core::truncate_utf8(text("payments.session_title", {{"method", shop_.methods[m].name}}), 80);
            method.custom_id = "tk:method:" + std::to_string(t.id.value) + ":" + std::to_string(p->id.value) + ":" + std::to_string(m);
            method.style = ports::button_style::secondary;
            row.components.emplace_back(std::move(method));
        }
    }
    r.body.rows.push_back(std::move(row));
    return r;
}

ports::interaction_response tickets_feature::pay_with_wallet(const ports::interaction& i, const core::ticket& t,
                                                             const std::string& argument) {
    if (shop_.wallet == nullptr) return ephemeral_reply(config_.text(i, "tickets.no_ordering"));
    const auto parts = split(argument);  // product:list price[:promo code]
    const bool shaped = parts.size() == 2 || parts.size() == 3;
    const auto product = shaped ? core::product_id::parse(parts[0]) : std::nullopt;
    const auto list_price = shaped ? integer(parts[1]) : std::nullopt;
    if (!product || !list_price || *list_price < 0) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    if (!core::is_active(t.status)) return ephemeral_reply(config_.text(i, core::rejection::ticket_closed));
    if (i.from.user != t.opener) return ephemeral_reply(config_.text(i, "tickets.only_opener_pays"));
    services::purchase_request request{t.opener, *product, core::money{*list_price, config_.currency}};
    request.member_roles.insert(i.from.roles.begin(), i.from.roles.end());
    // One purchase per ticket and product: a double click or a second device replays the receipt.
    request.idempotency_key = "ticket:" + std::to_string(t.id.value) + ":product:" + std::to_string(product->value);
    if (parts.size() == 3) request.promo_code = parts[2];
    const auto receipt = shop_.wallet->purchase(request);
    if (!receipt) return ephemeral_reply(config_.text(i, receipt.error()));
    if (const auto linked = tickets_.link_order(t.id, receipt->order.id, std::nullopt); !linked) {
        log(t.id, "linking order " + receipt->order.reference + " to ticket #" + std::to_string(t.id.value) + " failed: " +
                std::string(core::to_string(linked.error())),
            receipt->order.reference);
    }
    std::string text = (receipt->replayed ? "Already paid: order **" : "Paid: order **") + receipt->order.reference + "**, " +
                       receipt->product_name + ", " + core::format_money(receipt->order.price_paid) + " from your wallet.";
    if (receipt->license_key) text += "\nYour key: `" + *receipt->license_key + "` (only you see this message).";
    ports::interaction_response r = ephemeral_reply(core::truncate_utf8(text, ports::content_length_max));
    if (!receipt->replayed) {
        ports::message note;
        note.content = "<@" + t.opener.str() + "> paid order **" + receipt->order.reference + "** (" + receipt->product_name + ", " +
                       core::format_money(receipt->order.price_paid) + ") from their wallet.";
        r.followups.push_back(std::move(note));
    }
    return r;
}

ports::interaction_response tickets_feature::pay_by_method(const ports::interaction& i, const core::ticket& t,
                                                           const std::string& argument) {
    if (shop_.payments == nullptr) return ephemeral_reply(config_.text(i, "tickets.no_payments"));
    const auto parts = split(argument);
    const auto product = parts.size() == 2 ? core::product_id::parse(parts[0]) : std::nullopt;
    const auto index = parts.size() == 2 ? integer(parts[1]) : std::nullopt;
    if (!product || !index || *index < 0 || static_cast<std::size_t>(*index) >= shop_.methods.size()) {
        return ephemeral_reply(config_.text(i, "common.control_invalid"));
    }
    if (!core::is_active(t.status)) return ephemeral_reply(config_.text(i, core::rejection::ticket_closed));
    if (i.from.user != t.opener) return ephemeral_reply(config_.text(i, "tickets.only_opener_pays"));
    const auto& method = shop_.methods[static_cast<std::size_t>(*index)];
    services::start_payment_request request{t.opener, *product, method.name};
    request.idempotency_key = "ticket:" + std::to_string(t.id.value) + ":product:" + std::to_string(product->value) + ":method:" + method.name;
    const auto view = shop_.payments->start(request);
    if (!view) return ephemeral_reply(config_.text(i, view.error()));
    if (const auto linked = tickets_.link_order(t.id, view->order.id, view->session.id); !linked) {
        log(t.id, "linking payment session " + std::to_string(view->session.id.value) + " to ticket #" +
                std::to_string(t.id.value) + " failed: " + std::string(core::to_string(linked.error())),
            view->order.reference);
    }
    const localized text = config_.in(i);
    ports::embed e{text("payments.session_title", {{"method", method.name}}), core::truncate_utf8(method.instructions, 4096), {}, order_color,
                   text("tickets.payment_footer")};
    e.fields.push_back({text("payments.order"), view->order.reference, true});
    e.fields.push_back({text("payments.amount"), core::format_money(view->order.price_paid), true});
    const auto expires = std::chrono::duration_cast<std::chrono::seconds>(view->session.expires_at.time_since_epoch()).count();
    e.fields.push_back({text("payments.pay_before"), "<t:" + std::to_string(expires) + ":f>", true});
    ports::interaction_response r;
    r.body.embeds.push_back(std::move(e));
    return r;
}

ports::interaction_response tickets_feature::ask_promo(const ports::interaction& i, const core::ticket& t, const std::string& product) {
    if (i.from.user != t.opener) return ephemeral_reply(config_.text(i, "tickets.only_opener_orders"));
    if (!core::product_id::parse(product)) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    ports::interaction_response r;
    r.kind = ports::response_kind::open_modal;
    r.form.custom_id = "tk:promocode:" + std::to_string(t.id.value) + ":" + product;
    r.form.title = config_.text(i, "storefront.promo_label");
    ports::text_input code;
    code.custom_id = "code";
    code.label = config_.text(i, "tickets.promo_label");
    code.max_length = 32;
    r.form.inputs.push_back(std::move(code));
    return r;
}

ports::interaction_response tickets_feature::ask_deposit(const ports::interaction& i, const core::ticket& t) {
    if (shop_.wallet == nullptr) return ephemeral_reply("Deposits in tickets are not set up here.");
    if (!actor_for(i.from, type_of(t)).staff) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    if (!core::is_active(t.status)) return ephemeral_reply(config_.text(i, core::rejection::ticket_closed));
    ports::interaction_response r;
    r.kind = ports::response_kind::open_modal;
    r.form.custom_id = "tk:amount:" + std::to_string(t.id.value);
    r.form.title = "Credit the member's wallet";
    ports::text_input amount;
    amount.custom_id = "amount";
    amount.label = "Amount received (" + std::string(config_.currency.code_string()) + ")";
    amount.max_length = 20;
    amount.placeholder = "e.g. 25.00";
    r.form.inputs.push_back(std::move(amount));
    return r;
}

ports::interaction_response tickets_feature::credit_deposit(const ports::interaction& i, const core::ticket& t,
                                                            const std::string& amount) {
    if (shop_.wallet == nullptr) return ephemeral_reply("Deposits in tickets are not set up here.");
    const services::actor by = actor_for(i.from, type_of(t));
    if (!by.staff) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto parsed = core::parse_money(amount, config_.currency);
    if (!parsed) {
        return ephemeral_reply("Amount `" + core::truncate_utf8(amount, 20) + "` is not valid: " + std::string(core::describe(parsed.error())) + ".");
    }
    services::staff_credit_request request{by, t.opener, *parsed, "Deposit verified in ticket #" + std::to_string(t.id.value)};
    // One deposit per ticket: a double click, or a second staff member, cannot credit twice.
    request.idempotency_key = "ticket:" + std::to_string(t.id.value) + ":deposit";
    request.ticket = t.channel;
    const auto entry = shop_.wallet->deposit(request);
    if (!entry) {
        if (entry.error() == core::rejection::idempotency_conflict) {
            return ephemeral_reply("This ticket's deposit was already credited (with another amount); nothing was changed.");
        }
        return ephemeral_reply(config_.text(i, entry.error()));
    }
    ports::interaction_response r;
    r.body.content = "<@" + i.from.user.str() + "> credited **" + core::format_money(entry->amount) + "** to <@" + t.opener.str() +
                     ">'s wallet. New balance: **" + core::format_money(entry->balance_after) + "**.";
    return r;
}

}  // namespace apexcore::bot
