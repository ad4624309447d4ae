#include <apexcore/bot/features/payments.hpp>

#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t session_color = 0x5865F2;
constexpr std::uint32_t approved_color = 0x57F287;
constexpr std::uint32_t rejected_color = 0xE74C3C;

/// "pm:<verb>:<id>" with a positive decimal id.
std::optional<core::payment_session_id> session_after(std::string_view custom_id, std::string_view verb) {
    const std::string prefix = "pm:" + std::string(verb) + ":";
    if (!custom_id.starts_with(prefix)) return std::nullopt;
    return core::payment_session_id::parse(custom_id.substr(prefix.size()));
}

/// A canonical non-negative decimal (no sign, no leading zeros) that fits int64; nullopt otherwise.
std::optional<std::int64_t> minor_units(std::string_view text) {
    if (text.empty() || text.size() > 18 || (text.size() > 1 && text.front() == '0')) return std::nullopt;
    std::int64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

/// Whether an upload may be a payment proof: a picture or a PDF.
bool is_proof_type(std::string_view content_type) {
    return content_type.starts_with("image/") || content_type.starts_with("application/pdf");
}

ports::text_input input(std::string id, std::string label, bool required, int max_length, std::string placeholder,
                        bool paragraph = false) {
    ports::text_input t;
    t.custom_id = std::move(id);
    t.label = std::move(label);
    t.required = required;
    t.max_length = max_length;
    t.placeholder = std::move(placeholder);
    t.paragraph = paragraph;
    return t;
}

/// Why a proof was refused, in the member's words.
std::string proof_refusal(core::rejection r, const localized& t) {
    switch (r) {
        case core::rejection::invalid_text: return t("payments.proof_unusable");
        case core::rejection::text_too_long: return t("payments.proof_too_long");
        case core::rejection::payment_session_expired: return t("payments.proof_expired");
        case core::rejection::forbidden_transition: return t("payments.proof_not_waiting");
        default: return t(r);
    }
}

}  // namespace

payments_feature::payments_feature(const bot_config& config, services::payment_service& payments, services::order_service& orders,
                                   std::vector<core::payment_method> methods, std::uint64_t proof_bytes_max)
    : config_(config), payments_(payments), orders_(orders), methods_(std::move(methods)), proof_bytes_max_(proof_bytes_max) {}

std::vector<ports::command_spec> payments_feature::commands() const {
    if (methods_.empty()) return {};  // nothing to pay by: no /proof (sessions left from before still expire)
    ports::command_option_spec reference{"reference", "The order reference, e.g. AC-20261130-SQHNDP", ports::option_type::string, true};
    reference.max_length = 40;
    ports::command_option_spec file{"file", "A screenshot or PDF of the payment", ports::option_type::attachment, false};
    ports::command_option_spec link{"link", "Or a link to the receipt (https://…)", ports::option_type::string, false};
    link.max_length = static_cast<int>(core::payment_proof_url_length_max);
    ports::command_option_spec transaction{"transaction", "The payment's transaction id, if it has one", ports::option_type::string, false};
    transaction.max_length = static_cast<int>(core::payment_field_length_max);
    return {{"proof",
             "Send the proof of a payment you made by PayPal, bank transfer, …",
             {std::move(reference), std::move(file), std::move(link), std::move(transaction)},
             false}};
}

std::vector<scheduled_job> payments_feature::jobs() const {
    auto* self = const_cast<payments_feature*>(this);  // jobs act on the feature; the router keeps it alive
    // Sessions past their time limit: the order cancelled, its stock and key released, the member
    // told (payment.expired in the outbox).
    return {{"payments.expire", std::chrono::seconds(60), [self] { self->payments_.expire_due(200); }}};
}

