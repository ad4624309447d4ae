#include <apexcore/bot/features/storefront.hpp>

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/bot/features/profile.hpp>
#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <set>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t brand_color = 0x5865F2;
constexpr std::uint32_t success_color = 0x57F287;

/// The member's roles as pricing takes them (their best role or VIP discount applies).
std::set<core::role_id> roles_of(const ports::interaction& i) { return {i.from.roles.begin(), i.from.roles.end()}; }

}  // namespace

storefront_feature::storefront_feature(const bot_config& config, services::wallet_service& wallet,
                                       services::catalog_service& catalog, std::vector<std::string> payment_methods)
    : config_(config), wallet_(wallet), catalog_(catalog), payment_methods_(std::move(payment_methods)) {
    if (payment_methods_.size() > ports::buttons_per_row_max) payment_methods_.resize(ports::buttons_per_row_max);  // one row of them
}

std::vector<ports::command_spec> storefront_feature::commands() const {
    ports::command_spec shop{"shop", "Staff: the shop panel", {}, true, {}, {}};
    shop.subcommands = {{"panel", "Staff: post the shop panel in this channel, for everyone to browse and buy", {}}};
    ports::command_option_spec product{"product", "Type a product's name or tag to go straight to it", ports::option_type::string, false};
    product.autocomplete = true;
    product.max_length = 100;
    return {{"buy", "Browse the shop and buy with your wallet", {std::move(product)}, false}, std::move(shop)};
}

std::vector<std::string> storefront_feature::namespaces() const { return {std::string(custom_id_version), "sf"}; }

ports::interaction_response storefront_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "buy") {
        const auto* typed = find_option(c, "product");
        if (typed == nullptr || !std::holds_alternative<std::string>(*typed) || std::get<std::string>(*typed).empty()) return open_shop(i);
        return find_product(i, std::get<std::string>(*typed));
    }
    if (c.name == "shop panel") return post_panel(i);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response storefront_feature::on_modal(const ports::interaction& i, const ports::modal_submit& m) {
    const auto decoded = decode_custom_id(m.custom_id);
    if (decoded && decoded->kind == component_kind::details_submit) return buy_with_answers(i, *decoded, m);
    if (!decoded || decoded->kind != component_kind::promo_submit) return ephemeral_reply(config_.text(i, "common.form_invalid"));
    const std::string code = core::trim(m.value("code").value_or(""));
    if (!is_promo_code_text(code)) {
        auto card = product_card(i, decoded->product, {}, decoded->checkout);
        card.body.content = config_.text(i, "storefront.promo_malformed");
        return card;
    }
    // The card again, priced with the code (or saying why it does not apply); still one checkout.
    return product_card(i, decoded->product, code, decoded->checkout);
}

ports::interaction_response storefront_feature::on_autocomplete(const ports::interaction&, const ports::autocomplete_request& a) {
    ports::interaction_response r;
    r.kind = ports::response_kind::suggest;
    if (a.command != "buy" || a.option != "product") return r;
    // A suggestion's value is the product id, so picking one opens exactly that card.
    for (const auto& p : catalog_.search(a.partial, ports::select_options_max)) {
        r.choices.push_back({core::truncate_utf8(p.display_name() + " — " + core::format_money(p.price), 100),
                             std::to_string(p.id.value)});
    }
    return r;
}

ports::interaction_response storefront_feature::find_product(const ports::interaction& i, const std::string& typed) {
    // A picked suggestion carries the id; typed text is searched, and one match is that product.
    std::optional<core::product_id> id = core::product_id::parse(typed);
    if (!id) {
        const auto found = catalog_.search(typed, 2);
        if (found.size() == 1) id = found.front().id;
    }
    if (!id) {
        auto r = open_shop(i);
        r.body.content = config_.text(i, "storefront.no_single_match", {{"typed", core::truncate_utf8(typed, 40)}});
        return r;
    }
    auto card = product_card(i, *id);
    if (card.kind == ports::response_kind::update_message) card.kind = ports::response_kind::reply;  // no message to update yet
    return card;
}

