// The in-memory store's catalog, wallet, idempotency keys, orders, customers, promo codes and
// refund requests (shop.hpp): the contracts of ports/store.hpp, as the SQL stores keep them.
#include "shop.hpp"

#include <apexcore/core/money.hpp>

#include <algorithm>
#include <set>

namespace apexcore::memory::detail {
namespace {

std::string ascii_lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
}

/// The catalog's display order: categories, service, variant, id.
bool display_order(const core::product& a, const core::product& b) {
    return std::tie(a.main_category, a.sub_category, a.service_name, a.variant_name, a.id.value) <
           std::tie(b.main_category, b.sub_category, b.service_name, b.variant_name, b.id.value);
}

/// Orders counted as sales (ports::sales_figures).
bool counted(const core::order& o) {
    return o.status == core::order_status::paid || o.status == core::order_status::delivered ||
           o.status == core::order_status::partially_refunded || o.status == core::order_status::refunded;
}

/// Tags as the SQL stores give them back: sorted, each once.
std::vector<std::string> stored_tags(std::vector<std::string> tags) {
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

std::int64_t ms_of(time_point t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }

}  // namespace

void unit::require_writable() const {
    if (!writable_) throw ports::store_error("memory_store: a write inside a read");
}

time_point unit::now() const { return to_ms(clock_.now()); }

// --- products --------------------------------------------------------------------------------

std::optional<core::product> unit::find(core::product_id id) {
    const auto it = shop_.products.find(id.value);
    if (it == shop_.products.end()) return std::nullopt;
    return it->second;
}

std::vector<core::product> unit::list_active(std::size_t limit) {
    std::vector<core::product> out;
    for (const auto& [id, p] : shop_.products) {
        if (p.active) out.push_back(p);
    }
    std::sort(out.begin(), out.end(), display_order);
    return first_n(std::move(out), limit);
}

core::product_id unit::insert(const core::product& in) {
    require_writable();
    core::product p = in;
    p.id = core::product_id{shop_.next_product++};
    p.tags = stored_tags(std::move(p.tags));
    shop_.products.emplace(p.id.value, p);
    return p.id;
}

bool unit::update(const core::product& in) {
    require_writable();
    const auto it = shop_.products.find(in.id.value);
    if (it == shop_.products.end()) return false;
    core::product p = in;
    p.stock = it->second.stock;  // only adjust_stock and set_stock change it
    p.tags = stored_tags(std::move(p.tags));
    it->second = std::move(p);
    return true;
}

std::optional<core::product> unit::find_by_path(const std::string& main_category, const std::string& sub_category,
                                                const std::string& service_name, const std::string& variant_name) {
    for (const auto& [id, p] : shop_.products) {
        if (p.main_category == main_category && p.sub_category == sub_category && p.service_name == service_name &&
            p.variant_name == variant_name) {
            return p;
        }
    }
    return std::nullopt;
}

std::vector<core::product> unit::list_by_tag(const std::string& tag, std::size_t limit) {
    std::vector<core::product> out;
    for (const auto& [id, p] : shop_.products) {
        if (p.active && std::find(p.tags.begin(), p.tags.end(), tag) != p.tags.end()) out.push_back(p);
    }
    std::sort(out.begin(), out.end(), display_order);
    return first_n(std::move(out), limit);
}

namespace {

/// Names containing `text`, or a tag starting with it, ASCII letters compared case-insensitively.
bool matches(const core::product& p, const std::string& text) {
    const std::string needle = ascii_lower(text);
    const std::string names = ascii_lower(p.service_name + " " + p.variant_name + " " + p.main_category + " " + p.sub_category);
    if (names.find(needle) != std::string::npos) return true;
    return std::any_of(p.tags.begin(), p.tags.end(), [&](const std::string& tag) { return ascii_lower(tag).starts_with(needle); });
}

}  // namespace

std::vector<core::product> unit::search_active(const std::string& text, std::size_t limit) {
    std::vector<core::product> out;
    for (const auto& [id, p] : shop_.products) {
        if (p.active && matches(p, text)) out.push_back(p);
    }
    std::sort(out.begin(), out.end(), display_order);
    return first_n(std::move(out), limit);
}

std::vector<core::product> unit::search_all(const std::string& text, std::size_t limit) {
    std::vector<core::product> out;
    for (const auto& [id, p] : shop_.products) {
        if (matches(p, text)) out.push_back(p);
    }
    std::sort(out.begin(), out.end(), display_order);
    return first_n(std::move(out), limit);
}

std::vector<core::product> unit::list_all(std::optional<core::product_id> after, std::size_t limit) {
    std::vector<core::product> out;
    for (auto it = shop_.products.upper_bound(after ? after->value : 0); it != shop_.products.end() && out.size() < limit; ++it) {
        out.push_back(it->second);
    }
    return out;
}

std::optional<ports::product_repository::stock_change> unit::adjust_stock(core::product_id id, std::int64_t delta) {
    require_writable();
    const auto it = shop_.products.find(id.value);
    if (it == shop_.products.end() || !it->second.stock) return std::nullopt;
    const std::int64_t before = *it->second.stock;
    std::int64_t after = 0;
    if (__builtin_add_overflow(before, delta, &after) || after < 0) return stock_change{before, before, true};
    it->second.stock = after;
    return stock_change{before, after, false};
}

bool unit::set_stock(core::product_id id, std::optional<std::int64_t> stock) {
    require_writable();
    const auto it = shop_.products.find(id.value);
    if (it == shop_.products.end()) return false;
    if (stock && *stock < 0) throw ports::store_error("memory_store: a stock below zero");
    it->second.stock = stock;
    return true;
}

// --- wallet and idempotency keys --------------------------------------------------------------

core::money unit::balance(core::user_id user, const core::currency& currency) {
    const auto it = shop_.wallets.find({user.value, currency.code_string()});
    return core::money{it == shop_.wallets.end() ? 0 : it->second, currency};
}

core::ledger_entry unit::append(const core::ledger_draft& d) {
    require_writable();
    if (auto error = core::validate(d)) {
        throw ports::store_error("ledger append: invalid draft (" + std::to_string(static_cast<int>(*error)) + ")");
    }
    const core::currency& currency = d.amount.currency_of();
    std::int64_t& stored = shop_.wallets[{d.user.value, currency.code_string()}];
    std::int64_t after = 0;
    if (__builtin_add_overflow(stored, d.amount.minor_units(), &after)) throw ports::store_error("ledger append: balance overflow");
    if (after < 0) throw ports::store_error("ledger append: balance would become negative");
    stored = after;
    const core::ledger_entry e{core::ledger_entry_id{shop_.next_ledger++}, d.user, d.type, d.amount, core::money{after, currency},
                               d.description, d.order, d.staff, now(), d.ticket};
    shop_.ledger.emplace(e.id.value, e);
    return e;
}

std::vector<core::ledger_entry> unit::history(core::user_id user, std::size_t limit, std::optional<core::ledger_entry_id> before) {
    std::vector<core::ledger_entry> out;
    auto it = before ? shop_.ledger.lower_bound(before->value) : shop_.ledger.end();
    while (it != shop_.ledger.begin() && out.size() < limit) {
        --it;
        if (it->second.user == user) out.push_back(it->second);
    }
    return out;
}

std::optional<core::ledger_entry> unit::find_entry(core::ledger_entry_id id) {
    const auto it = shop_.ledger.find(id.value);
    if (it == shop_.ledger.end()) return std::nullopt;
    return it->second;
}

std::optional<core::idempotency_record> unit::find_key(const std::string& key) {
    const auto it = shop_.keys.find(key);
    if (it == shop_.keys.end()) return std::nullopt;
    return it->second;
}

void unit::record_key(const core::idempotency_record& record) {
    require_writable();
    if (!shop_.keys.emplace(record.key, record).second) throw ports::store_error("idempotency key '" + record.key + "' is recorded already");
}

// --- orders ----------------------------------------------------------------------------------

core::order unit::insert(const core::order_draft& d) {
    require_writable();
    for (const auto& [id, o] : shop_.orders) {
        if (o.reference == d.reference) throw ports::store_error("order reference '" + d.reference + "' is in use");
    }
    const core::order o = core::stored_order(d, core::order_id{shop_.next_order++}, now());
    shop_.orders.emplace(o.id.value, o);
    return o;
}

std::optional<core::order> unit::find(core::order_id id) {
    const auto it = shop_.orders.find(id.value);
    if (it == shop_.orders.end()) return std::nullopt;
    return it->second;
}

std::optional<core::order> unit::find_by_reference(const std::string& reference) {
    for (const auto& [id, o] : shop_.orders) {
        if (o.reference == reference) return o;
    }
    return std::nullopt;
}

std::vector<time_point> unit::order_times_since(core::user_id customer, time_point since, std::size_t limit) {
    std::vector<time_point> out;
    for (const auto& [id, o] : shop_.orders) {
        if (o.customer == customer && o.created_at > since) out.push_back(o.created_at);
    }
    std::sort(out.begin(), out.end());
    return first_n(std::move(out), limit);
}

std::vector<core::order> unit::list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) {
    std::vector<core::order> out;
    auto it = before ? shop_.orders.lower_bound(before->value) : shop_.orders.end();
    while (it != shop_.orders.begin() && out.size() < limit) {
        --it;
        if (it->second.customer == customer) out.push_back(it->second);
    }
    return out;
}

