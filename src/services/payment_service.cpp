#include <apexcore/services/payment_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {
namespace {

using status = core::payment_session_status;

std::string start_fingerprint(const start_payment_request& r) {
    return r.customer.str() + "|" + std::to_string(r.product.value) + "|" + r.method + "|" +
           (r.expected_price ? std::to_string(r.expected_price->minor_units()) : std::string("-"));
}

using view_result = core::result<payment_view, core::rejection>;

template <class Work>
view_result transact(ports::store& store, Work&& work) {
    return detail::transact<payment_view>(store, std::forward<Work>(work));
}

/// Moves a session (compare-and-set) and audits the move.
bool move(ports::unit_of_work& uow, core::payment_session& s, status to, core::user_id actor, const std::string& note) {
    const status from = s.status;
    if (!core::can_transition(from, to)) return false;
    s.status = to;
    if (!uow.payment_sessions().update_session(s, from)) return false;
    uow.payment_sessions().audit({s.id, from, to, actor, note, {}});
    return true;
}

/// Stores a new open session for `order`, expiring at `expires_at`, and audits its creation.
core::payment_session open_session(ports::unit_of_work& uow, core::order_id order, core::user_id customer,
                                   const std::string& method, std::chrono::system_clock::time_point expires_at,
                                   const std::string& note) {
    core::payment_session s;
    s.order = order;
    s.customer = customer;
    s.method = method;
    s.expires_at = expires_at;
    s = uow.payment_sessions().insert_session(s);
    uow.payment_sessions().audit({s.id, std::nullopt, status::open, customer, note, {}});
    return s;
}

}  // namespace

core::result<payment_view, core::rejection> payment_service::start(const start_payment_request& r) {
    if (config_.find_method(r.method) == nullptr) return core::rejection::unknown_payment_method;
    if (!r.idempotency_key.empty() && !core::is_valid_idempotency_key(r.idempotency_key)) {
        return core::rejection::invalid_idempotency_key;
    }
    const std::string fingerprint = start_fingerprint(r);
    const ports::clock& clock = config_.time();
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        const auto seen = detail::look_up_key(uow, r.idempotency_key, "payment_start", fingerprint);
        if (seen.state == detail::key_state::conflict || (seen.state == detail::key_state::replay && !seen.record.order)) {
            return core::rejection::idempotency_conflict;
        }
        if (seen.state == detail::key_state::replay) {
            const auto order = uow.orders().find(core::order_id{*seen.record.order});
            if (!order) throw ports::store_error("idempotency key points at a missing order");
            auto session = uow.payment_sessions().live_for(order->id);
            if (!session) return core::rejection::payment_session_expired;
            payment_view view{*session, *order};
            view.replayed = true;
            return view;
        }
        const auto product = uow.products().find(r.product);
        if (!product) return core::rejection::unknown_product;
        if (!product->active) return core::rejection::product_inactive;
        if (!(product->price.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
        if (r.expected_price && !(*r.expected_price == product->price)) return core::rejection::price_changed;
        auto events = detail::take_stock_unit(uow, *product);
        if (!events) return events.error();
        core::order_draft draft;
        draft.customer = r.customer;
        draft.product = product->id;
        draft.status = core::order_status::pending_payment;
        draft.list_price = product->price;
        draft.price_paid = product->price;
        draft.reference = detail::new_order_reference(uow, clock);
        draft.source = core::order_source::payment;
        draft.metadata = {{"product_name", product->display_name()}, {"payment_method", r.method}};
        const core::order order = uow.orders().insert(draft);
        if (detail::delivers_key(*product) &&
            !uow.license_keys().take_available(product->id, core::license_key_status::reserved, order.id, r.customer,
                                               std::nullopt)) {
            return core::rejection::no_license_key_available;
        }
        const auto s = open_session(uow, order.id, r.customer, r.method, clock.now() + config_.payment_session_ttl,
                                    "started with " + r.method);
        if (!r.idempotency_key.empty()) {
            uow.idempotency().record_key({r.idempotency_key, "payment_start", fingerprint, std::nullopt, order.id.value});
        }
        payment_view view{s, order};
        view.stock_events = *events;
        return view;
    });
}