std::shared_ptr<const std::vector<core::product>> storefront_feature::browse_catalog() {
    std::lock_guard lock(snapshot_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!snapshot_ || now - snapshot_at_ >= browse_catalog_ttl) {
        snapshot_ = std::make_shared<const std::vector<core::product>>(catalog_.list_active(browse_catalog_max));
        snapshot_at_ = now;
    }
    return snapshot_;
}

std::optional<ports::message> storefront_panel(services::catalog_service& catalog, const bot_config& config) {
    const auto products = catalog.list_active(browse_catalog_max);  // fresh: staff may just have added a category
    if (products.empty()) return std::nullopt;
    ports::message m = browse_view(products, {browse_level::mains, "", "", "", 0, true}, config.unaddressed());
    m.ephemeral = false;  // the panel is for everyone; what each member picks opens only for them
    if (!m.embeds.empty()) m.embeds[0].description = config.text("", "storefront.panel_intro") + "\n\n" + m.embeds[0].description;
    return m;
}

ports::interaction_response storefront_feature::post_panel(const ports::interaction& i) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    auto panel = storefront_panel(catalog_, config_);
    if (!panel) return ephemeral_reply("The shop has no products for sale yet; add some first.");
    ports::interaction_response r;
    r.body = std::move(*panel);
    return r;
}

ports::interaction_response storefront_feature::browse(const ports::interaction& i, const ports::component_action& a) {
    const auto request = decode_browse(a.custom_id);
    if (!request) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    browse_request next = *request;
    next.from_panel = false;  // what opens from here is the member's own message
    if (!a.values.empty()) {  // a pick: one level down, or the product
        if (a.values.size() != 1) return ephemeral_reply(config_.text(i, "common.pick_one"));
        const std::string& value = a.values.front();
        const bool product_pick = request->level == browse_level::products || (request->level == browse_level::services && value.starts_with('#'));
        if (product_pick) {
            const auto id = core::product_id::parse(value.starts_with('#') ? std::string_view(value).substr(1) : std::string_view(value));
            if (!id) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
            auto card = product_card(i, *id);
            if (request->from_panel && card.kind == ports::response_kind::update_message) card.kind = ports::response_kind::reply;
            return card;
        }
        if (!decode_browse("sf:em:" + value + ":" + value + ":0")) return ephemeral_reply(config_.text(i, "common.control_invalid"));
        if (request->level == browse_level::mains) next = {browse_level::subs, value, "", "", 0, false};
        else if (request->level == browse_level::subs) next = {browse_level::services, request->main, value, "", 0, false};
        else next = {browse_level::products, request->main, request->sub, value, 0, false};
    }
    ports::interaction_response r;
    r.body = browse_view(*browse_catalog(), next, config_.in(i));
    r.kind = request->from_panel ? ports::response_kind::reply : ports::response_kind::update_message;
    return r;
}

ports::interaction_response storefront_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (a.custom_id.starts_with("sf:")) return browse(i, a);
    const auto decoded = decode_custom_id(a.custom_id);
    if (!decoded) {
        return ephemeral_reply(config_.text(i, decoded.error() == custom_id_error::stale_version || decoded.error() == custom_id_error::unknown_action
                                                   ? "storefront.menu_out_of_date"
                                                   : "storefront.control_invalid"));
    }
    switch (decoded->kind) {
        case component_kind::select_product: return show_product(i, a);
        case component_kind::buy_product:
        case component_kind::confirm_purchase: return buy(i, *decoded, {});
        case component_kind::review_purchase: return confirmation(i, *decoded);
        case component_kind::details_form: return details_form(i, *decoded);
        case component_kind::details_submit: break;
        case component_kind::promo_form: {
            ports::interaction_response r;
            r.kind = ports::response_kind::open_modal;
            custom_id_action submit = *decoded;
            submit.kind = component_kind::promo_submit;
            ports::text_input code;
            code.custom_id = "code";
            code.label = config_.text(i, "storefront.promo_label");
            code.min_length = 1;
            code.max_length = 32;
            code.placeholder = config_.text(i, "storefront.promo_placeholder");
            r.form = ports::modal{encode_custom_id(submit), config_.text(i, "storefront.promo_title"), {std::move(code)}};
            return r;
        }
        case component_kind::promo_submit: break;
    }
    return ephemeral_reply(config_.text(i, "common.control_invalid"));
}

