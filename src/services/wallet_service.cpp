#include <apexcore/services/wallet_service.hpp>

#include <cassert>

namespace apexcore::services {
namespace {

std::string credit_fingerprint(const staff_credit_request& r) {
    return r.customer.str() + "|" + std::to_string(r.amount.minor_units()) + "|" + r.amount.currency_of().code_string() +
           "|" + r.staff.user.str();
}

std::string purchase_fingerprint(const purchase_request& r) {
    return r.customer.str() + "|" + std::to_string(r.product.value) + "|" +
           (r.expected_price ? std::to_string(r.expected_price->minor_units()) : std::string("-"));
}

}  // namespace

core::money wallet_service::balance(core::user_id customer) {
    core::money out{0, currency_};
    store_.read([&](ports::unit_of_work& uow) { out = uow.wallet().balance(customer, currency_); });
    return out;
}

core::result<core::ledger_entry, core::rejection> wallet_service::staff_credit(const staff_credit_request& r) {
    if (!r.staff.staff) return core::rejection::not_staff;
    if (!(r.amount.currency_of() == currency_)) return core::rejection::currency_mismatch;
    if (r.amount.minor_units() <= 0) return core::rejection::invalid_amount;
    if (r.description.size() > core::ledger_description_length_max) return core::rejection::description_too_long;
    const bool keyed = !r.idempotency_key.empty();
    if (keyed && !core::is_valid_idempotency_key(r.idempotency_key)) return core::rejection::invalid_idempotency_key;

    std::optional<core::ledger_entry> entry;
    std::optional<core::rejection> rejected;
    store_.transact([&](ports::unit_of_work& uow) {
        if (keyed) {
            if (const auto seen = uow.idempotency().find_key(r.idempotency_key)) {
                if (seen->operation != "staff_credit" || seen->fingerprint != credit_fingerprint(r) || !seen->ledger_entry) {
                    rejected = core::rejection::idempotency_conflict;
                } else {
                    entry = uow.wallet().find_entry(core::ledger_entry_id{*seen->ledger_entry});
                    if (!entry) throw ports::store_error("idempotency key points at a missing ledger row");
                }
                return ports::tx_outcome::rollback;  // nothing new to write
            }
        }
        const core::money current = uow.wallet().balance(r.customer, currency_);
        if (!current.plus(r.amount)) {
            rejected = core::rejection::balance_overflow;
            return ports::tx_outcome::rollback;
        }
        entry = uow.wallet().append(core::ledger_draft{
            .user = r.customer,
            .type = core::ledger_entry_type::staff_credit,
            .amount = r.amount,
            .description = r.description,
            .order = std::nullopt,
            .staff = r.staff.user,
        });
        if (keyed) {
            uow.idempotency().record_key({r.idempotency_key, "staff_credit", credit_fingerprint(r), entry->id.value, std::nullopt});
        }
        return ports::tx_outcome::commit;
    });
    if (rejected) return *rejected;
    assert(entry.has_value());
    return *entry;
}

core::result<purchase_receipt, core::rejection> wallet_service::purchase(const purchase_request& r) {
    const bool keyed = !r.idempotency_key.empty();
    if (keyed && !core::is_valid_idempotency_key(r.idempotency_key)) return core::rejection::invalid_idempotency_key;
    std::optional<purchase_receipt> receipt;
    std::optional<core::rejection> rejected;
    store_.transact([&](ports::unit_of_work& uow) {
        if (keyed) {
            if (const auto seen = uow.idempotency().find_key(r.idempotency_key)) {
                if (seen->operation != "purchase" || seen->fingerprint != purchase_fingerprint(r) || !seen->order ||
                    !seen->ledger_entry) {
                    rejected = core::rejection::idempotency_conflict;
                    return ports::tx_outcome::rollback;
                }
                const auto order = uow.orders().find(core::order_id{*seen->order});
                const auto debit = uow.wallet().find_entry(core::ledger_entry_id{*seen->ledger_entry});
                if (!order || !debit) throw ports::store_error("idempotency key points at a missing order or ledger row");
                const auto product = uow.products().find(order->product);
                receipt = purchase_receipt{*order, *debit, product ? product->display_name() : std::string(), true};
                return ports::tx_outcome::rollback;  // nothing new to write
            }
        }
        const auto product = uow.products().find(r.product);
        if (!product) rejected = core::rejection::unknown_product;
        else if (!product->active) rejected = core::rejection::product_inactive;
        else if (!(product->price.currency_of() == currency_)) rejected = core::rejection::currency_mismatch;
        else if (r.expected_price && !(*r.expected_price == product->price)) rejected = core::rejection::price_changed;
        if (rejected) return ports::tx_outcome::rollback;

        // Discounts arrive with VIP tiers and promo codes; until then the list price is paid.
        const core::basis_points discount = 0;
        const auto price = core::apply_discount(product->price, discount);
        if (!price) {
            rejected = core::rejection::invalid_amount;
            return ports::tx_outcome::rollback;
        }
        const core::money balance = uow.wallet().balance(r.customer, currency_);
        if (balance.minor_units() < price->minor_units()) {
            rejected = core::rejection::insufficient_funds;
            return ports::tx_outcome::rollback;
        }
        const core::order order = uow.orders().insert(core::order_draft{
            .customer = r.customer,
            .product = product->id,
            .status = core::order_status::paid,
            .list_price = product->price,
            .price_paid = *price,
            .discount = discount,
        });
        const core::ledger_entry debit = uow.wallet().append(core::ledger_draft{
            .user = r.customer,
            .type = core::ledger_entry_type::purchase,
            .amount = price->negated().value(),
            .description = "Purchase of " + product->display_name(),
            .order = order.id,
            .staff = std::nullopt,
        });
        assert(debit.balance_after.minor_units() >= 0);
        if (keyed) {
            uow.idempotency().record_key({r.idempotency_key, "purchase", purchase_fingerprint(r), debit.id.value, order.id.value});
        }
        receipt = purchase_receipt{order, debit, product->display_name(), false};
        return ports::tx_outcome::commit;
    });
    if (rejected) return *rejected;
    assert(receipt.has_value());
    return *receipt;
}

}  // namespace apexcore::services
