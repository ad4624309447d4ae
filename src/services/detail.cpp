#include "detail.hpp"

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <ctime>
#include <random>

namespace apexcore::services::detail {

key_lookup look_up_key(ports::unit_of_work& uow, const std::string& key, std::string_view operation,
                       const std::string& fingerprint) {
    if (key.empty()) return {};
    auto seen = uow.idempotency().find_key(key);
    if (!seen) return {};
    if (seen->operation != operation || seen->fingerprint != fingerprint) return {key_state::conflict, {}};
    return {key_state::replay, std::move(*seen)};
}

std::string new_order_reference(ports::unit_of_work& uow, const ports::clock& clock) {
    const std::time_t t = std::chrono::system_clock::to_time_t(clock.now());
    std::tm utc{};
    gmtime_r(&t, &utc);
    const core::civil_date date{utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
    // libstdc++ on Linux reads getrandom(2) (or RDRAND): not guessable. Constructing one is
    // costly, so each thread keeps its own.
    thread_local std::random_device random;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const std::uint32_t bits = random() & ((1U << 30) - 1);
        std::string reference = core::format_order_reference(date, bits);
        if (!uow.orders().find_by_reference(reference)) return reference;
    }
    throw ports::store_error("could not draw an unused order reference in 16 attempts");
}

core::tier_changes settle_spend(ports::unit_of_work& uow, const shop_config& config, core::user_id customer,
                                std::int64_t spend_delta, std::int64_t purchases_delta) {
    return settle_spend(uow, config, uow.customers().profile(customer), spend_delta, purchases_delta);
}

core::tier_changes settle_spend(ports::unit_of_work& uow, const shop_config& config, core::customer_profile profile,
                                std::int64_t spend_delta, std::int64_t purchases_delta) {
    uow.customers().add_spend(profile.user, spend_delta, purchases_delta);
    const auto tiers = config.active_tiers();
    if (tiers.empty()) return {};
    // Mirror add_spend's arithmetic (clamped at 0) instead of reading the row back.
    profile.lifetime_spend_minor = std::clamp<std::int64_t>(profile.lifetime_spend_minor + spend_delta, 0,
                                                            core::amount_minor_max);
    profile.completed_purchases = std::max<std::int64_t>(profile.completed_purchases + purchases_delta, 0);
    core::tier_changes changes = core::evaluate_tiers(tiers, profile.standing());
    if (!changes.empty()) {
        uow.customers().apply_roles(profile.user, changes);
        notify_roles(uow, config, profile.user, changes);
    }
    return changes;
}

void deliver(ports::unit_of_work& uow, const core::order& order, const core::product& product, const std::string& text,
             std::chrono::system_clock::time_point now) {
    std::optional<std::chrono::system_clock::time_point> warranty;
    if (product.duration_days) warranty = core::warranty_expiry(now, *product.duration_days);
    uow.orders().set_delivery(order.id, text, now, warranty);
    if (!uow.orders().set_status(order.id, core::order_status::paid, core::order_status::delivered)) {
        throw ports::store_error("deliver: order " + std::to_string(order.id.value) + " is not paid");
    }
}

core::result<std::vector<core::stock_event>, core::rejection> take_stock_unit(ports::unit_of_work& uow,
                                                                              const core::product& product) {
    std::vector<core::stock_event> events;
    if (!product.stock) return events;  // unlimited: nothing to count (and no statement on the hot path)
    if (auto change = uow.products().adjust_stock(product.id, -1)) {
        if (change->refused) return core::rejection::out_of_stock;
        events = core::stock_events_for(product.id, change->before, change->after, product.low_stock_threshold,
                                        product.critical_stock_threshold);
    }
    return events;
}

core::result<delivery, core::rejection> deliver_now(ports::unit_of_work& uow, const core::order& order,
                                                    const core::product& product, core::user_id customer,
                                                    std::chrono::system_clock::time_point now) {
    delivery out;
    std::string text;
    if (delivers_key(product)) {
        auto key = uow.license_keys().take_available(product.id, core::license_key_status::used, order.id, customer,
                                                     std::nullopt);
        if (!key) return core::rejection::no_license_key_available;
        out.key = key->key;
        text = key->key;
    } else {
        text = delivery_text(product);
    }
    if (!text.empty()) {
        deliver(uow, order, product, text, now);
        out.delivered = true;
    }
    return out;
}

std::string delivery_text(const core::product& product) {
    if (product.delivery_payload) return *product.delivery_payload;
    std::string out;
    for (const auto& d : product.deliverables) {
        if (d.kind == core::deliverable_kind::key || d.value.empty()) continue;
        if (!out.empty()) out += '\n';
        out += d.value;
    }
    return out;
}

bool delivers_key(const core::product& product) {
    for (const auto& d : product.deliverables) {
        if (d.kind == core::deliverable_kind::key) return true;
    }
    return false;
}

std::vector<core::stock_event> release_reservation(ports::unit_of_work& uow, const core::order& order,
                                                   const core::product& product) {
    std::vector<core::stock_event> events;
    if (auto change = uow.products().adjust_stock(product.id, 1); change && !change->refused) {
        events = core::stock_events_for(product.id, change->before, change->after, product.low_stock_threshold,
                                        product.critical_stock_threshold);
    }
    if (auto key = uow.license_keys().key_for_order(order.id); key && key->status == core::license_key_status::reserved) {
        uow.license_keys().move_key(key->id, core::license_key_status::reserved, core::license_key_status::available,
                                    std::nullopt, std::nullopt);
    }
    return events;
}

core::rejection to_rejection(core::promo_rejection r) {
    switch (r) {
        case core::promo_rejection::inactive: return core::rejection::promo_inactive;
        case core::promo_rejection::expired: return core::rejection::promo_expired;
        case core::promo_rejection::exhausted: return core::rejection::promo_exhausted;
        case core::promo_rejection::exhausted_for_user: return core::rejection::promo_exhausted_for_user;
        case core::promo_rejection::below_minimum_spend: return core::rejection::promo_below_minimum_spend;
        case core::promo_rejection::not_applicable: return core::rejection::promo_not_applicable;
        case core::promo_rejection::currency_mismatch: return core::rejection::currency_mismatch;
        case core::promo_rejection::invalid_code: return core::rejection::promo_inactive;
        case core::promo_rejection::amount_too_large: return core::rejection::amount_too_large;
    }
    return core::rejection::promo_not_applicable;
}

bool is_clean_text(std::string_view text, std::size_t max, bool multiline) {
    if (text.size() > max) return false;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n' && multiline) continue;
        if (c < 0x20 || c == 0x7F || c >= 0xF8) return false;
    }
    return true;
}