ports::interaction_response storefront_feature::open_shop(const ports::interaction& i) {
    const localized t = config_.in(i);
    const auto products = catalog_.list_active(ports::select_options_max + 1);
    if (products.empty()) return ephemeral_reply(t("storefront.empty"));
    if (products.size() > ports::select_options_max) {  // more than one select holds: browse by category
        ports::interaction_response r;
        r.body = browse_view(*browse_catalog(), {browse_level::mains, "", "", "", 0, false}, config_.in(i));
        return r;
    }
    ports::string_select select;
    select.custom_id = encode_custom_id({component_kind::select_product, {}, 0});
    select.placeholder = t("storefront.choose_product");
    for (const auto& p : products) {
        select.options.push_back({core::truncate_utf8(p.display_name(), 100), std::to_string(p.id.value),
                                  core::truncate_utf8(p.main_category + " / " + p.sub_category + " · " + option_description(p, t), 100)});
    }
    ports::interaction_response r;
    r.body.ephemeral = true;
    r.body.embeds.push_back({t("browse.title"), t("storefront.menu_hint"), {}, brand_color, ""});
    r.body.rows.push_back({{std::move(select)}});
    return r;
}

ports::interaction_response storefront_feature::show_product(const ports::interaction& i, const ports::component_action& a) {
    if (a.values.size() != 1) return ephemeral_reply(config_.text(i, "common.pick_one_product"));
    const auto id = core::product_id::parse(a.values.front());
    if (!id) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    return product_card(i, *id);
}

