#pragma once
// Private to the services: steps shared by several use cases, always run inside the caller's
// unit of work (so they commit or roll back with it).
#include <apexcore/core/order_reference.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace apexcore::services::detail {

/// Runs `work(uow)` in one store transaction: commits when it returns a value, rolls back (so
/// nothing is written) when it returns a rejection; an exception propagates after the rollback.
template <class T, class Work>
core::result<T, core::rejection> transact(ports::store& store, Work&& work) {
    std::optional<core::result<T, core::rejection>> out;
    store.transact([&](ports::unit_of_work& uow) {
        out.emplace(work(uow));
        return out->ok() ? ports::tx_outcome::commit : ports::tx_outcome::rollback;
    });
    return std::move(*out);
}

/// What an idempotency key says about a request (core/idempotency.hpp).
enum class key_state {
    unused,    ///< no key given, or never used: perform the request
    replay,    ///< used for this same request: return its first result
    conflict,  ///< used for another operation or request: idempotency_conflict
};

/// Looks `key` up inside the unit of work; `record` is set for replay.
struct key_lookup {
    key_state state = key_state::unused;
    core::idempotency_record record{};
};
key_lookup look_up_key(ports::unit_of_work& uow, const std::string& key, std::string_view operation,
                       const std::string& fingerprint);

/// A fresh order reference (AC-YYYYMMDD-XXXXXX) for today's UTC date, 30 bits from the OS's
/// CSPRNG (std::random_device), re-drawn while it collides with a stored one.
std::string new_order_reference(ports::unit_of_work& uow, const ports::clock& clock);

/// Adds `spend_delta` (minor units; negative for refunds) and `purchases_delta` to the
/// customer's standing, evaluates the tiers and records the resulting role changes.
core::tier_changes settle_spend(ports::unit_of_work& uow, const shop_config& config, core::user_id customer,
                                std::int64_t spend_delta, std::int64_t purchases_delta);
/// The same, with the profile as read earlier in this unit of work (saves re-reading it).
core::tier_changes settle_spend(ports::unit_of_work& uow, const shop_config& config, core::customer_profile profile,
                                std::int64_t spend_delta, std::int64_t purchases_delta);

/// Marks a paid order delivered with `text` (a license key or the product's payload) and sets
/// its warranty end from the product's duration. Precondition: the order is `paid`.
void deliver(ports::unit_of_work& uow, const core::order& order, const core::product& product, const std::string& text,
             std::chrono::system_clock::time_point now);

/// Takes one unit of a counted stock inside the unit of work (nothing for unlimited stock):
/// the threshold events it crossed, or out_of_stock when none is left.
core::result<std::vector<core::stock_event>, core::rejection> take_stock_unit(ports::unit_of_work& uow,
                                                                              const core::product& product);

/// What deliver_now handed over.
struct delivery {
    std::optional<std::string> key{};  ///< the license key, for key products
    bool delivered = false;            ///< the order is now delivered
};

/// Hands over what a just-paid order delivers: for key products the oldest available key (now
/// `used` by `customer`), else delivery_text; when there is something, the order becomes
/// delivered (see deliver). Rejection: no_license_key_available.
core::result<delivery, core::rejection> deliver_now(ports::unit_of_work& uow, const core::order& order,
                                                    const core::product& product, core::user_id customer,
                                                    std::chrono::system_clock::time_point now);

/// What a product hands over on delivery without a key: its payload, else the values of its
/// typed deliverables, one per line; empty when there is nothing to hand over.
std::string delivery_text(const core::product& product);

/// True when the product delivers a license key (a `key` deliverable).
bool delivers_key(const core::product& product);

/// Gives back what a pending order held: one unit of counted stock and its reserved key.
/// Returns the stock events (restocked) this caused.
std::vector<core::stock_event> release_reservation(ports::unit_of_work& uow, const core::order& order,
                                                   const core::product& product);

/// Writes a log-channel event of `topic` to the outbox when the shop posts that topic
/// (shop_config::notifications); facts are made valid UTF-8 and cut to the outbox's limits. A
/// full outbox drops the event and counts it (apexcore_outbox_dropped_total) — the decision it
/// reports stands.
/// Returns whether a new entry was written.
bool notify_log(ports::unit_of_work& uow, const shop_config& config, core::log_topic topic, std::string event,
                core::outbox_facts facts);

/// Writes a DM to `member` when the shop sends DMs; `fallback` is the log channel told instead
/// when the member does not accept DMs (without facts named "secret"); `dedup_key` makes it
/// once-only (core::outbox_draft). Same bound as notify_log; returns whether a new entry was written.
bool notify_member(ports::unit_of_work& uow, const shop_config& config, core::user_id member, core::log_topic fallback,
                   std::string event, core::outbox_facts facts, std::string dedup_key = {});

/// Writes a role_grant / role_revoke entry for each change when the shop applies roles
/// (shop_config::notifications::apply_roles); `why` says what earned it ("VIP tier Gold",
/// "product Editor Pro - 1 year") and is shown when the platform refuses. Tier roles are named
/// by their tier. Same bound as notify_log.
void notify_roles(ports::unit_of_work& uow, const shop_config& config, core::user_id member, const core::tier_changes& changes);
void notify_product_role(ports::unit_of_work& uow, const shop_config& config, core::user_id member, const core::product& product);

/// Writes one "stock.<kind>" event per threshold crossing of `product` (low, critical,
/// out_of_stock, restocked) for the orders log.
void notify_stock(ports::unit_of_work& uow, const shop_config& config, const core::product& product,
                  const std::vector<core::stock_event>& events);

/// The facts every order event carries: reference, member, product, price paid, status.
core::outbox_facts order_facts(const core::order& order, const std::string& product_name);

/// When `member` may make another purchase (kind "purchases"), refund request
/// ("refund_requests") or deposit request ("deposits": deposit tickets) under the shop's cooldowns; nullopt when they may now (or no rule).
std::optional<std::chrono::system_clock::time_point> cooldown_until(ports::unit_of_work& uow, const shop_config& config,
                                                                    std::string_view kind, core::user_id member,
                                                                    std::chrono::system_clock::time_point now);

/// The rejection for a promo code problem.
core::rejection to_rejection(core::promo_rejection r);

/// True for 0..`max` bytes of text without control characters other than '\n' (when
/// `multiline`) and without invalid UTF-8 lead bytes 0xF8..0xFF.
bool is_clean_text(std::string_view text, std::size_t max, bool multiline);

}  // namespace apexcore::services::detail
