#include <apexcore/services/wallet_service.hpp>

#include "detail.hpp"

#include <algorithm>

namespace apexcore::services {
namespace {

/// What a purchase would cost, read inside `uow`: the product checked (exists, active, the shop's
/// currency, the price the customer saw), then the best role discount over the recorded tier roles
/// and the member's roles, then the promo code (docs/pricing.md).
struct priced_purchase {
    std::optional<core::product> product;
    core::customer_profile profile;
    std::optional<core::promo_code> promo;
    core::basis_points role_discount = 0;
    core::price_quote quote;
};

core::result<priced_purchase, core::rejection> price_for(ports::unit_of_work& uow, const shop_config& config,
                                                        const purchase_request& r, std::chrono::system_clock::time_point now) {
    priced_purchase out;
    out.product = uow.products().find(r.product);
    if (!out.product) return core::rejection::unknown_product;
    if (!out.product->active) return core::rejection::product_inactive;
    if (!(out.product->price.currency_of() == config.currency)) return core::rejection::currency_mismatch;
    if (r.expected_price && !(*r.expected_price == out.product->price)) return core::rejection::price_changed;
    out.profile = uow.customers().profile(r.customer);
    std::set<core::role_id> held = out.profile.held_roles;
    held.insert(r.member_roles.begin(), r.member_roles.end());
    out.role_discount = core::best_discount(config.active_tiers(), held);
    core::promo_usage usage{};
    if (!r.promo_code.empty()) {
        out.promo = uow.promos().find_promo(r.promo_code);
        if (!out.promo) return core::rejection::unknown_promo_code;
        usage = uow.promos().usage(out.promo->code, r.customer);
    }
    const auto quote = core::quote_price(*out.product, out.role_discount, out.promo ? &*out.promo : nullptr, usage, now);
    if (!quote) return detail::to_rejection(quote.error());
    if (r.expected_total && !(*r.expected_total == quote->final_price)) return core::rejection::price_changed;
    out.quote = *quote;
    return out;
}

}  // namespace

core::result<core::price_quote, core::rejection> wallet_service::quote(const purchase_request& r) {
    std::optional<core::result<core::price_quote, core::rejection>> out;
    store_.read([&](ports::unit_of_work& uow) {
        auto priced = price_for(uow, config_, r, config_.time().now());
        if (priced) {
            out.emplace(priced->quote);
        } else {
            out.emplace(priced.error());
        }
    });
    return std::move(*out);
}

namespace {

std::string credit_fingerprint(const staff_credit_request& r, core::ledger_entry_type type) {
    return std::string(core::to_string(type)) + "|" + r.customer.str() + "|" + std::to_string(r.amount.minor_units()) +
           "|" + r.amount.currency_of().code_string() + "|" + r.staff.user.str();
}

std::string purchase_fingerprint(const purchase_request& r) {
    std::string promo = r.promo_code;
    std::transform(promo.begin(), promo.end(), promo.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return r.customer.str() + "|" + std::to_string(r.product.value) + "|" +
           (r.expected_price ? std::to_string(r.expected_price->minor_units()) : std::string("-")) + "|" + promo;
}

}  // namespace

core::money wallet_service::balance(core::user_id customer) {
    core::money out{0, config_.currency};
    store_.read([&](ports::unit_of_work& uow) { out = uow.wallet().balance(customer, config_.currency); });
    return out;
}

std::vector<core::ledger_entry> wallet_service::history(core::user_id customer, std::size_t limit,
                                                        std::optional<core::ledger_entry_id> before) {
    limit = std::clamp<std::size_t>(limit, 1, 100);
    std::vector<core::ledger_entry> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.wallet().history(customer, limit, before); });
    return out;
}

core::result<core::ledger_entry, core::rejection> wallet_service::staff_credit(const staff_credit_request& r) {
    return credit(r, core::ledger_entry_type::staff_credit);
}

core::result<core::ledger_entry, core::rejection> wallet_service::deposit(const staff_credit_request& r) {
    return credit(r, core::ledger_entry_type::deposit);
}