namespace {

bool enqueue(ports::unit_of_work& uow, const shop_config& config, core::outbox_draft draft) {
    for (auto& [name, value] : draft.facts) {
        if (value.size() > core::outbox_fact_value_length_max || !core::is_valid_utf8(value)) {
            value = core::truncate_utf8_bytes(value, core::outbox_fact_value_length_max);
        }
    }
    if (const auto done = uow.outbox().enqueue(draft, config.notifications.max_pending)) return !done->duplicate;
    if (config.metrics != nullptr) {
        config.metrics->count("apexcore_outbox_dropped_total", {{"event", draft.event}});
    }
    return false;
}

}  // namespace

bool notify_log(ports::unit_of_work& uow, const shop_config& config, core::log_topic topic, std::string event,
                core::outbox_facts facts) {
    if (!config.notifications.logs(topic)) return false;
    return enqueue(uow, config, {core::outbox_kind::log_post, topic, std::nullopt, std::move(event), std::move(facts)});
}

bool notify_member(ports::unit_of_work& uow, const shop_config& config, core::user_id member, core::log_topic fallback,
                   std::string event, core::outbox_facts facts, std::string dedup_key) {
    if (!config.notifications.direct_messages) return false;
    return enqueue(uow, config,
            {core::outbox_kind::direct_message, fallback, member, std::move(event), std::move(facts), std::move(dedup_key)});
}