ports::interaction_response storefront_feature::product_card(const ports::interaction& i, core::product_id id, const std::string& promo,
                                                             std::optional<core::interaction_id> checkout) {
    const localized t = config_.in(i);
    const auto product = catalog_.find(id);
    if (!product) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    if (!product->active) return ephemeral_reply(config_.text(i, core::rejection::product_inactive));

    const core::money balance = wallet_.balance(i.from.user);
    // The price this member pays: their best role or VIP discount applied (services::wallet_service::quote).
    services::purchase_request ask{i.from.user, product->id, std::nullopt};
    ask.member_roles = roles_of(i);
    ask.promo_code = promo;
    auto quote = wallet_.quote(ask);
    std::string promo_applied = promo;
    std::string promo_refused;
    if (!quote && !promo.empty()) {  // the code does not apply: say why, and price without it
        promo_refused = t("storefront.promo_refused", {{"code", promo}, {"reason", t(quote.error())}});
        promo_applied.clear();
        ask.promo_code.clear();
        quote = wallet_.quote(ask);
    }
    const core::money price = quote ? quote->final_price : product->price;
    ports::embed card{product->display_name(), core::truncate_utf8(product->additional_info.value_or(""), 4096), {}, brand_color,
                      t("storefront.card_footer")};
    card.fields.push_back({t("storefront.field_category"), product->main_category + " / " + product->sub_category, true});
    // How it is delivered: a license key or the product's payload at once, else by staff.
    const bool key = std::any_of(product->deliverables.begin(), product->deliverables.end(),
                                 [](const core::deliverable& d) { return d.kind == core::deliverable_kind::key; });
    const bool instant = key || (product->delivery_payload && !product->delivery_payload->empty());
    card.fields.push_back({t("storefront.field_delivery"),
                           t(key ? "storefront.delivery_key" : instant ? "storefront.delivery_instant" : "storefront.delivery_staff"), true});
    if (product->duration_days) {
        card.fields.push_back({t("storefront.field_warranty"),
                               t(*product->duration_days == 1 ? "storefront.one_day" : "storefront.days", {{"days", std::to_string(*product->duration_days)}}),
                               true});
    }
    if (quote && price.minor_units() < product->price.minor_units()) {
        card.fields.push_back({t("storefront.field_price"), "~~" + core::format_money(product->price) + "~~ **" + core::format_money(price) + "**", true});
        if (quote->role_discount > 0) {
            card.fields.push_back({t("storefront.field_discount"), t("storefront.role_discount", {{"percent", format_percent(quote->role_discount)}}), true});
        }
        if (!promo_applied.empty() && !quote->promo_discount.is_zero()) {
            card.fields.push_back({t("storefront.field_promo"), promo_applied + ": −" + core::format_money(quote->promo_discount), true});
        }
    } else {
        card.fields.push_back({t("storefront.field_price"), core::format_money(price), true});
    }
    card.fields.push_back({t("storefront.field_balance"), core::format_money(balance), true});
    // Stock: counted products say how many are left when few are, and cannot be bought when none is.
    const bool sold_out = product->stock && *product->stock <= 0;
    if (sold_out) {
        card.fields.push_back({t("storefront.field_stock"), t("storefront.sold_out"), true});
    } else if (product->stock && *product->stock <= product->low_stock_threshold) {
        card.fields.push_back({t("storefront.field_stock"), t("storefront.few_left", {{"count", std::to_string(*product->stock)}}), true});
    }
    ports::interaction_response r;
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = true;
    r.body.content = promo_refused;
    r.body.embeds.push_back(std::move(card));
    // The card's interaction id is the checkout token: every press of this one button is one
    // purchase (a card re-drawn with a promo code keeps the token of the card it came from).
    const core::interaction_id token = checkout.value_or(i.id);
    custom_id_action buy_action{component_kind::review_purchase, product->id, product->price.minor_units(), token};
    buy_action.promo = promo_applied;
    ports::button buy_button{t(sold_out ? "storefront.sold_out" : "storefront.buy"), encode_custom_id(buy_action), ports::button_style::success,
                             sold_out || balance.minor_units() < price.minor_units()};
    ports::button promo_button{t(promo_applied.empty() ? "storefront.promo_button" : "storefront.promo_change"),
                               encode_custom_id({component_kind::promo_form, product->id, product->price.minor_units(), token}),
                               ports::button_style::secondary, sold_out};
    r.body.rows.push_back({{std::move(buy_button), std::move(promo_button)}});
    // Paying another way: a manual method at the list price, checked by staff (features/payments.hpp).
    if (!sold_out && !payment_methods_.empty()) {
        ports::action_row pay;
        for (const auto& method : payment_methods_) {
            pay.components.emplace_back(pay_by_method_button(product->id, product->price.minor_units(), token, method));
        }
        r.body.rows.push_back(std::move(pay));
        r.body.embeds.back().footer =
            payment_methods_.size() == 1
                ? t("storefront.card_footer_method", {{"method", payment_methods_.front()}, {"price", core::format_money(product->price)}})
                : t("storefront.card_footer_methods", {{"price", core::format_money(product->price)}});
    }
    return r;
}

