#include <apexcore/services/refund_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {
namespace {

bool refundable(core::order_status s) {
    return s == core::order_status::paid || s == core::order_status::delivered ||
           s == core::order_status::partially_refunded;
}

}  // namespace

core::result<core::refund, core::rejection> refund_service::request(const refund_request& r) {
    if (r.reason.size() > core::refund_reason_length_max) return core::rejection::text_too_long;
    if (!detail::is_clean_text(r.reason, core::refund_reason_length_max, false)) return core::rejection::invalid_text;
    return detail::transact<core::refund>(store_, [&](ports::unit_of_work& uow) -> core::result<core::refund, core::rejection> {
        const auto order = uow.orders().find(r.order);
        if (!order) return core::rejection::unknown_order;
        if (!r.by.staff && order->customer != r.by.user) return core::rejection::not_owner;
        if (!refundable(order->status)) return core::rejection::forbidden_transition;
        if (!r.by.staff && !core::within_refund_window(config_.refunds, order->created_at, config_.time().now())) {
            return core::rejection::refund_window_closed;
        }
        const std::int64_t left = order->price_paid.minor_units() - order->refunded.minor_units();
        const core::money amount = r.amount.value_or(core::money{left, order->price_paid.currency_of()});
        if (!(amount.currency_of() == order->price_paid.currency_of()) || amount.minor_units() <= 0 ||
            amount.minor_units() > left) {
            return core::rejection::refund_amount_invalid;
        }
        if (uow.refunds().pending_for(order->id)) return core::rejection::refund_already_requested;
        if (!r.by.staff && detail::cooldown_until(uow, config_, "refund_requests", order->customer, config_.time().now())) {
            return core::rejection::cooldown_active;
        }
        core::refund draft;
        draft.order = order->id;
        draft.customer = order->customer;
        draft.amount = amount;
        draft.reason = r.reason;
        const core::refund stored = uow.refunds().insert_refund(draft);
        // Staff review it from the orders log channel (its post carries Approve / Reject).
        const auto product = uow.products().find(order->product);
        core::outbox_facts facts = detail::order_facts(*order, product ? product->display_name() : std::string());
        facts.emplace("refund", std::to_string(stored.id.value));
        facts.emplace("amount", core::format_money(amount));
        if (const auto fee = core::refund_fee(config_.refunds, amount); fee && !fee->is_zero()) {
            facts.emplace("fee", core::format_money(*fee));
        }
        facts.emplace("reason", r.reason);
        detail::notify_log(uow, config_, core::log_topic::orders, "refund.requested", std::move(facts));
        return stored;
    });
}

std::optional<std::chrono::system_clock::time_point> refund_service::request_cooldown_until(core::user_id member) {
    std::optional<std::chrono::system_clock::time_point> out;
    store_.read([&](ports::unit_of_work& uow) {
        out = detail::cooldown_until(uow, config_, "refund_requests", member, config_.time().now());
    });
    return out;
}

core::result<refund_quote, core::rejection> refund_service::quote(const actor& by, core::order_id id) {
    const auto now = config_.time().now();
    const auto compute = [&](ports::unit_of_work& uow) -> core::result<refund_quote, core::rejection> {
        const auto order = uow.orders().find(id);
        if (!order) return core::rejection::unknown_order;
        if (!by.staff && order->customer != by.user) return core::rejection::not_owner;
        if (!refundable(order->status)) return core::rejection::forbidden_transition;
        if (!by.staff && !core::within_refund_window(config_.refunds, order->created_at, now)) {
            return core::rejection::refund_window_closed;
        }
        if (uow.refunds().pending_for(order->id)) return core::rejection::refund_already_requested;
        if (!by.staff && detail::cooldown_until(uow, config_, "refund_requests", order->customer, now)) {
            return core::rejection::cooldown_active;
        }
        const core::money amount{order->price_paid.minor_units() - order->refunded.minor_units(), order->price_paid.currency_of()};
        const auto fee = core::refund_fee(config_.refunds, amount);
        if (!fee) return core::rejection::amount_too_large;
        refund_quote q{*order, amount, *fee, core::money{amount.minor_units() - fee->minor_units(), amount.currency_of()}, std::nullopt};
        if (!by.staff) q.window_ends = order->created_at + std::chrono::hours(24) * config_.refunds.max_days;
        return q;
    };
    std::optional<core::result<refund_quote, core::rejection>> out;
    store_.read([&](ports::unit_of_work& uow) { out.emplace(compute(uow)); });
    return std::move(*out);
}

