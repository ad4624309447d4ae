#include <apexcore/bot/features/refunds.hpp>

#include <apexcore/bot/views.hpp>

#include <apexcore/core/text.hpp>

#include <chrono>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t refund_color = 0xF1C40F;
constexpr std::uint32_t approved_color = 0x57F287;
constexpr std::uint32_t rejected_color = 0xE74C3C;



/// "rf:<verb>:<id>" with a positive decimal id.
template <class Id>
std::optional<Id> id_after(std::string_view custom_id, std::string_view prefix) {
    if (!custom_id.starts_with(prefix)) return std::nullopt;
    return Id::parse(custom_id.substr(prefix.size()));
}

ports::modal reason_modal(std::string custom_id, std::string title, std::string label, std::string placeholder) {
    ports::text_input reason;
    reason.custom_id = "reason";
    reason.label = std::move(label);
    reason.paragraph = true;
    reason.min_length = 1;
    reason.max_length = static_cast<int>(core::refund_reason_length_max);
    reason.placeholder = std::move(placeholder);
    return ports::modal{std::move(custom_id), std::move(title), {std::move(reason)}};
}

}  // namespace

refunds_feature::refunds_feature(const bot_config& config, services::refund_service& refunds, services::order_service& orders)
    : config_(config), refunds_(refunds), orders_(orders) {}

std::vector<ports::command_spec> refunds_feature::commands() const {
    return {{"refund",
             "Ask for a refund of one of your orders",
             {{"reference", "The order reference, e.g. AC-20261130-SQHNDP (see /orders)", ports::option_type::string, true}},
             false},
            {"refunds", "Staff: the refund requests waiting for a decision", {}, true}};
}

ports::interaction_response refunds_feature::queue(const ports::interaction& i) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    // One more than shown says whether more are waiting.
    auto waiting = refunds_.pending(queue_shown + 1);
    const bool more = waiting.size() > queue_shown;
    if (more) waiting.pop_back();
    if (waiting.empty()) return ephemeral_reply("No refund requests are waiting. \xE2\x9C\x85");
    ports::interaction_response r = ephemeral_reply("");
    std::string lines;
    for (const auto& f : waiting) {
        const auto order = orders_.find({i.from.user, true}, f.order);
        lines += "**#" + std::to_string(f.id.value) + "** \xC2\xB7 order `" + (order ? order->reference : "?") + "` \xC2\xB7 " +
                 mention(f.customer) + " asks **" + core::format_money(f.amount) + "** \xC2\xB7 " + discord_time(f.requested_at, 'R') +
                 "\n> " + core::truncate_utf8(f.reason.empty() ? std::string("(no reason)") : f.reason, 200) + "\n";
        r.body.rows.push_back({{ports::button{"Approve #" + std::to_string(f.id.value), "rf:a:" + std::to_string(f.id.value),
                                              ports::button_style::success},
                                ports::button{"Reject #" + std::to_string(f.id.value), "rf:x:" + std::to_string(f.id.value),
                                              ports::button_style::danger}}});
    }
    r.body.embeds.push_back({"Refund requests waiting (" + std::to_string(waiting.size()) + (more ? "+" : "") + ")",
                             core::truncate_utf8(lines, 4096), {}, 0xF1C40F,
                             more ? "Oldest first; decide these, then run /refunds again for the rest." : "Oldest first."});
    return r;
}

ports::interaction_response refunds_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "refund") return preview(i, c);
    if (c.name == "refunds") return queue(i);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response refunds_feature::preview(const ports::interaction& i, const ports::command_invocation& c) {
    const auto* typed = find_option(c, "reference");
    if (typed == nullptr || !std::holds_alternative<std::string>(*typed)) {
        return ephemeral_reply(config_.text(i, "refunds.usage"));
    }
    // As /order: a member asks about their own orders only (another's reads as unknown).
    const services::actor me{i.from.user, false};
    const auto order = orders_.find_by_reference(me, std::get<std::string>(*typed));
    if (!order) {
        return ephemeral_reply(config_.text(i, order.error() == core::rejection::not_owner ? core::rejection::unknown_order : order.error()));
    }
    const auto quote = refunds_.quote(me, order->id);
    if (!quote) return refusal(i, quote.error());
    const localized t = config_.in(i);
    ports::embed e{t("refunds.title", {{"reference", order->reference}}), "", {}, refund_color, t("refunds.footer")};
    e.fields.push_back({t("refunds.paid"), core::format_money(order->price_paid), true});
    e.fields.push_back({t("refunds.refund"), core::format_money(quote->amount), true});
    if (!quote->fee.is_zero()) e.fields.push_back({t("refunds.fee"), core::format_money(quote->fee), true});
    e.fields.push_back({t("refunds.back_to_wallet"), "**" + core::format_money(quote->net) + "**", true});
    if (quote->window_ends) e.fields.push_back({t("refunds.ask_before"), discord_time(*quote->window_ends, 'f'), true});
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(e));
    r.body.rows.push_back({{ports::button{t("refunds.request"), "rf:r:" + std::to_string(order->id.value), ports::button_style::danger}}});
    return r;
}