core::result<payment_view, core::rejection> payment_service::reopen(core::user_id customer, core::order_id order_id,
                                                                    const std::string& method) {
    if (config_.find_method(method) == nullptr) return core::rejection::unknown_payment_method;
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        const auto order = uow.orders().find(order_id);
        if (!order) return core::rejection::unknown_order;
        if (order->customer != customer) return core::rejection::not_owner;
        if (order->status != core::order_status::pending_payment || order->source != core::order_source::payment) {
            return core::rejection::forbidden_transition;
        }
        if (uow.payment_sessions().live_for(order_id)) return core::rejection::payment_session_exists;
        return payment_view{open_session(uow, order_id, customer, method, config_.time().now() + config_.payment_session_ttl,
                                         "reopened with " + method), *order};
    });
}

core::result<payment_view, core::rejection> payment_service::submit(core::user_id customer, core::payment_session_id id,
                                                                    const payment_proof& proof) {
    if (proof.transaction_id.size() > core::payment_field_length_max || proof.contact.size() > core::payment_field_length_max ||
        proof.notes.size() > core::payment_notes_length_max || proof.proof_url.size() > core::payment_proof_url_length_max) {
        return core::rejection::text_too_long;
    }
    if (!detail::is_clean_text(proof.transaction_id, core::payment_field_length_max, false) ||
        !detail::is_clean_text(proof.contact, core::payment_field_length_max, false) ||
        !detail::is_clean_text(proof.notes, core::payment_notes_length_max, true) ||
        (!proof.proof_url.empty() && !core::is_valid_proof_url(proof.proof_url))) {
        return core::rejection::invalid_text;
    }
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        auto s = uow.payment_sessions().find_session(id);
        if (!s) return core::rejection::unknown_payment_session;
        if (s->customer != customer) return core::rejection::not_owner;
        if (s->status == status::open && config_.time().now() >= s->expires_at) return core::rejection::payment_session_expired;
        // A proof is required unless the session's method says otherwise (a method no longer
        // configured requires one).
        const core::payment_method* method = config_.find_method(s->method);
        if (proof.proof_url.empty() && (method == nullptr || method->proof_required)) return core::rejection::invalid_text;
        s->transaction_id = proof.transaction_id;
        s->contact = proof.contact;
        s->notes = proof.notes;
        s->proof_url = proof.proof_url;
        if (!move(uow, *s, status::submitted, customer, "proof submitted")) return core::rejection::forbidden_transition;
        if (!uow.orders().set_status(s->order, core::order_status::pending_payment, core::order_status::awaiting_review)) {
            throw ports::store_error("payment submit: order " + std::to_string(s->order.value) + " is not pending_payment");
        }
        const core::order order = *uow.orders().find(s->order);
        // Staff review it in the payments log (the bot renders Approve / Reject on this post).
        const auto product = uow.products().find(order.product);
        core::outbox_facts facts = detail::order_facts(order, product ? product->display_name() : std::string());
        facts.emplace("method", s->method);
        facts.emplace("session", std::to_string(s->id.value));
        facts.emplace("proof", s->proof_url);
        if (!s->transaction_id.empty()) facts.emplace("transaction", s->transaction_id);
        if (!s->contact.empty()) facts.emplace("contact", s->contact);
        if (!s->notes.empty()) facts.emplace("notes", s->notes);
        detail::notify_log(uow, config_, core::log_topic::payments, "payment.submitted", std::move(facts));
        return payment_view{*s, order};
    });
}

