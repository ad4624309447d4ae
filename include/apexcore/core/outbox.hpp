#pragma once
/// @file outbox.hpp
/// The outbox: what the shop has decided to tell someone — a log channel, or a member by direct
/// message — written in the same store transaction as the decision itself (a purchase, a
/// credit), and sent later by a dispatcher. A slow or failing chat platform therefore never
/// blocks or fails a purchase, and nothing decided is lost across a restart (the transactional
/// outbox pattern; DESIGN.md "One interaction, end to end").
///
/// An entry carries an event name and its facts (short strings), not a rendered message: the
/// bot renders it when it sends it (bot/features/notifications.hpp), so the store needs no
/// message format and the text follows the bot's views.
///
/// Delivery is at least once: a dispatcher that crashes between sending and recording the send
/// sends that entry again after its lease ends.

#include <apexcore/core/ids.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

struct outbox_tag {};
using outbox_id = row_id<outbox_tag>;  ///< outbox entry row

/// The log channels of a shop (issue "Running the shop" §6): where each kind of event is posted.
enum class log_topic {
    orders,    ///< purchases, deliveries, stock alerts, refunds decided
    payments,  ///< wallet credits and debits by staff, deposits, payment decisions
    audit,     ///< staff actions and configuration changes
    tickets,   ///< ticket events
    errors,    ///< failures the owner must see
};

/// Every topic, in declaration order (configuration, tests).
inline constexpr log_topic all_log_topics[] = {log_topic::orders, log_topic::payments, log_topic::audit,
                                               log_topic::tickets, log_topic::errors};

/// "orders", "payments", "audit", "tickets", "errors": the names used in configuration and in the store.
[[nodiscard]] constexpr std::string_view to_string(log_topic t) {
    switch (t) {
        case log_topic::orders: return "orders";
        case log_topic::payments: return "payments";
        case log_topic::audit: return "audit";
        case log_topic::tickets: return "tickets";
        case log_topic::errors: return "errors";
    }
    return "orders";
}

/// The topic named `name` (exactly as to_string gives it); nullopt otherwise.
[[nodiscard]] constexpr std::optional<log_topic> parse_log_topic(std::string_view name) {
    for (const log_topic t : all_log_topics) {
        if (to_string(t) == name) return t;
    }
    return std::nullopt;
}

/// Who an entry is for, and what is done with it.
enum class outbox_kind {
    log_post,        ///< a post in the log channel of `topic`
    direct_message,  ///< a DM to `recipient`; when DMs are closed, a notice (without anything
                     ///< secret) in the log channel of `topic` instead
    role_grant,      ///< give `recipient` the role in fact "role" (a VIP tier, a product's role);
                     ///< a refusal is reported in the log channel of `topic`
    role_revoke,     ///< take the role in fact "role" from `recipient`; same reporting
};

/// "log_post", "direct_message", "role_grant", "role_revoke": the names used in the store.
[[nodiscard]] constexpr std::string_view to_string(outbox_kind k) {
    switch (k) {
        case outbox_kind::log_post: return "log_post";
        case outbox_kind::direct_message: return "direct_message";
        case outbox_kind::role_grant: return "role_grant";
        case outbox_kind::role_revoke: return "role_revoke";
    }
    return "log_post";
}

/// The kind named `name`; nullopt otherwise.
[[nodiscard]] constexpr std::optional<outbox_kind> parse_outbox_kind(std::string_view name) {
    for (const auto k : {outbox_kind::log_post, outbox_kind::direct_message, outbox_kind::role_grant, outbox_kind::role_revoke}) {
        if (to_string(k) == name) return k;
    }
    return std::nullopt;
}

/// Whether entries of kind `k` are about one member (`recipient` set): all but log_post.
[[nodiscard]] constexpr bool has_recipient(outbox_kind k) { return k != outbox_kind::log_post; }

/// Where an entry is in its life: pending until sent; failed when it can never be sent (its
/// channel is not configured any more, the message was refused as malformed, or the platform
/// refused it for longer than the give-up period).
enum class outbox_status { pending, sent, failed };

/// "pending", "sent", "failed".
[[nodiscard]] constexpr std::string_view to_string(outbox_status s) {
    switch (s) {
        case outbox_status::pending: return "pending";
        case outbox_status::sent: return "sent";
        case outbox_status::failed: return "failed";
    }
    return "pending";
}

/// An event's facts: name -> text (e.g. "order" -> "AC-7K2M9Q", "customer" -> "1300…").
using outbox_facts = std::map<std::string, std::string, std::less<>>;