ports::interaction_response storefront_feature::confirmation(const ports::interaction& i, const custom_id_action& action) {
    const auto product = catalog_.find(action.product);
    if (!product) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    services::purchase_request ask{i.from.user, product->id, core::money{action.price_minor, config_.currency}};
    ask.member_roles = roles_of(i);
    ask.promo_code = action.promo;
    const auto quote = wallet_.quote(ask);
    const localized t = config_.in(i);
    if (!quote) return ephemeral_reply(t("storefront.not_charged", {{"reason", t(quote.error())}}));
    const core::money balance = wallet_.balance(i.from.user);
    const core::money total = quote->final_price;
    // The last step: the exact amount, and what is left after it. Confirm carries that total, so
    // a price that changes before the press charges nothing (services: expected_total).
    ports::embed e{t("storefront.confirm_title"), "**" + product->display_name() + "**", {}, brand_color, t("storefront.confirm_footer")};
    e.fields.push_back({t("storefront.you_pay"), total.minor_units() < product->price.minor_units()
                                       ? "~~" + core::format_money(product->price) + "~~ **" + core::format_money(total) + "**"
                                       : "**" + core::format_money(total) + "**",
                        true});
    if (!action.promo.empty() && !quote->promo_discount.is_zero()) {
        e.fields.push_back({t("storefront.field_promo"), action.promo + ": −" + core::format_money(quote->promo_discount), true});
    }
    const bool enough = balance.minor_units() >= total.minor_units();
    e.fields.push_back({t("storefront.balance_after"),
                        enough ? core::format_money(core::money{balance.minor_units() - total.minor_units(), balance.currency_of()})
                               : t("storefront.not_enough", {{"balance", core::format_money(balance)}}),
                        true});
    if (!product->questions.empty()) {
        e.fields.push_back({t("storefront.before_buying"),
                            t(product->questions.size() == 1 ? "storefront.one_question" : "storefront.questions",
                              {{"count", std::to_string(product->questions.size())}}),
                            false});
    }
    custom_id_action confirm = action;
    confirm.kind = product->questions.empty() ? component_kind::confirm_purchase : component_kind::details_form;
    confirm.price_minor = total.minor_units();
    ports::interaction_response r;
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = true;
    r.body.embeds.push_back(std::move(e));
    r.body.rows.push_back({{ports::button{core::truncate_utf8(t("storefront.confirm_button", {{"price", core::format_money(total)}}), 80), encode_custom_id(confirm),
                                          ports::button_style::success, !enough}}});
    return r;
}

ports::interaction_response storefront_feature::details_form(const ports::interaction& i, const custom_id_action& action) {
    const auto product = catalog_.find(action.product);
    if (!product) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    if (product->questions.empty()) return ephemeral_reply(config_.text(i, "storefront.no_questions"));
    custom_id_action submit = action;
    submit.kind = component_kind::details_submit;
    ports::interaction_response r;
    r.kind = ports::response_kind::open_modal;
    r.form = ports::modal{encode_custom_id(submit), core::truncate_utf8(product->display_name(), 45), {}};
    for (std::size_t q = 0; q < product->questions.size() && q < core::product_questions_max; ++q) {
        ports::text_input input;
        input.custom_id = "q" + std::to_string(q);
        input.label = core::truncate_utf8(product->questions[q], 45);
        input.min_length = 1;
        input.max_length = static_cast<int>(core::product_answer_length_max);
        r.form.inputs.push_back(std::move(input));
    }
    return r;
}

ports::interaction_response storefront_feature::buy_with_answers(const ports::interaction& i, const custom_id_action& action,
                                                                 const ports::modal_submit& m) {
    const auto product = catalog_.find(action.product);
    if (!product) return ephemeral_reply(config_.text(i, core::rejection::unknown_product));
    // The answers go into the order's metadata under "answer: <question>" (keys <= 40 bytes,
    // values <= 500: core::is_valid_metadata), where staff see them (/order, the orders log).
    core::order_metadata answers;
    for (std::size_t q = 0; q < product->questions.size(); ++q) {
        std::string text = core::trim(m.value("q" + std::to_string(q)).value_or(""));
        if (text.empty()) return ephemeral_reply(config_.text(i, "storefront.answer_missing", {{"question", product->questions[q]}}));
        if (text.size() > core::product_answer_length_max || !core::is_valid_utf8(text)) {
            return ephemeral_reply(config_.text(i, "storefront.answer_too_long", {{"question", product->questions[q]},
                                                                                  {"max", std::to_string(core::product_answer_length_max)}}));
        }
        answers.emplace(core::truncate_utf8_bytes("answer: " + product->questions[q], core::order_metadata_key_length_max), std::move(text));
    }
    return buy(i, action, std::move(answers));
}