core::result<payment_view, core::rejection> payment_service::approve(const actor& staff, core::payment_session_id id) {
    if (!staff.staff) return core::rejection::not_staff;
    const ports::clock& clock = config_.time();
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        auto s = uow.payment_sessions().find_session(id);
        if (!s) return core::rejection::unknown_payment_session;
        s->staff = staff.user;
        if (!move(uow, *s, status::approved, staff.user, "approved")) return core::rejection::forbidden_transition;
        auto order = *uow.orders().find(s->order);
        if (!uow.orders().set_status(order.id, core::order_status::awaiting_review, core::order_status::paid)) {
            throw ports::store_error("payment approve: order " + std::to_string(order.id.value) + " is not awaiting_review");
        }
        order.status = core::order_status::paid;
        const auto product = uow.products().find(order.product);
        if (!product) throw ports::store_error("payment approve: the order's product is missing");
        std::optional<std::string> key_text;
        std::string delivered = detail::delivery_text(*product);
        if (auto key = uow.license_keys().key_for_order(order.id); key && key->status == core::license_key_status::reserved) {
            uow.license_keys().move_key(key->id, core::license_key_status::reserved, core::license_key_status::used, order.id,
                                        order.customer);
            key_text = key->key;
            delivered = key->key;
        }
        if (!delivered.empty()) detail::deliver(uow, order, *product, delivered, clock.now());
        auto changes = detail::settle_spend(uow, config_, order.customer, order.price_paid.minor_units(), 1);
        detail::notify_product_role(uow, config_, order.customer, *product);
        const core::order after = *uow.orders().find(order.id);
        core::outbox_facts facts = detail::order_facts(after, product->display_name());
        facts.emplace("method", s->method);
        facts.emplace("session", std::to_string(s->id.value));
        facts.emplace("staff", staff.user.str());
        if (!s->transaction_id.empty()) facts.emplace("transaction", s->transaction_id);
        detail::notify_log(uow, config_, core::log_topic::payments, "payment.approved", facts);
        if (!delivered.empty()) {
            facts.emplace("secret", delivered);
            facts.emplace("delivery_kind", key_text ? "license_key" : "payload");
        }
        detail::notify_member(uow, config_, after.customer, core::log_topic::payments, "payment.approved", std::move(facts));
        return payment_view{*s, after, key_text, std::move(changes)};
    });
}

core::result<payment_view, core::rejection> payment_service::reject(const actor& staff, core::payment_session_id id,
                                                                    const std::string& reason) {
    if (!staff.staff) return core::rejection::not_staff;
    if (reason.size() > core::refund_reason_length_max) return core::rejection::text_too_long;
    if (reason.empty() || !detail::is_clean_text(reason, core::refund_reason_length_max, false)) {
        return core::rejection::invalid_text;
    }
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        auto s = uow.payment_sessions().find_session(id);
        if (!s) return core::rejection::unknown_payment_session;
        const status from = s->status;
        s->staff = staff.user;
        s->reason = reason;
        if (!move(uow, *s, status::rejected, staff.user, reason)) return core::rejection::forbidden_transition;
        if (from == status::submitted) {
            uow.orders().set_status(s->order, core::order_status::awaiting_review, core::order_status::pending_payment);
        }
        const core::order order = *uow.orders().find(s->order);
        const auto product = uow.products().find(order.product);
        core::outbox_facts facts = detail::order_facts(order, product ? product->display_name() : std::string());
        facts.emplace("method", s->method);
        facts.emplace("session", std::to_string(s->id.value));
        facts.emplace("staff", staff.user.str());
        facts.emplace("reason", reason);
        detail::notify_log(uow, config_, core::log_topic::payments, "payment.rejected", facts);
        detail::notify_member(uow, config_, order.customer, core::log_topic::payments, "payment.rejected", std::move(facts));
        return payment_view{*s, order};
    });
}