ports::interaction_response payments_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "proof") return proof_command(i, c);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::message payments_feature::session_view(const services::payment_view& view, const localized& t) const {
    const auto method = std::find_if(methods_.begin(), methods_.end(), [&](const core::payment_method& m) { return m.name == view.session.method; });
    ports::message m;
    m.ephemeral = true;
    ports::embed e{t("payments.session_title", {{"method", view.session.method}}),
                   core::truncate_utf8(method == methods_.end() ? t("payments.ask_staff") : method->instructions, 4096),
                   {},
                   session_color,
                   t("payments.session_footer")};
    e.fields.push_back({t("payments.order"), view.order.reference, true});
    e.fields.push_back({t("payments.amount"), "**" + core::format_money(view.order.price_paid) + "**", true});
    e.fields.push_back({t("payments.pay_before"),
                        discord_time(view.session.expires_at, 'f') + " (" + discord_time(view.session.expires_at, 'R') + ")", true});
    m.embeds.push_back(std::move(e));
    m.content = core::truncate_utf8(
        t("payments.session_hint", {{"amount", core::format_money(view.order.price_paid)}, {"reference", view.order.reference}}),
        ports::content_length_max);
    const std::string id = std::to_string(view.session.id.value);
    const bool proof = method == methods_.end() || method->proof_required;
    if (!proof) m.content = core::truncate_utf8(t("payments.session_hint_no_proof", {{"amount", core::format_money(view.order.price_paid)}}),
                                                ports::content_length_max);
    m.rows.push_back({{ports::button{t(proof ? "payments.send_proof" : "payments.i_have_paid"), "pm:p:" + id, ports::button_style::primary},
                       ports::button{t("payments.cancel"), "pm:c:" + id, ports::button_style::danger}}});
    return m;
}

ports::interaction_response payments_feature::start(const ports::interaction& i, std::string_view argument) {
    // "<product>:<list price>:<checkout>:<method>" (the method name may hold spaces, never ':').
    std::vector<std::string_view> parts;
    for (int n = 0; n < 3; ++n) {
        const auto colon = argument.find(':');
        if (colon == std::string_view::npos) return ephemeral_reply(config_.text(i, "common.control_invalid"));
        parts.push_back(argument.substr(0, colon));
        argument.remove_prefix(colon + 1);
    }
    const auto product = core::product_id::parse(parts[0]);
    const auto price = minor_units(parts[1]);
    const auto checkout = core::interaction_id::parse(parts[2]);
    const std::string method(argument);
    const bool known = std::any_of(methods_.begin(), methods_.end(), [&](const core::payment_method& m) { return m.name == method; });
    const localized t = config_.in(i);
    if (!product || !price || !checkout || !known) return ephemeral_reply(t("common.control_invalid"));
    services::start_payment_request request{i.from.user, *product, method, core::money{*price, config_.currency}};
    // One session per card and method: a double-click or a second device shows the same session.
    std::string key = "pay:" + i.from.user.str() + ":" + checkout->str() + ":" + method;
    std::replace(key.begin(), key.end(), ' ', '_');
    request.idempotency_key = std::move(key);
    const auto view = payments_.start(request);
    if (!view) {
        if (view.error() == core::rejection::payment_session_expired) {
            return ephemeral_reply(t("payments.session_gone"));
        }
        return ephemeral_reply(t(view.error()));
    }
    if (!view->replayed) {
        ports::emit(config_.log, ports::log_level::info, "payments",
                    "order " + view->order.reference + " awaits a " + method + " payment of " + core::format_money(view->order.price_paid) +
                        " from member " + i.from.user.str(),
                    {.interaction = i.id.str(), .order = view->order.reference});
    }
    ports::interaction_response r;
    r.kind = ports::response_kind::update_message;  // the card becomes the session
    r.body = session_view(*view, t);
    return r;
}