ports::interaction_response storefront_feature::buy(const ports::interaction& i, const custom_id_action& action, core::order_metadata answers) {
    // One checkout, one charge: a double-click or a second device presses the same button, whose
    // token keys the purchase, so the second press charges nothing and shows the first receipt.
    // (A button from before checkout tokens carries none: that press is keyed by itself.)
    const std::string key = action.checkout.empty()
                                ? "interaction:" + i.id.str()
                                : "checkout:" + i.from.user.str() + ":" + action.checkout.str();
    // "Buy" (an older card) carries the list price; "Confirm" and the questions' form the exact total.
    const core::money seen{action.price_minor, config_.currency};
    services::purchase_request request{i.from.user, action.product, std::nullopt, key};
    if (action.kind == component_kind::buy_product) request.expected_price = seen;
    else request.expected_total = seen;
    request.member_roles = roles_of(i);
    request.promo_code = action.promo;
    request.metadata = std::move(answers);
    const auto receipt = wallet_.purchase(request);
    if (!receipt) {
        if (receipt.error() == core::rejection::cooldown_active) {
            if (const auto until = wallet_.purchase_cooldown_until(i.from.user)) {
                return ephemeral_reply(config_.text(i, "storefront.cooldown", {{"when", discord_time(*until, 'R')}}));
            }
        }
        return ephemeral_reply(config_.text(i, receipt.error()));
    }
    // One line per money movement, findable by the order reference the member sees.
    const std::string interaction_id = i.id.str();
    ports::emit(config_.log, ports::log_level::info, "orders",
                "order " + receipt->order.reference + (receipt->replayed ? " (repeated request) " : " ") + "paid: " +
                    receipt->product_name + " for " + core::format_money(receipt->order.price_paid) + " by member " +
                    i.from.user.str(),
                {.interaction = interaction_id, .order = receipt->order.reference});
    // The card becomes the receipt, its button disabled (the card is ephemeral: only the buyer sees it).
    const localized t = config_.in(i);
    ports::interaction_response r =
        ephemeral_reply(t(receipt->replayed ? "storefront.already_bought" : "storefront.thank_you", {{"reference", receipt->order.reference}}));
    r.kind = action.checkout.empty() ? ports::response_kind::reply : ports::response_kind::update_message;
    // The reference is what /order, the DM and the orders log all show.
    ports::embed e{t("storefront.receipt_title", {{"reference", receipt->order.reference}}), receipt->product_name, {}, success_color,
                   t("storefront.receipt_footer", {{"reference", receipt->order.reference}})};
    e.fields.push_back({t("storefront.paid"), core::format_money(receipt->order.price_paid), true});
    e.fields.push_back({t("storefront.new_balance"), core::format_money(receipt->debit.balance_after), true});
    // What was bought, in the receipt itself (ephemeral: only the buyer sees it). A license key
    // goes in a code span so it copies cleanly. Embed field values hold at most 1,024 characters
    // (Discord's embed limits; the Discord model clips to them too): cut here, on a character.
    const std::string& delivered = receipt->license_key ? *receipt->license_key : receipt->order.delivery;
    if (!delivered.empty()) {
        const std::string shown = receipt->license_key ? "`" + delivered + "`" : delivered;
        e.fields.push_back({t(receipt->license_key ? "storefront.your_key" : "storefront.field_delivery"), core::truncate_utf8(shown, 1024), false});
    }
    r.body.embeds.push_back(std::move(e));
    if (!action.checkout.empty()) {
        r.body.rows.push_back({{ports::button{t("storefront.bought"), encode_custom_id(action), ports::button_style::secondary, true}}});
    }
    return r;
}

}  // namespace apexcore::bot