core::result<payment_view, core::rejection> payment_service::cancel(core::user_id customer, core::payment_session_id id) {
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        auto s = uow.payment_sessions().find_session(id);
        if (!s) return core::rejection::unknown_payment_session;
        if (s->customer != customer) return core::rejection::not_owner;
        if (!move(uow, *s, status::cancelled, customer, "cancelled by the customer")) {
            return core::rejection::forbidden_transition;
        }
        const auto order = *uow.orders().find(s->order);
        if (!core::can_transition(order.status, core::order_status::cancelled) ||
            !uow.orders().set_status(order.id, order.status, core::order_status::cancelled)) {
            throw ports::store_error("payment cancel: order " + std::to_string(order.id.value) + " cannot be cancelled");
        }
        payment_view view{*s, *uow.orders().find(order.id)};
        if (const auto product = uow.products().find(order.product)) {
            view.stock_events = detail::release_reservation(uow, order, *product);
        }
        return view;
    });
}

std::vector<payment_view> payment_service::expire_due(std::size_t limit) {
    std::vector<payment_view> out;
    store_.transact([&](ports::unit_of_work& uow) {
        const auto due = uow.payment_sessions().expired_open(config_.time().now(), std::clamp<std::size_t>(limit, 1, 1000));
        for (auto s : due) {
            if (!move(uow, s, status::expired, s.customer, "expired after the time limit")) continue;
            const auto order = *uow.orders().find(s.order);
            std::vector<core::stock_event> events;
            if (uow.orders().set_status(order.id, core::order_status::pending_payment, core::order_status::cancelled)) {
                if (const auto product = uow.products().find(order.product)) {
                    events = detail::release_reservation(uow, order, *product);
                }
            }
            out.push_back(payment_view{s, *uow.orders().find(order.id)});
            const auto product = uow.products().find(order.product);
            core::outbox_facts facts = detail::order_facts(out.back().order, product ? product->display_name() : std::string());
            facts.emplace("method", s.method);
            facts.emplace("session", std::to_string(s.id.value));
            detail::notify_log(uow, config_, core::log_topic::payments, "payment.expired", facts);
            detail::notify_member(uow, config_, s.customer, core::log_topic::payments, "payment.expired", std::move(facts));
            if (product) detail::notify_stock(uow, config_, *product, events);
            out.back().stock_events = std::move(events);
        }
        return ports::tx_outcome::commit;
    });
    return out;
}

std::vector<core::payment_session> payment_service::awaiting_review(std::size_t limit) {
    std::vector<core::payment_session> out;
    store_.read([&](ports::unit_of_work& uow) {
        out = uow.payment_sessions().list_submitted(std::clamp<std::size_t>(limit, 1, 100));
    });
    return out;
}

core::result<std::vector<core::payment_session_event>, core::rejection> payment_service::audit_trail(
    core::payment_session_id id) {
    std::optional<std::vector<core::payment_session_event>> out;
    store_.read([&](ports::unit_of_work& uow) {
        if (uow.payment_sessions().find_session(id)) out = uow.payment_sessions().audit_trail(id);
    });
    if (!out) return core::rejection::unknown_payment_session;
    return *out;
}

std::optional<core::payment_session> payment_service::find_session(core::user_id customer, core::payment_session_id id) {
    std::optional<core::payment_session> found;
    store_.read([&](ports::unit_of_work& uow) { found = uow.payment_sessions().find_session(id); });
    if (found && found->customer != customer) return std::nullopt;
    return found;
}

core::result<payment_view, core::rejection> payment_service::live_session(core::user_id customer, core::order_id order_id) {
    return transact(store_, [&](ports::unit_of_work& uow) -> view_result {
        const auto order = uow.orders().find(order_id);
        if (!order || order->customer != customer) return core::rejection::unknown_order;
        const auto session = uow.payment_sessions().live_for(order_id);
        if (!session) return core::rejection::unknown_payment_session;
        return payment_view{*session, *order};
    });
}


}  // namespace apexcore::services