bool unit::set_status(core::order_id id, core::order_status from, core::order_status to) {
    require_writable();
    const auto it = shop_.orders.find(id.value);
    if (it == shop_.orders.end() || it->second.status != from) return false;
    it->second.status = to;
    it->second.updated_at = now();
    return true;
}

void unit::set_delivery(core::order_id id, const std::string& delivery, time_point at, std::optional<time_point> warranty_expires_at) {
    require_writable();
    const auto it = shop_.orders.find(id.value);
    if (it == shop_.orders.end()) return;
    it->second.delivery = delivery;
    it->second.delivered_at = to_ms(at);
    it->second.warranty_expires_at = warranty_expires_at ? std::optional(to_ms(*warranty_expires_at)) : std::nullopt;
    it->second.updated_at = now();
}

void unit::add_refunded(core::order_id id, const core::money& gross, core::order_status status) {
    require_writable();
    const auto it = shop_.orders.find(id.value);
    if (it == shop_.orders.end()) return;
    const std::int64_t refunded = it->second.refunded.minor_units() + gross.minor_units();
    if (refunded < 0 || refunded > it->second.price_paid.minor_units()) {
        throw ports::store_error("memory_store: order " + std::to_string(id.value) + " would be refunded beyond what it paid");
    }
    it->second.refunded = core::money{refunded, it->second.price_paid.currency_of()};
    it->second.status = status;
    it->second.updated_at = now();
}