core::result<core::ledger_entry, core::rejection> wallet_service::credit(const staff_credit_request& r,
                                                                         core::ledger_entry_type type) {
    if (!r.staff.staff) return core::rejection::not_staff;
    if (!(r.amount.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
    if (r.amount.minor_units() <= 0) return core::rejection::invalid_amount;
    if (r.amount.minor_units() > core::amount_minor_max) return core::rejection::amount_too_large;
    if (r.description.size() > core::ledger_description_length_max) return core::rejection::description_too_long;
    const bool keyed = !r.idempotency_key.empty();
    if (keyed && !core::is_valid_idempotency_key(r.idempotency_key)) return core::rejection::invalid_idempotency_key;
    const std::string operation(core::to_string(type));
    const std::string fingerprint = credit_fingerprint(r, type);

    return detail::transact<core::ledger_entry>(store_, [&](ports::unit_of_work& uow)
                                                    -> core::result<core::ledger_entry, core::rejection> {
        const auto seen = detail::look_up_key(uow, r.idempotency_key, operation, fingerprint);
        if (seen.state == detail::key_state::conflict || (seen.state == detail::key_state::replay && !seen.record.ledger_entry)) {
            return core::rejection::idempotency_conflict;
        }
        if (seen.state == detail::key_state::replay) {
            auto entry = uow.wallet().find_entry(core::ledger_entry_id{*seen.record.ledger_entry});
            if (!entry) throw ports::store_error("idempotency key points at a missing ledger row");
            return *entry;  // nothing new is written
        }
        if (!uow.wallet().balance(r.customer, config_.currency).plus(r.amount)) return core::rejection::balance_overflow;
        core::ledger_draft draft{r.customer, type, r.amount, r.description, std::nullopt, r.staff.user};
        draft.ticket = r.ticket;
        const core::ledger_entry entry = uow.wallet().append(draft);
        if (keyed) uow.idempotency().record_key({r.idempotency_key, operation, fingerprint, entry.id.value, std::nullopt});
        const core::outbox_facts facts{{"member", r.customer.str()},
                                       {"staff", r.staff.user.str()},
                                       {"amount", core::format_money(entry.amount)},
                                       {"balance", core::format_money(entry.balance_after)},
                                       {"reason", r.description},
                                       {"type", operation},
                                       {"entry", std::to_string(entry.id.value)}};
        detail::notify_log(uow, config_, core::log_topic::payments, "wallet.credited", facts);
        detail::notify_member(uow, config_, r.customer, core::log_topic::payments, "wallet.credited", facts);
        return entry;
    });
}

void wallet_service::notify_purchase(ports::unit_of_work& uow, const core::order& order, const core::product& product,
                                     const core::price_quote& quote, const std::optional<core::ledger_entry>& debit,
                                     const std::optional<std::string>& key,
                                     const std::vector<core::stock_event>& stock) const {
    if (!config_.notifications.logs(core::log_topic::orders) && !config_.notifications.direct_messages) {
        detail::notify_stock(uow, config_, product, stock);  // nothing else is written: no facts to build
        return;
    }
    core::outbox_facts facts = detail::order_facts(order, product.display_name());
    facts.emplace("list_price", core::format_money(quote.list_price));
    facts["price"] = core::format_money(quote.final_price);
    if (quote.role_discount > 0) facts.emplace("role_discount_bp", std::to_string(quote.role_discount));
    if (!quote.promo_discount.is_zero()) facts.emplace("promo_discount", core::format_money(quote.promo_discount));
    if (order.promo_code) facts.emplace("promo_code", *order.promo_code);
    if (debit) {
        facts.emplace("balance", core::format_money(debit->balance_after));
        facts.emplace("entry", std::to_string(debit->id.value));
    }
    if (const auto tier = order.metadata.find("vip_tier"); tier != order.metadata.end()) facts.emplace("vip_tier", tier->second);
    if (order.warranty_expires_at) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(order.warranty_expires_at->time_since_epoch());
        facts.emplace("warranty_until", std::to_string(seconds.count()));
    }
    detail::notify_log(uow, config_, core::log_topic::orders, "order.paid", facts);
    // The member's copy carries what was delivered (never posted to a log channel).
    if (key) {
        facts.emplace("secret", *key);
        facts.emplace("delivery_kind", "license_key");
    } else if (!order.delivery.empty()) {
        facts.emplace("secret", order.delivery);
        facts.emplace("delivery_kind", "payload");
    }
    detail::notify_member(uow, config_, order.customer, core::log_topic::orders, "order.paid", std::move(facts));
    detail::notify_stock(uow, config_, product, stock);
}

namespace {

std::string proposal_fingerprint(const core::staff_proposal& p) {
    return std::string(core::to_string(p.action)) + "|" + p.member.str() + "|" + std::to_string(p.amount.minor_units()) + "|" +
           p.amount.currency_of().code_string() + "|" + p.staff.str();
}

/// The ledger type a proposal writes.
core::ledger_entry_type ledger_type(core::staff_action a) {
    return a == core::staff_action::wallet_credit ? core::ledger_entry_type::staff_credit : core::ledger_entry_type::withdrawal;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> wallet_service::purchase_cooldown_until(core::user_id member) {
    std::optional<std::chrono::system_clock::time_point> out;
    store_.read([&](ports::unit_of_work& uow) { out = detail::cooldown_until(uow, config_, "purchases", member, config_.time().now()); });
    return out;
}

core::result<staff_preview, core::rejection> wallet_service::propose(const staff_proposal_request& r) {
    if (!r.staff.staff) return core::rejection::not_staff;
    if (!(r.amount.currency_of() == config_.currency)) return core::rejection::currency_mismatch;
    if (r.amount.minor_units() <= 0) return core::rejection::invalid_amount;
    if (r.amount.minor_units() > core::amount_minor_max) return core::rejection::amount_too_large;
    if (r.reason.size() > core::ledger_description_length_max) return core::rejection::description_too_long;
    if (!core::is_valid_proposal_token(r.token)) return core::rejection::invalid_text;
    const auto now = config_.time().now();
    return detail::transact<staff_preview>(store_, [&](ports::unit_of_work& uow) -> core::result<staff_preview, core::rejection> {
        core::staff_proposal p{r.token, r.action, r.staff.user, r.member, r.amount, r.reason, now, now + core::staff_proposal_ttl};
        if (const auto stored = uow.proposals().find_proposal(r.token)) {
            if (stored->staff != r.staff.user) return core::rejection::not_proposer;
            p = *stored;  // a repeated delivery: the first proposal stands
        } else {
            uow.proposals().purge_proposals(now - std::chrono::hours(1), 100);
            uow.proposals().insert_proposal(p);
        }
        staff_preview out{p, uow.wallet().balance(p.member, config_.currency), {}, uow.wallet().history(p.member, 3, std::nullopt)};
        const auto after = p.action == core::staff_action::wallet_credit ? out.balance_before.plus(p.amount)
                                                                          : out.balance_before.minus(p.amount);
        if (!after) return core::rejection::balance_overflow;
        if (after->is_negative()) return core::rejection::insufficient_funds;
        out.balance_after = *after;
        return out;
    });
}

core::result<staff_confirmation, core::rejection> wallet_service::confirm(const actor& staff, const std::string& token) {
    if (!staff.staff) return core::rejection::not_staff;
    if (!core::is_valid_proposal_token(token)) return core::rejection::unknown_proposal;
    const auto now = config_.time().now();
    return detail::transact<staff_confirmation>(store_, [&](ports::unit_of_work& uow)
                                                    -> core::result<staff_confirmation, core::rejection> {
        const auto p = uow.proposals().find_proposal(token);
        if (!p) return core::rejection::unknown_proposal;
        if (p->staff != staff.user) return core::rejection::not_proposer;
        const std::string key = "proposal:" + token;
        const std::string operation(core::to_string(ledger_type(p->action)));
        const auto seen = detail::look_up_key(uow, key, operation, proposal_fingerprint(*p));
        if (seen.state == detail::key_state::conflict || (seen.state == detail::key_state::replay && !seen.record.ledger_entry)) {
            return core::rejection::idempotency_conflict;
        }
        if (seen.state == detail::key_state::replay) {
            auto entry = uow.wallet().find_entry(core::ledger_entry_id{*seen.record.ledger_entry});
            if (!entry) throw ports::store_error("idempotency key points at a missing ledger row");
            return staff_confirmation{*p, *entry, true};
        }
        if (p->cancelled || now >= p->expires_at) return core::rejection::proposal_expired;
        const core::money balance = uow.wallet().balance(p->member, config_.currency);
        const bool credit = p->action == core::staff_action::wallet_credit;
        const auto after = credit ? balance.plus(p->amount) : balance.minus(p->amount);
        if (!after) return core::rejection::balance_overflow;
        if (after->is_negative()) return core::rejection::insufficient_funds;
        const auto signed_amount = credit ? p->amount : p->amount.negated().value();
        const core::ledger_entry entry = uow.wallet().append(
            core::ledger_draft{p->member, ledger_type(p->action), signed_amount, p->reason, std::nullopt, p->staff});
        uow.idempotency().record_key({key, operation, proposal_fingerprint(*p), entry.id.value, std::nullopt});
        const core::money magnitude = p->amount;
        const std::string event = credit ? "wallet.credited" : "wallet.debited";
        const core::outbox_facts facts{{"member", p->member.str()},
                                       {"staff", p->staff.str()},
                                       {"amount", core::format_money(magnitude)},
                                       {"balance", core::format_money(entry.balance_after)},
                                       {"reason", p->reason},
                                       {"type", operation},
                                       {"entry", std::to_string(entry.id.value)}};
        detail::notify_log(uow, config_, core::log_topic::payments, event, facts);
        detail::notify_member(uow, config_, p->member, core::log_topic::payments, event, facts);
        return staff_confirmation{*p, entry, false};
    });
}

core::result<core::staff_proposal, core::rejection> wallet_service::cancel(const actor& staff, const std::string& token) {
    if (!staff.staff) return core::rejection::not_staff;
    if (!core::is_valid_proposal_token(token)) return core::rejection::unknown_proposal;
    return detail::transact<core::staff_proposal>(store_, [&](ports::unit_of_work& uow)
                                                      -> core::result<core::staff_proposal, core::rejection> {
        auto p = uow.proposals().find_proposal(token);
        if (!p) return core::rejection::unknown_proposal;
        if (p->staff != staff.user) return core::rejection::not_proposer;
        if (uow.idempotency().find_key("proposal:" + token)) return core::rejection::idempotency_conflict;
        uow.proposals().cancel_proposal(token);
        p->cancelled = true;
        return *p;
    });
}

core::result<purchase_receipt, core::rejection> wallet_service::purchase(const purchase_request& r) {
    auto result = purchase_unmetered(r);
    if (config_.metrics != nullptr) {
        const std::string_view outcome = !result ? "rejected" : result->replayed ? "replayed" : "ok";
        const std::string_view reason = result ? std::string_view("none") : core::to_string(result.error());
        config_.metrics->count("apexcore_purchases_total", {{"outcome", outcome}, {"reason", reason}});
    }
    return result;
}

core::result<purchase_receipt, core::rejection> wallet_service::purchase_unmetered(const purchase_request& r) {
    const bool keyed = !r.idempotency_key.empty();
    if (keyed && !core::is_valid_idempotency_key(r.idempotency_key)) return core::rejection::invalid_idempotency_key;
    if (r.promo_code.size() > 32) return core::rejection::unknown_promo_code;
    const std::string fingerprint = purchase_fingerprint(r);
    const ports::clock& clock = config_.time();
    return detail::transact<purchase_receipt>(store_, [&](ports::unit_of_work& uow)
                                                  -> core::result<purchase_receipt, core::rejection> {
        const auto seen = detail::look_up_key(uow, r.idempotency_key, "purchase", fingerprint);
        if (seen.state == detail::key_state::conflict || (seen.state == detail::key_state::replay && !seen.record.order)) {
            return core::rejection::idempotency_conflict;
        }
        if (seen.state == detail::key_state::replay) {  // the first receipt; nothing new is written
            const auto order = uow.orders().find(core::order_id{*seen.record.order});
            std::optional<core::ledger_entry> debit;
            if (seen.record.ledger_entry) debit = uow.wallet().find_entry(core::ledger_entry_id{*seen.record.ledger_entry});
            if (!order || (seen.record.ledger_entry && !debit)) {
                throw ports::store_error("idempotency key points at a missing order or ledger row");
            }
            const auto product = uow.products().find(order->product);
            purchase_receipt receipt{*order, debit.value_or(core::ledger_entry{}),
                                     product ? product->display_name() : std::string()};
            receipt.quote = core::price_quote{order->list_price, order->discount, order->price_paid,
                                              core::money{0, order->price_paid.currency_of()}, order->price_paid};
            if (!order->delivery.empty() && product && detail::delivers_key(*product)) receipt.license_key = order->delivery;
            receipt.replayed = true;
            return receipt;
        }
        if (detail::cooldown_until(uow, config_, "purchases", r.customer, clock.now())) return core::rejection::cooldown_active;
        auto priced = price_for(uow, config_, r, clock.now());
        if (!priced) return priced.error();
        const std::optional<core::product> product = std::move(priced->product);
        const core::customer_profile before = std::move(priced->profile);
        const std::optional<core::promo_code> promo = std::move(priced->promo);
        const std::optional<core::price_quote> quote = priced->quote;
        const core::basis_points role_discount = priced->role_discount;
        const core::money price = quote->final_price;

        const core::money balance = uow.wallet().balance(r.customer, config_.currency);
        if (balance.minor_units() < price.minor_units()) return core::rejection::insufficient_funds;

        auto events = detail::take_stock_unit(uow, *product);
        if (!events) return events.error();

        core::order_metadata metadata = r.metadata;
        metadata.emplace("product_name", product->display_name());
        const auto tiers = config_.active_tiers();
        if (const auto* tier = core::spend_tier_for(tiers, before.lifetime_spend_minor)) {
            metadata.emplace("vip_tier", tier->name);
        }
        if (!core::is_valid_metadata(metadata)) return core::rejection::invalid_metadata;

        core::order_draft draft;
        draft.customer = r.customer;
        draft.product = product->id;
        draft.status = core::order_status::paid;
        draft.list_price = product->price;
        draft.price_paid = price;
        draft.discount = role_discount;
        draft.reference = detail::new_order_reference(uow, clock);
        draft.source = core::order_source::wallet;
        if (promo) draft.promo_code = promo->code;
        draft.metadata = std::move(metadata);
        core::order order = uow.orders().insert(draft);

        std::optional<core::ledger_entry> debit;
        if (price.minor_units() > 0) {
            debit = uow.wallet().append(core::ledger_draft{r.customer, core::ledger_entry_type::purchase,
                                                           price.negated().value(),
                                                           "Purchase of " + product->display_name(), order.id,
                                                           std::nullopt});
        }
        if (promo) uow.promos().record_redemption(promo->code, r.customer, order.id, quote->promo_discount);

        const auto delivered = detail::deliver_now(uow, order, *product, r.customer, clock.now());
        if (!delivered) return delivered.error();
        if (delivered->delivered) order = *uow.orders().find(order.id);

        core::tier_changes changes = detail::settle_spend(uow, config_, before, price.minor_units(), 1);
        detail::notify_product_role(uow, config_, r.customer, *product);
        if (keyed) {
            uow.idempotency().record_key({r.idempotency_key, "purchase", fingerprint,
                                          debit ? std::optional<std::int64_t>(debit->id.value) : std::nullopt,
                                          order.id.value});
        }
        notify_purchase(uow, order, *product, *quote, debit, delivered->key, *events);
        purchase_receipt receipt{order, debit.value_or(core::ledger_entry{}), product->display_name()};
        receipt.quote = *quote;
        receipt.license_key = delivered->key;
        receipt.role_changes = std::move(changes);
        receipt.product_role = product->role_to_grant;
        receipt.stock_events = *events;
        return receipt;
    });
}

}  // namespace apexcore::services
