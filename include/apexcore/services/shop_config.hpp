#pragma once
/// @file shop_config.hpp
/// The rules a shop runs with, shared by every service: currency, VIP tiers, refund policy,
/// payment methods, payment-session TTL, license key format, and the clock.

#include <apexcore/core/cooldown.hpp>
#include <apexcore/core/license_key.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/core/outbox.hpp>
#include <apexcore/core/payment.hpp>
#include <apexcore/core/refund.hpp>
#include <apexcore/core/ticket.hpp>
#include <apexcore/core/vip.hpp>
#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/metrics.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// Who is asking. `staff` is decided by the caller's platform (the bot checks the configured
/// staff role) and re-checked by every staff-only use case.
struct actor {
    core::user_id user;
    bool staff = false;
};

/// Log channels that appear while the bot runs (/setup makes them): shared by the services, which
/// then write the topic's events, and the notifications feature, which posts them. Thread-safe.
class live_log_channels {
public:
    /// Sets the channel of `topic`.
    void set(core::log_topic topic, core::channel_id channel) {
        const std::lock_guard lock(mutex_);
        channels_[topic] = channel;
    }
    /// The channel of `topic`; nullopt if none.
    [[nodiscard]] std::optional<core::channel_id> get(core::log_topic topic) const {
        const std::lock_guard lock(mutex_);
        const auto it = channels_.find(topic);
        return it == channels_.end() ? std::nullopt : std::optional<core::channel_id>(it->second);
    }

private:
    mutable std::mutex mutex_;
    std::map<core::log_topic, core::channel_id> channels_;
};

/// Roles /setup makes while the bot runs, for what the config file leaves out: the staff role
/// ("role.staff"), the customer role ("role.customer", held after a first purchase) and a VIP
/// tier's role ("role.tier.<tier name>"). The names are those of the setup records
/// (ports::setup_record). Shared by the services (shop_config::active_tiers) and the bot
/// (bot_config::staff); thread-safe.
class live_roles {
public:
    static constexpr std::string_view staff = "role.staff";
    static constexpr std::string_view customer = "role.customer";
    /// The record name of the role of the tier named `tier`.
    [[nodiscard]] static std::string tier(std::string_view tier) { return "role.tier." + std::string(tier); }

    /// Sets the role recorded as `name`.
    void set(std::string_view name, core::role_id role) {
        const std::lock_guard lock(mutex_);
        roles_[std::string(name)] = role;
    }
    /// The role recorded as `name`; nullopt if none.
    [[nodiscard]] std::optional<core::role_id> get(std::string_view name) const {
        const std::lock_guard lock(mutex_);
        const auto it = roles_.find(name);
        return it == roles_.end() ? std::nullopt : std::optional<core::role_id>(it->second);
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, core::role_id, std::less<>> roles_;
};

/// What the services write to the outbox (core/outbox.hpp) in the transaction of the decision
/// they report, for the bot to post in log channels and send by DM. Off by default: a shop
/// without log channels or DMs writes no outbox rows.
struct notification_policy {
    std::vector<core::log_topic> log_topics{};  ///< topics with a log channel: their events are written
    /// Topics whose channel /setup made while the bot runs: their events are written too.
    std::shared_ptr<const live_log_channels> live_channels{};
    bool direct_messages = false;  ///< tell members by DM (deliveries, wallet credits)
    /// Apply role grants and revocations (VIP tiers, a product's role) through the outbox, so
    /// they reach the chat platform even across an outage; refusals are reported in the errors
    /// log channel. Off: only returned (purchase_receipt::role_changes) for the caller to apply.
    bool apply_roles = false;
    /// The outbox bound (ports::outbox_repository::enqueue): past it, new events are dropped and
    /// counted (apexcore_outbox_dropped_total) instead of failing the purchase. >= 1.
    std::int64_t max_pending = 50'000;

    /// Whether events of `topic` are written.
    [[nodiscard]] bool logs(core::log_topic topic) const {
        for (const auto t : log_topics) {
            if (t == topic) return true;
        }
        return live_channels && live_channels->get(topic).has_value();
    }
};

/// Shop-wide configuration. Build it once, validate it (`validate_config`), pass it to services.
struct shop_config {
    core::currency currency = core::usd;
    /// VIP tiers, core/vip.hpp. A tier whose role is 0 gets the role /setup makes (`made_roles`);
    /// read them through active_tiers().
    std::vector<core::vip_tier> tiers{};
    /// Roles /setup made for what the config leaves out (tier roles, the customer role); may be null.
    std::shared_ptr<const live_roles> made_roles{};
    core::refund_policy refunds{};                 ///< request window and fee, core/refund.hpp
    std::vector<core::payment_method> payment_methods{};
    std::chrono::minutes payment_session_ttl{60};  ///< an open session expires after this, 1 min .. 7 days
    core::license_key_pattern key_pattern{};       ///< default: 32 letters or digits
    std::vector<core::ticket_type> ticket_types = core::default_ticket_types();  ///< core/ticket.hpp
    core::ticket_policy tickets{};                 ///< limits over all ticket types
    const ports::clock* clock = nullptr;           ///< nullptr = system clock
    notification_policy notifications{};           ///< log channel posts and DMs to write
    core::cooldown_policy cooldowns{};             ///< financial cooldowns, core/cooldown.hpp (none by default)
    /// Where services count what they do (apexcore_purchases_total, ports/metrics.hpp); nullptr:
    /// not counted. Must outlive the services.
    ports::metrics* metrics = nullptr;

    /// The configured clock or the system clock.
    [[nodiscard]] const ports::clock& time() const {
        static const ports::system_clock system;
        return clock != nullptr ? *clock : system;
    }
    /// The tiers in force: `tiers` with each role 0 replaced by the role /setup made for it (a tier
    /// with neither is left out until /setup makes its role), then, when /setup made a customer
    /// role and no tier is assigned on the first purchase, a "Customer" tier with that role
    /// (automatic_first_purchase, no discount). Empty and cheap when there are no tiers.
    [[nodiscard]] std::vector<core::vip_tier> active_tiers() const;
    /// The ticket type with `key`; nullptr if none.
    [[nodiscard]] const core::ticket_type* find_ticket_type(std::string_view key) const {
        for (const auto& t : ticket_types) {
            if (t.key == key) return &t;
        }
        return nullptr;
    }
    /// The payment method named `name` (exact match); nullptr if none.
    [[nodiscard]] const core::payment_method* find_method(std::string_view name) const {
        for (const auto& m : payment_methods) {
            if (m.name == name) return &m;
        }
        return nullptr;
    }
};

/// The first problem of a config as a sentence naming the field, or nullopt when it is valid:
/// tiers (names 1..32 bytes and distinct, discount 0..10000 bp, spend thresholds >= 0, distinct
/// roles where set: 0 means /setup makes it),
/// refunds (core::is_valid), payment methods (core::validate, distinct names), TTL 1 min..7 days,
/// ticket types (core::validate, distinct keys), tickets.max_open_per_member 1..50.
[[nodiscard]] std::optional<std::string> validate_config(const shop_config& config);

}  // namespace apexcore::services