void unit::renew_warranty(core::order_id id, time_point new_expiry, time_point renewed_at) {
    require_writable();
    const auto it = shop_.orders.find(id.value);
    if (it == shop_.orders.end()) return;
    it->second.warranty_expires_at = to_ms(new_expiry);
    ++it->second.renewals;
    it->second.last_renewed_at = to_ms(renewed_at);
    it->second.updated_at = now();
}

ports::sales_figures unit::sales(time_point from, time_point to, std::size_t top) {
    ports::sales_figures out;
    std::map<std::int64_t, std::int64_t> by_day;
    std::map<std::int64_t, ports::product_sales> by_product;
    std::map<std::uint64_t, time_point> first_order;
    for (const auto& [id, o] : shop_.orders) {
        if (!counted(o)) continue;
        auto [first, fresh] = first_order.emplace(o.customer.value, o.created_at);
        if (!fresh && o.created_at < first->second) first->second = o.created_at;
        if (o.created_at < from || o.created_at >= to) continue;
        ++out.orders;
        out.revenue_minor += o.price_paid.minor_units();
        by_day[ms_of(o.created_at) / 86'400'000] += o.price_paid.minor_units();
        auto& p = by_product[o.product.value];
        p.product = o.product;
        ++p.orders;
        p.revenue_minor += o.price_paid.minor_units();
    }
    out.revenue_by_day.assign(by_day.begin(), by_day.end());
    for (const auto& [id, p] : by_product) out.top_products.push_back(p);
    std::sort(out.top_products.begin(), out.top_products.end(), [](const ports::product_sales& a, const ports::product_sales& b) {
        return std::tuple(-a.revenue_minor, -a.orders, a.product.value) < std::tuple(-b.revenue_minor, -b.orders, b.product.value);
    });
    out.top_products = first_n(std::move(out.top_products), top);
    for (const auto& [id, r] : shop_.refunds) {
        if (r.status == core::refund_status::approved && r.decided_at && *r.decided_at >= from && *r.decided_at < to) {
            ++out.refunds;
            out.refunded_minor += r.amount.minor_units();
        }
    }
    for (const auto& [user, first] : first_order) {
        if (first >= from && first < to) ++out.new_customers;
    }
    return out;
}