namespace {

void enqueue_role(ports::unit_of_work& uow, const shop_config& config, core::outbox_kind kind, core::user_id member,
                  core::role_id role, std::string why) {
    enqueue(uow, config,
            {kind, core::log_topic::errors, member, kind == core::outbox_kind::role_grant ? "role.grant" : "role.revoke",
             {{"role", role.str()}, {"member", member.str()}, {"why", std::move(why)}}});
}

std::string tier_name(const shop_config& config, core::role_id role) {
    for (const auto& t : config.active_tiers()) {
        if (t.role == role) return "VIP tier " + t.name;
    }
    return "VIP tier";
}

}  // namespace

void notify_roles(ports::unit_of_work& uow, const shop_config& config, core::user_id member, const core::tier_changes& changes) {
    if (!config.notifications.apply_roles) return;
    // Revocations first: a member moving up a tier loses the old role before gaining the new.
    for (const auto role : changes.revoke) enqueue_role(uow, config, core::outbox_kind::role_revoke, member, role, tier_name(config, role));
    for (const auto role : changes.grant) enqueue_role(uow, config, core::outbox_kind::role_grant, member, role, tier_name(config, role));
}

void notify_product_role(ports::unit_of_work& uow, const shop_config& config, core::user_id member, const core::product& product) {
    if (!config.notifications.apply_roles || !product.role_to_grant || product.role_to_grant->empty()) return;
    enqueue_role(uow, config, core::outbox_kind::role_grant, member, *product.role_to_grant, "product " + product.display_name());
}

std::optional<std::chrono::system_clock::time_point> cooldown_until(ports::unit_of_work& uow, const shop_config& config,
                                                                    std::string_view kind, core::user_id member,
                                                                    std::chrono::system_clock::time_point now) {
    const auto& rule = kind == "purchases"  ? config.cooldowns.purchases
                       : kind == "deposits" ? config.cooldowns.deposits
                                            : config.cooldowns.refund_requests;
    if (!rule) return std::nullopt;
    const auto since = now - rule->period;
    const auto times = kind == "purchases"  ? uow.orders().order_times_since(member, since, 1000)
                       : kind == "deposits" ? uow.tickets().opened_times_since(member, "deposit", since, 1000)
                                            : uow.refunds().request_times_since(member, since, 1000);
    const auto until = core::cooldown_until(*rule, times);
    if (until && *until <= now) return std::nullopt;
    return until;
}

void notify_stock(ports::unit_of_work& uow, const shop_config& config, const core::product& product,
                  const std::vector<core::stock_event>& events) {
    for (const auto& e : events) {
        notify_log(uow, config, core::log_topic::orders, "stock." + std::string(core::to_string(e.kind)),
                   {{"product", product.display_name()},
                    {"product_id", std::to_string(product.id.value)},
                    {"stock", std::to_string(e.stock_after)}});
    }
}

core::outbox_facts order_facts(const core::order& order, const std::string& product_name) {
    core::outbox_facts facts{{"order", order.reference},
                             {"member", order.customer.str()},
                             {"product", product_name},
                             {"price", core::format_money(order.price_paid)},
                             {"status", std::string(core::to_string(order.status))}};
    // The buyer's answers to the product's questions ("answer: <question>" metadata), for staff.
    std::string answers;
    for (const auto& [key, value] : order.metadata) {
        if (key.starts_with("answer: ")) answers += (answers.empty() ? "" : "\n") + key.substr(8) + ": " + value;
    }
    if (!answers.empty()) facts.emplace("answers", core::truncate_utf8_bytes(answers, core::outbox_fact_value_length_max));
    return facts;
}

}  // namespace apexcore::services::detail
