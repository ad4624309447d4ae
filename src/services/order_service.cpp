#include <apexcore/services/order_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {
namespace {

std::string manual_fingerprint(const manual_order_request& r) {
    return r.customer.str() + "|" + std::to_string(r.product.value) + "|" +
           (r.price_paid ? std::to_string(r.price_paid->minor_units()) : std::string("-")) + "|" + r.staff.user.str();
}

}  // namespace

core::result<core::order, core::rejection> order_service::find_by_reference(const actor& by, std::string_view typed) {
    const auto reference = core::normalize_order_reference(typed);
    if (!reference) return core::rejection::unknown_order;
    std::optional<core::order> found;
    store_.read([&](ports::unit_of_work& uow) { found = uow.orders().find_by_reference(*reference); });
    if (!found) return core::rejection::unknown_order;
    if (!by.staff && found->customer != by.user) return core::rejection::not_owner;
    return *found;
}

core::result<core::order, core::rejection> order_service::find(const actor& by, core::order_id id) {
    std::optional<core::order> found;
    store_.read([&](ports::unit_of_work& uow) { found = uow.orders().find(id); });
    if (!found) return core::rejection::unknown_order;
    if (!by.staff && found->customer != by.user) return core::rejection::not_owner;
    return *found;
}

std::vector<core::order> order_service::list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) {
    std::vector<core::order> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.orders().list_for(customer, std::clamp<std::size_t>(limit, 1, 100), before); });
    return out;
}

core::result<core::order, core::rejection> order_service::cancel(const actor& by, core::order_id id) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::order>(store_, [&](ports::unit_of_work& uow) -> core::result<core::order, core::rejection> {
        const auto order = uow.orders().find(id);
        if (!order) return core::rejection::unknown_order;
        if (!core::can_transition(order->status, core::order_status::cancelled) ||
            uow.payment_sessions().live_for(id)) {  // a live payment session is cancelled through the payment flow
            return core::rejection::forbidden_transition;
        }
        uow.orders().set_status(id, order->status, core::order_status::cancelled);
        if (const auto product = uow.products().find(order->product)) detail::release_reservation(uow, *order, *product);
        return *uow.orders().find(id);
    });
}

core::result<core::order, core::rejection> order_service::deliver(const actor& by, core::order_id id, const std::string& text) {
    if (!by.staff) return core::rejection::not_staff;
    if (text.size() > core::product_payload_length_max) return core::rejection::text_too_long;
    if (!detail::is_clean_text(text, core::product_payload_length_max, true)) return core::rejection::invalid_text;
    return detail::transact<core::order>(store_, [&](ports::unit_of_work& uow) -> core::result<core::order, core::rejection> {
        const auto order = uow.orders().find(id);
        if (!order) return core::rejection::unknown_order;
        if (order->status != core::order_status::paid) return core::rejection::forbidden_transition;
        const auto product = uow.products().find(order->product);
        detail::deliver(uow, *order, *product, text, config_.time().now());
        return *uow.orders().find(id);
    });
}