std::vector<core::order> unit::list_between(time_point from, time_point to, std::optional<core::order_id> after, std::size_t limit) {
    std::vector<core::order> out;
    for (auto it = shop_.orders.upper_bound(after ? after->value : 0); it != shop_.orders.end() && out.size() < limit; ++it) {
        if (it->second.created_at >= from && it->second.created_at < to) out.push_back(it->second);
    }
    return out;
}

std::vector<core::order> unit::warranty_expiring(time_point from, time_point to, std::size_t limit) {
    std::vector<core::order> out;
    for (const auto& [id, o] : shop_.orders) {
        if (o.status == core::order_status::delivered && o.warranty_expires_at && *o.warranty_expires_at >= from &&
            *o.warranty_expires_at < to) {
            out.push_back(o);
        }
    }
    std::sort(out.begin(), out.end(), [](const core::order& a, const core::order& b) {
        return std::tie(*a.warranty_expires_at, a.id.value) < std::tie(*b.warranty_expires_at, b.id.value);
    });
    return first_n(std::move(out), limit);
}

// --- customers -------------------------------------------------------------------------------

core::customer_profile unit::profile(core::user_id user) {
    const auto it = shop_.customers.find(user.value);
    if (it == shop_.customers.end()) return core::customer_profile{user, 0, 0, {}};
    return it->second;
}

void unit::add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) {
    require_writable();
    auto& p = shop_.customers.try_emplace(user.value, core::customer_profile{user, 0, 0, {}}).first->second;
    // |delta| <= amount_minor_max and the stored value <= amount_minor_max: the sum fits.
    p.lifetime_spend_minor = std::clamp<std::int64_t>(p.lifetime_spend_minor + spend_delta_minor, 0, core::amount_minor_max);
    p.completed_purchases = std::max<std::int64_t>(p.completed_purchases + purchases_delta, 0);
}

void unit::apply_roles(core::user_id user, const core::tier_changes& changes) {
    require_writable();
    auto& p = shop_.customers.try_emplace(user.value, core::customer_profile{user, 0, 0, {}}).first->second;
    for (const auto& role : changes.grant) p.held_roles.insert(role);
    for (const auto& role : changes.revoke) p.held_roles.erase(role);
}

// --- promo codes -----------------------------------------------------------------------------

std::optional<core::promo_code> unit::find_promo(const std::string& code) {
    const auto it = shop_.promos.find(ascii_lower(code));
    if (it == shop_.promos.end()) return std::nullopt;
    return it->second;
}