ports::interaction_response refunds_feature::refusal(const ports::interaction& i, core::rejection why) {
    if (why == core::rejection::cooldown_active) {
        if (const auto until = refunds_.request_cooldown_until(i.from.user)) {
            return ephemeral_reply(config_.text(i, "refunds.cooldown", {{"when", discord_time(*until, 'R')}}));
        }
    }
    return ephemeral_reply(config_.text(i, why));
}

ports::interaction_response refunds_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (const auto order = id_after<core::order_id>(a.custom_id, "rf:r:")) {
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        r.form = reason_modal("rf:m:" + std::to_string(order->value), config_.text(i, "refunds.form_title"),
                              config_.text(i, "refunds.form_label"), config_.text(i, "refunds.form_placeholder"));
        return r;
    }
    if (const auto refund = id_after<core::refund_id>(a.custom_id, "rf:a:")) return approve(i, *refund);
    if (const auto refund = id_after<core::refund_id>(a.custom_id, "rf:x:")) {
        if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        r.form = reason_modal("rf:y:" + std::to_string(refund->value), "Reject the refund", "Why? The member reads this",
                              "e.g. the key was activated");
        return r;
    }
    return ephemeral_reply("This control is not valid.");
}

ports::interaction_response refunds_feature::approve(const ports::interaction& i, core::refund_id id) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto done = refunds_.approve({i.from.user, true}, id);
    if (!done) return ephemeral_reply(config_.text(i, done.error()));
    // The request's post becomes the decision, its buttons gone.
    ports::embed e{"Refund approved: order " + done->order.reference,
                   mention(i.from.user) + " approved: **" +
                       core::format_money(core::money{done->refund.amount.minor_units() - done->refund.fee.minor_units(),
                                                      done->refund.amount.currency_of()}) +
                       "** back to " + mention(done->refund.customer) + "'s wallet",
                   {},
                   approved_color,
                   "Refund #" + std::to_string(id.value)};
    if (!done->refund.fee.is_zero()) e.fields.push_back({"Fee kept", core::format_money(done->refund.fee), true});
    e.fields.push_back({"Member's reason", core::truncate_utf8(done->refund.reason, 1024), false});
    ports::interaction_response r = ephemeral_reply("");
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = false;
    r.body.embeds.push_back(std::move(e));
    return r;
}

ports::interaction_response refunds_feature::on_modal(const ports::interaction& i, const ports::modal_submit& m) {
    const std::string reason = m.value("reason").value_or("");
    if (const auto order = id_after<core::order_id>(m.custom_id, "rf:m:")) {
        const auto requested = refunds_.request({{i.from.user, false}, *order, std::nullopt, reason});
        if (!requested) return refusal(i, requested.error());
        const auto found = orders_.find({i.from.user, false}, *order);
        const std::string reference = found ? found->reference : "#" + std::to_string(order->value);
        ports::interaction_response r = ephemeral_reply(config_.text(i, "refunds.requested", {{"reference", reference}}));
        r.kind = ports::response_kind::update_message;  // the preview becomes the confirmation, its button gone
        return r;
    }
    if (const auto refund = id_after<core::refund_id>(m.custom_id, "rf:y:")) {
        if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
        const auto rejected = refunds_.reject({i.from.user, true}, *refund, reason);
        if (!rejected) return ephemeral_reply(config_.text(i, rejected.error()));
        ports::embed e{"Refund rejected", mention(i.from.user) + " rejected " + mention(rejected->customer) + "'s request.", {},
                       rejected_color, "Refund #" + std::to_string(refund->value)};
        e.fields.push_back({"Reason", core::truncate_utf8(reason, 1024), false});
        e.fields.push_back({"Member's reason", core::truncate_utf8(rejected->reason, 1024), false});
        ports::interaction_response r = ephemeral_reply("");
        r.kind = ports::response_kind::update_message;
        r.body.ephemeral = false;
        r.body.embeds.push_back(std::move(e));
        return r;
    }
    return ephemeral_reply("This form is not valid.");
}

}  // namespace apexcore::bot