core::result<refund_outcome, core::rejection> refund_service::approve(const actor& staff, core::refund_id id,
                                                                      const std::string& note) {
    if (!staff.staff) return core::rejection::not_staff;
    if (!detail::is_clean_text(note, core::refund_reason_length_max, false)) {
        return note.size() > core::refund_reason_length_max ? core::rejection::text_too_long : core::rejection::invalid_text;
    }
    return detail::transact<refund_outcome>(store_, [&](ports::unit_of_work& uow)
                                                -> core::result<refund_outcome, core::rejection> {
        auto refund = uow.refunds().find_refund(id);
        if (!refund) return core::rejection::unknown_refund;
        if (refund->status != core::refund_status::requested) return core::rejection::already_decided;
        const auto order = uow.orders().find(refund->order);
        if (!order || !refundable(order->status)) return core::rejection::forbidden_transition;
        const std::int64_t left = order->price_paid.minor_units() - order->refunded.minor_units();
        if (refund->amount.minor_units() > left) return core::rejection::refund_amount_invalid;

        const auto fee_or = core::refund_fee(config_.refunds, refund->amount);
        if (!fee_or) return core::rejection::amount_too_large;
        const core::money fee = *fee_or;
        const core::money net{refund->amount.minor_units() - fee.minor_units(), refund->amount.currency_of()};
        std::optional<core::ledger_entry> credit;
        if (net.minor_units() > 0) {
            if (!uow.wallet().balance(order->customer, net.currency_of()).plus(net)) return core::rejection::balance_overflow;
            credit = uow.wallet().append(core::ledger_draft{order->customer, core::ledger_entry_type::refund, net,
                                                            "Refund of order " + order->reference, order->id, staff.user});
        }
        const bool full = refund->amount.minor_units() == left;
        const auto status = full ? core::order_status::refunded : core::order_status::partially_refunded;
        if (!core::can_transition(order->status, status)) return core::rejection::forbidden_transition;
        uow.orders().add_refunded(order->id, refund->amount, status);
        if (full && order->status == core::order_status::paid) {
            // Never delivered: the counted unit goes back to stock.
            if (auto c = uow.products().adjust_stock(order->product, 1); c && c->refused) {
                throw ports::store_error("refund: stock overflow");
            }
        }
        refund->status = core::refund_status::approved;
        refund->staff = staff.user;
        refund->decision_reason = note;
        refund->fee = fee;
        if (credit) refund->credit = credit->id;
        refund->decided_at = config_.time().now();
        if (!uow.refunds().decide(*refund)) return core::rejection::already_decided;
        auto changes = detail::settle_spend(uow, config_, order->customer, -net.minor_units(), 0);
        const core::order after = *uow.orders().find(order->id);
        const auto product = uow.products().find(order->product);
        core::outbox_facts facts = detail::order_facts(after, product ? product->display_name() : std::string());
        facts.emplace("amount", core::format_money(refund->amount));
        if (!fee.is_zero()) facts.emplace("fee", core::format_money(fee));
        facts.emplace("credited", core::format_money(net));
        facts.emplace("staff", staff.user.str());
        facts.emplace("note", note);
        if (credit) {
            facts.emplace("balance", core::format_money(credit->balance_after));
            facts.emplace("entry", std::to_string(credit->id.value));
        }
        detail::notify_log(uow, config_, core::log_topic::orders, "refund.approved", facts);
        detail::notify_member(uow, config_, after.customer, core::log_topic::orders, "refund.approved", std::move(facts));
        return refund_outcome{*refund, after, credit, std::move(changes)};
    });
}

core::result<core::refund, core::rejection> refund_service::reject(const actor& staff, core::refund_id id,
                                                                   const std::string& reason) {
    if (!staff.staff) return core::rejection::not_staff;
    if (reason.size() > core::refund_reason_length_max) return core::rejection::text_too_long;
    if (reason.empty() || !detail::is_clean_text(reason, core::refund_reason_length_max, false)) {
        return core::rejection::invalid_text;
    }
    return detail::transact<core::refund>(store_, [&](ports::unit_of_work& uow) -> core::result<core::refund, core::rejection> {
        auto refund = uow.refunds().find_refund(id);
        if (!refund) return core::rejection::unknown_refund;
        refund->status = core::refund_status::rejected;
        refund->staff = staff.user;
        refund->decision_reason = reason;
        refund->decided_at = config_.time().now();
        if (!uow.refunds().decide(*refund)) return core::rejection::already_decided;
        if (const auto order = uow.orders().find(refund->order)) {
            const auto product = uow.products().find(order->product);
            core::outbox_facts facts = detail::order_facts(*order, product ? product->display_name() : std::string());
            facts.emplace("amount", core::format_money(refund->amount));
            facts.emplace("staff", staff.user.str());
            facts.emplace("reason", reason);
            detail::notify_log(uow, config_, core::log_topic::orders, "refund.rejected", facts);
            detail::notify_member(uow, config_, order->customer, core::log_topic::orders, "refund.rejected", std::move(facts));
        }
        return *refund;
    });
}

std::vector<core::refund> refund_service::pending(std::size_t limit) {
    std::vector<core::refund> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.refunds().list_pending(std::clamp<std::size_t>(limit, 1, 100)); });
    return out;
}

}  // namespace apexcore::services