void unit::upsert_promo(const core::promo_code& in) {
    require_writable();
    core::promo_code p = in;
    if (p.kind == core::promo_kind::percent) p.fixed_amount = core::money{0, p.min_spend.currency_of()};  // as the SQL stores keep it
    const std::string key = ascii_lower(p.code);
    if (const auto it = shop_.promos.find(key); it != shop_.promos.end()) p.code = it->second.code;  // keeps its spelling
    shop_.promos[key] = std::move(p);
}

core::promo_usage unit::usage(const std::string& code, core::user_id user) {
    core::promo_usage out;
    const std::string key = ascii_lower(code);
    for (const auto& r : shop_.redemptions) {
        if (ascii_lower(r.code) != key) continue;
        ++out.total;
        if (r.user == user) ++out.by_this_user;
    }
    return out;
}

std::vector<core::promo_code> unit::list_promos(std::size_t limit) {
    std::vector<core::promo_code> out;
    for (const auto& [key, p] : shop_.promos) {
        if (out.size() >= limit) break;
        out.push_back(p);
    }
    return out;
}

bool unit::delete_unused_promo(const std::string& code) {
    require_writable();
    const std::string key = ascii_lower(code);
    if (!shop_.promos.contains(key) || usage(code, core::user_id{}).total > 0) return false;
    shop_.promos.erase(key);
    return true;
}

void unit::record_redemption(const std::string& code, core::user_id user, core::order_id order, const core::money& discount) {
    require_writable();
    const auto it = shop_.promos.find(ascii_lower(code));
    if (it == shop_.promos.end()) throw ports::store_error("memory_store: no promo code '" + code + "'");
    shop_.redemptions.push_back({it->second.code, user, order, discount, now()});
}

// --- refund requests -------------------------------------------------------------------------

core::refund unit::insert_refund(const core::refund& in) {
    require_writable();
    if (pending_for(in.order)) throw ports::store_error("order " + std::to_string(in.order.value) + " has a refund request awaiting a decision");
    core::refund r = in;
    r.id = core::refund_id{shop_.next_refund++};
    r.status = core::refund_status::requested;
    r.fee = core::money{0, in.amount.currency_of()};
    r.staff.reset();
    r.decision_reason.clear();
    r.credit.reset();
    r.decided_at.reset();
    r.requested_at = now();
    shop_.refunds.emplace(r.id.value, r);
    return r;
}

std::optional<core::refund> unit::find_refund(core::refund_id id) {
    const auto it = shop_.refunds.find(id.value);
    if (it == shop_.refunds.end()) return std::nullopt;
    return it->second;
}

std::optional<core::refund> unit::pending_for(core::order_id order) {
    for (const auto& [id, r] : shop_.refunds) {
        if (r.order == order && r.status == core::refund_status::requested) return r;
    }
    return std::nullopt;
}

std::vector<time_point> unit::request_times_since(core::user_id customer, time_point since, std::size_t limit) {
    std::vector<time_point> out;
    for (const auto& [id, r] : shop_.refunds) {
        if (r.customer == customer && r.requested_at > since) out.push_back(r.requested_at);
    }
    std::sort(out.begin(), out.end());
    return first_n(std::move(out), limit);
}

std::vector<core::refund> unit::list_pending(std::size_t limit) {
    std::vector<core::refund> out;
    for (const auto& [id, r] : shop_.refunds) {
        if (out.size() >= limit) break;
        if (r.status == core::refund_status::requested) out.push_back(r);
    }
    return out;
}

bool unit::decide(const core::refund& decided) {
    require_writable();
    const auto it = shop_.refunds.find(decided.id.value);
    if (it == shop_.refunds.end() || it->second.status != core::refund_status::requested) return false;
    core::refund& r = it->second;
    r.status = decided.status;
    r.staff = decided.staff;
    r.decision_reason = decided.decision_reason;
    r.fee = decided.fee;
    r.credit = decided.credit;
    r.decided_at = decided.decided_at ? std::optional(to_ms(*decided.decided_at)) : std::nullopt;
    return true;
}

}  // namespace apexcore::memory::detail