inline constexpr std::size_t outbox_event_length_max = 64;       ///< bytes of an event name
inline constexpr std::size_t outbox_facts_max = 24;              ///< facts per entry
inline constexpr std::size_t outbox_fact_name_length_max = 32;   ///< bytes of a fact's name
inline constexpr std::size_t outbox_fact_value_length_max = 2000;  ///< bytes of a fact's value
inline constexpr std::size_t outbox_error_length_max = 300;      ///< bytes of the recorded last error
inline constexpr std::size_t outbox_dedup_key_length_max = 100;  ///< bytes of a deduplication key

/// An entry to write (the store assigns id, status pending, times).
struct outbox_draft {
    outbox_kind kind = outbox_kind::log_post;
    log_topic topic = log_topic::orders;  ///< the log channel (log_post) or the fallback channel (direct_message)
    std::optional<user_id> recipient;     ///< the member (every kind but log_post)
    std::string event;                    ///< e.g. "order.paid"; 1..64 bytes of [a-z0-9._]
    outbox_facts facts;                   ///< <= 24 facts; names 1..32 bytes of [a-z0-9_], values <= 2000 bytes of UTF-8
    /// Empty, or a key (<= 100 bytes) that makes the entry once-only: a second entry with the same
    /// key is not written, however often a scheduled job asks (e.g. "warranty:42:7d"). The key is
    /// forgotten when the sent entry is purged.
    std::string dedup_key{};
};

/// A stored entry.
struct outbox_entry {
    outbox_id id;
    outbox_draft draft;
    outbox_status status = outbox_status::pending;
    std::int64_t attempts = 0;  ///< sends tried so far
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point next_attempt_at{};  ///< when pending: not before this
    std::optional<std::chrono::system_clock::time_point> sent_at;
    std::string last_error;     ///< why the last attempt failed, or how it was delivered ("fallback: ...")
    std::optional<channel_id> channel;  ///< where it was posted, once sent
    std::optional<message_id> message;
};

/// The outbox's state at a glance (health, metrics).
struct outbox_stats {
    std::int64_t pending = 0;  ///< entries waiting to be sent
    std::int64_t failed = 0;   ///< entries given up on (kept for inspection)
    std::optional<std::chrono::system_clock::time_point> oldest_pending;  ///< created_at of the oldest pending entry
};

/// True when `c` may appear in an event or fact name: a-z, 0-9, '_' (and '.' in event names).
[[nodiscard]] constexpr bool is_outbox_name_char(char c, bool dot_allowed) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dot_allowed && c == '.');
}

/// Whether `d` respects the limits above (values are checked for length here; the service
/// makes them valid UTF-8 before). Every kind but log_post needs a recipient, a log_post has
/// none; a role change needs a fact "role" holding a snowflake.
[[nodiscard]] inline bool is_valid(const outbox_draft& d) {
    if (d.event.empty() || d.event.size() > outbox_event_length_max) return false;
    for (const char c : d.event) {
        if (!is_outbox_name_char(c, true)) return false;
    }
    if (has_recipient(d.kind) != (d.recipient.has_value() && !d.recipient->empty())) return false;
    if (d.kind == outbox_kind::role_grant || d.kind == outbox_kind::role_revoke) {
        const auto role = d.facts.find("role");
        if (role == d.facts.end() || !role_id::parse(role->second)) return false;
    }
    if (d.facts.size() > outbox_facts_max || d.dedup_key.size() > outbox_dedup_key_length_max) return false;
    for (const auto& [name, value] : d.facts) {
        if (name.empty() || name.size() > outbox_fact_name_length_max || value.size() > outbox_fact_value_length_max) {
            return false;
        }
        for (const char c : name) {
            if (!is_outbox_name_char(c, false)) return false;
        }
    }
    return true;
}

/// When to try again after `attempts` failed sends (>= 1): 2^(attempts-1) s, at most `cap`
/// (1 s, 2 s, 4 s ... so a short outage is bridged quickly and a long one costs one request
/// per `cap`).
[[nodiscard]] constexpr std::chrono::seconds outbox_backoff(std::int64_t attempts, std::chrono::seconds cap) {
    if (attempts <= 1) return std::chrono::seconds(1) < cap ? std::chrono::seconds(1) : cap;
    if (attempts > 20) return cap;
    const std::chrono::seconds delay(std::int64_t{1} << (attempts - 1));
    return delay < cap ? delay : cap;
}

}  // namespace apexcore::core