ports::interaction_response payments_feature::proof_command(const ports::interaction& i, const ports::command_invocation& c) {
    const localized t = config_.in(i);
    const auto* reference = find_option(c, "reference");
    if (reference == nullptr || !std::holds_alternative<std::string>(*reference)) return ephemeral_reply(t("payments.proof_usage"));
    const auto* file = find_option(c, "file");
    const auto* link = find_option(c, "link");
    const bool has_file = file != nullptr && std::holds_alternative<ports::attachment_info>(*file);
    const bool has_link = link != nullptr && std::holds_alternative<std::string>(*link) && !std::get<std::string>(*link).empty();
    if (has_file == has_link) return ephemeral_reply(t("payments.proof_one"));
    services::payment_proof proof;
    if (has_file) {
        const auto& upload = std::get<ports::attachment_info>(*file);
        if (!is_proof_type(upload.content_type)) {
            return ephemeral_reply(t("payments.proof_wrong_type",
                                     {{"file", core::truncate_utf8(upload.filename, 80)},
                                      {"type", upload.content_type.empty() ? t("payments.unknown_type") : core::truncate_utf8(upload.content_type, 60)}}));
        }
        if (upload.size > proof_bytes_max_) {
            return ephemeral_reply(t("payments.proof_too_big", {{"size_kib", std::to_string(upload.size / 1024)},
                                                                {"max_kib", std::to_string(proof_bytes_max_ / 1024)}}));
        }
        proof.proof_url = upload.url;
    } else {
        proof.proof_url = core::trim(std::get<std::string>(*link));
    }
    if (const auto* tx = find_option(c, "transaction"); tx != nullptr && std::holds_alternative<std::string>(*tx)) {
        proof.transaction_id = core::trim(std::get<std::string>(*tx));
    }
    // A member sends proofs for their own orders only (another's reads as unknown).
    const services::actor me{i.from.user, false};
    const auto order = orders_.find_by_reference(me, std::get<std::string>(*reference));
    if (!order) return ephemeral_reply(t(order.error() == core::rejection::not_owner ? core::rejection::unknown_order : order.error()));
    auto live = payments_.live_session(i.from.user, order->id);
    if (!live && live.error() == core::rejection::unknown_payment_session && order->status == core::order_status::pending_payment &&
        order->source == core::order_source::payment) {
        // The last proof was rejected: a new session for the same order and method takes this one.
        const auto method = order->metadata.find("payment_method");
        if (method != order->metadata.end()) live = payments_.reopen(i.from.user, order->id, method->second);
    }
    if (!live) {
        if (live.error() == core::rejection::unknown_payment_session) {
            return ephemeral_reply(t("payments.not_waiting", {{"reference", order->reference}, {"status", core::to_string(order->status)}}));
        }
        return ephemeral_reply(proof_refusal(live.error(), t));
    }
    return submit(i, live->session.id, proof, false);
}

ports::interaction_response payments_feature::submit(const ports::interaction& i, core::payment_session_id session,
                                                     const services::payment_proof& proof, bool update) {
    const localized t = config_.in(i);
    const auto done = payments_.submit(i.from.user, session, proof);
    if (!done) {
        return ephemeral_reply(proof_refusal(done.error() == core::rejection::not_owner ? core::rejection::unknown_payment_session : done.error(), t));
    }
    ports::emit(config_.log, ports::log_level::info, "payments",
                "order " + done->order.reference + ": member " + i.from.user.str() + " sent a proof of their " + done->session.method +
                    " payment",
                {.interaction = i.id.str(), .order = done->order.reference});
    ports::interaction_response r = ephemeral_reply(t("payments.proof_sent", {{"reference", done->order.reference}}));
    if (update) r.kind = ports::response_kind::update_message;  // the session's buttons go away
    return r;
}

ports::interaction_response payments_feature::cancel(const ports::interaction& i, core::payment_session_id session) {
    const localized t = config_.in(i);
    const auto done = payments_.cancel(i.from.user, session);
    if (!done) {
        if (done.error() == core::rejection::forbidden_transition) return ephemeral_reply(t("payments.cannot_cancel"));
        return ephemeral_reply(t(done.error() == core::rejection::not_owner ? core::rejection::unknown_payment_session : done.error()));
    }
    ports::emit(config_.log, ports::log_level::info, "payments", "order " + done->order.reference + " cancelled by member " + i.from.user.str(),
                {.interaction = i.id.str(), .order = done->order.reference});
    ports::interaction_response r = ephemeral_reply(t("payments.cancelled", {{"reference", done->order.reference}}));
    r.kind = ports::response_kind::update_message;
    return r;
}

ports::interaction_response payments_feature::approve(const ports::interaction& i, core::payment_session_id session) {
    return decide(i, session, std::nullopt);
}

ports::interaction_response payments_feature::reject(const ports::interaction& i, core::payment_session_id session,
                                                     const std::string& reason) {
    return decide(i, session, reason);
}