core::result<manual_order_receipt, core::rejection> order_service::create_manual(const manual_order_request& r) {
    if (!r.staff.staff) return core::rejection::not_staff;
    if (r.price_paid && (!(r.price_paid->currency_of() == config_.currency) || r.price_paid->is_negative())) {
        return r.price_paid->is_negative() ? core::rejection::invalid_amount : core::rejection::currency_mismatch;
    }
    if (!core::is_valid_metadata(r.metadata)) return core::rejection::invalid_metadata;
    if (!r.idempotency_key.empty() && !core::is_valid_idempotency_key(r.idempotency_key)) {
        return core::rejection::invalid_idempotency_key;
    }
    const std::string fingerprint = manual_fingerprint(r);
    const ports::clock& clock = config_.time();
    return detail::transact<manual_order_receipt>(store_, [&](ports::unit_of_work& uow)
                                                      -> core::result<manual_order_receipt, core::rejection> {
        const auto seen = detail::look_up_key(uow, r.idempotency_key, "manual_order", fingerprint);
        if (seen.state == detail::key_state::conflict || (seen.state == detail::key_state::replay && !seen.record.order)) {
            return core::rejection::idempotency_conflict;
        }
        if (seen.state == detail::key_state::replay) {
            manual_order_receipt receipt{*uow.orders().find(core::order_id{*seen.record.order})};
            receipt.replayed = true;
            return receipt;
        }
        const auto product = uow.products().find(r.product);
        if (!product) return core::rejection::unknown_product;
        if (!product->active) return core::rejection::product_inactive;
        if (!(product->price.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
        const core::money price = r.price_paid.value_or(product->price);
        auto events = detail::take_stock_unit(uow, *product);
        if (!events) return events.error();
        core::order_draft draft;
        draft.customer = r.customer;
        draft.product = product->id;
        draft.status = core::order_status::paid;
        draft.list_price = product->price;
        draft.price_paid = price;
        draft.reference = detail::new_order_reference(uow, clock);
        draft.source = core::order_source::manual;
        draft.staff = r.staff.user;
        draft.metadata = r.metadata;
        const core::order order = uow.orders().insert(draft);
        const auto delivered = detail::deliver_now(uow, order, *product, r.customer, clock.now());
        if (!delivered) return delivered.error();
        auto changes = detail::settle_spend(uow, config_, r.customer, price.minor_units(), 1);
        if (!r.idempotency_key.empty()) {
            uow.idempotency().record_key({r.idempotency_key, "manual_order", fingerprint, std::nullopt, order.id.value});
        }
        return manual_order_receipt{*uow.orders().find(order.id), delivered->key, std::move(changes), *events};
    });
}

core::result<core::order, core::rejection> order_service::renew_warranty(const actor& by, core::order_id id) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::order>(store_, [&](ports::unit_of_work& uow) -> core::result<core::order, core::rejection> {
        const auto order = uow.orders().find(id);
        if (!order) return core::rejection::unknown_order;
        const auto product = uow.products().find(order->product);
        if (order->status != core::order_status::delivered || !product || !product->duration_days) {
            return core::rejection::forbidden_transition;
        }
        const auto now = config_.time().now();
        const auto from = order->warranty_expires_at ? std::max(now, *order->warranty_expires_at) : now;
        uow.orders().renew_warranty(id, core::warranty_expiry(from, *product->duration_days), now);
        return *uow.orders().find(id);
    });
}

std::vector<core::order> order_service::warranty_expiring_within(std::chrono::hours window, std::size_t limit) {
    const auto now = config_.time().now();
    std::vector<core::order> out;
    store_.read([&](ports::unit_of_work& uow) {
        out = uow.orders().warranty_expiring(now, now + window, std::clamp<std::size_t>(limit, 1, 1000));
    });
    return out;
}

core::result<bool, core::rejection> order_service::resend_delivery(core::user_id customer, core::order_id id) {
    if (!config_.notifications.direct_messages) return core::rejection::forbidden_transition;
    const auto slot = std::chrono::duration_cast<std::chrono::minutes>(config_.time().now().time_since_epoch()).count() / 10;
    return detail::transact<bool>(store_, [&](ports::unit_of_work& uow) -> core::result<bool, core::rejection> {
        const auto order = uow.orders().find(id);
        if (!order || order->customer != customer) return core::rejection::unknown_order;
        if (order->delivery.empty()) return core::rejection::forbidden_transition;
        const auto product = uow.products().find(order->product);
        core::outbox_facts facts = detail::order_facts(*order, product ? product->display_name() : std::string());
        facts.emplace("secret", order->delivery);
        facts.emplace("delivery_kind", product && detail::delivers_key(*product) ? "license_key" : "payload");
        return detail::notify_member(uow, config_, customer, core::log_topic::orders, "order.delivery", std::move(facts),
                                     "resend:" + std::to_string(id.value) + ":" + std::to_string(slot));
    });
}

std::size_t order_service::queue_warranty_notices() {
    if (!config_.notifications.direct_messages) return 0;
    const auto now = config_.time().now();
    constexpr std::size_t page = 200;
    std::size_t written = 0;
    auto from = now;
    // Pages by expiry time; a page that ends on a tie starts the next one at that time again
    // (dedup keys make the repeats free), bounded so a pile of ties cannot loop forever.
    for (int pages = 0; pages < 500; ++pages) {
        std::vector<core::order> due;
        store_.read([&](ports::unit_of_work& uow) { due = uow.orders().warranty_expiring(from, now + std::chrono::days(7), page); });
        if (due.empty()) break;
        store_.transact([&](ports::unit_of_work& uow) {
            for (const auto& order : due) {
                if (!order.warranty_expires_at) continue;
                const bool last_day = *order.warranty_expires_at - now <= std::chrono::days(1);
                const std::string key = "warranty:" + std::to_string(order.id.value) + (last_day ? ":1d" : ":7d");
                const auto product = uow.products().find(order.product);
                core::outbox_facts facts = detail::order_facts(order, product ? product->display_name() : std::string());
                const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(order.warranty_expires_at->time_since_epoch());
                facts.emplace("warranty_until", std::to_string(seconds.count()));
                if (detail::notify_member(uow, config_, order.customer, core::log_topic::orders, "warranty.expiring",
                                          std::move(facts), key)) {
                    ++written;
                }
            }
            return ports::tx_outcome::commit;
        });
        if (due.size() < page) break;
        const auto last = due.back().warranty_expires_at.value_or(from);
        from = last > from ? last : from + std::chrono::milliseconds(1);
    }
    return written;
}

}  // namespace apexcore::services