ports::interaction_response payments_feature::decide(const ports::interaction& i, core::payment_session_id session,
                                                     const std::optional<std::string>& rejection_reason) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const bool approved = !rejection_reason;
    const auto done = approved ? payments_.approve({i.from.user, true}, session) : payments_.reject({i.from.user, true}, session, *rejection_reason);
    if (!done) {
        if (done.error() == core::rejection::forbidden_transition) {
            return ephemeral_reply("This payment was already decided, cancelled or has expired; nothing was changed.");
        }
        return ephemeral_reply(config_.text(i, done.error()));
    }
    ports::emit(config_.log, ports::log_level::info, "payments",
                "order " + done->order.reference + ": " + done->session.method + " payment " + (approved ? "approved" : "rejected") +
                    " by staff " + i.from.user.str(),
                {.interaction = i.id.str(), .order = done->order.reference});
    // The review post becomes the decision, its buttons gone.
    ports::embed e{(approved ? "Payment approved: order " : "Payment rejected: order ") + done->order.reference,
                   mention(i.from.user) + (approved ? " approved " : " rejected ") + mention(done->session.customer) + "'s " +
                       done->session.method + " payment of **" + core::format_money(done->order.price_paid) + "**" +
                       (approved ? "" : ". They may send another proof."),
                   {},
                   approved ? approved_color : rejected_color,
                   "Payment session " + std::to_string(session.value)};
    if (approved && !done->session.transaction_id.empty()) {
        e.fields.push_back({"Transaction", core::truncate_utf8(done->session.transaction_id, 1024), true});
    }
    if (approved) e.fields.push_back({"Order status", std::string(core::to_string(done->order.status)), true});
    if (!approved) e.fields.push_back({"Reason", core::truncate_utf8(*rejection_reason, 1024), false});
    if (!done->session.proof_url.empty()) e.fields.push_back({"Proof", core::truncate_utf8(done->session.proof_url, 1024), false});
    ports::interaction_response r = ephemeral_reply("");
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = false;
    r.body.embeds.push_back(std::move(e));
    return r;
}

ports::interaction_response payments_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (a.custom_id.starts_with("pm:s:")) return start(i, std::string_view(a.custom_id).substr(5));
    if (const auto session = session_after(a.custom_id, "p")) {
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        const localized t = config_.in(i);
        // The link is required unless the session's method says a proof is optional.
        const auto view = payments_.find_session(i.from.user, *session);
        const auto method = view ? std::find_if(methods_.begin(), methods_.end(), [&](const auto& m) { return m.name == view->method; })
                                 : methods_.end();
        const bool proof = method == methods_.end() || method->proof_required;
        r.form = ports::modal{"pm:q:" + std::to_string(session->value),
                              t("payments.proof_form_title"),
                              {input("link", t(proof ? "payments.proof_form_link" : "payments.proof_form_link_optional"), proof,
                                     static_cast<int>(core::payment_proof_url_length_max), "https://…"),
                               input("transaction", t("payments.proof_form_transaction"), false,
                                     static_cast<int>(core::payment_field_length_max), t("payments.proof_form_transaction_hint")),
                               input("notes", t("payments.proof_form_notes"), false, static_cast<int>(core::payment_notes_length_max), "",
                                     true)}};
        return r;
    }
    if (const auto session = session_after(a.custom_id, "c")) return cancel(i, *session);
    if (const auto session = session_after(a.custom_id, "a")) return approve(i, *session);
    if (const auto session = session_after(a.custom_id, "x")) {
        if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        auto reason = input("reason", "Why? The member reads this", true, static_cast<int>(core::refund_reason_length_max),
                            "e.g. no payment with this transaction id arrived", true);
        reason.min_length = 1;
        r.form = ports::modal{"pm:y:" + std::to_string(session->value), "Reject the payment", {std::move(reason)}};
        return r;
    }
    return ephemeral_reply(config_.text(i, "common.control_invalid"));
}

ports::interaction_response payments_feature::on_modal(const ports::interaction& i, const ports::modal_submit& m) {
    if (const auto session = session_after(m.custom_id, "q")) {
        services::payment_proof proof;
        proof.proof_url = core::trim(m.value("link").value_or(""));
        proof.transaction_id = core::trim(m.value("transaction").value_or(""));
        proof.notes = core::trim(m.value("notes").value_or(""));
        return submit(i, *session, proof, true);
    }
    if (const auto session = session_after(m.custom_id, "y")) return reject(i, *session, core::trim(m.value("reason").value_or("")));
    return ephemeral_reply(config_.text(i, "common.form_invalid"));
}

}  // namespace apexcore::bot
