#pragma once
/// @file outbox_service.hpp
/// The dispatcher's side of the outbox (core/outbox.hpp): take the entries that are due, record
/// how each send went, and keep the outbox small. The services write entries inside their own
/// transactions (shop_config::notifications); this service is what a sender
/// (bot::notifications_feature) runs between its sends — each call is one store transaction.

#include <apexcore/core/outbox.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// See the file comment. Thread-safe when the store is; keeps no state of its own.
class outbox_service {
public:
    /// `store` must outlive the service; `config` gives the clock.
    outbox_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Entries due now, at most `limit` (1..500), each leased for `lease` (>= 1 s): nobody else
    /// takes them until the lease ends, when an entry whose send was never recorded is due again
    /// (at-least-once delivery). std::invalid_argument for a limit or lease out of range.
    [[nodiscard]] std::vector<core::outbox_entry> claim(std::size_t limit, std::chrono::seconds lease);
    /// The entry was sent (to `channel`, as `message`); `note` says how when it matters
    /// ("fallback: ..."). False when it was not pending any more.
    bool sent(core::outbox_id id, std::optional<core::channel_id> channel, std::optional<core::message_id> message,
              const std::string& note = {});
    /// The send failed for a reason that may pass: try again after `delay`; `count_attempt` false
    /// when the entry was not tried at all (a round stopped early). False when not pending.
    bool retry(core::outbox_id id, std::chrono::seconds delay, const std::string& error, bool count_attempt = true);
    /// Gives up on the entry (kept as failed, with `error`). False when not pending.
    bool give_up(core::outbox_id id, const std::string& error);
    /// Writes one entry of its own (a report the sender makes, e.g. a refused role change), in
    /// one transaction, within shop_config::notifications::max_pending; nullopt when the outbox is
    /// full. std::invalid_argument for an invalid draft (core::is_valid).
    std::optional<core::outbox_id> post(const core::outbox_draft& draft);
    /// One entry; nullopt if none.
    [[nodiscard]] std::optional<core::outbox_entry> find(core::outbox_id id);
    /// Pending and failed counts, and the oldest pending entry's time.
    [[nodiscard]] core::outbox_stats stats();
    /// Deletes up to `limit` entries sent more than `keep` ago; returns how many.
    std::size_t purge(std::chrono::hours keep, std::size_t limit = 1000);
    /// Whether events of `topic` have a log channel (shop_config::notifications): a report for a
    /// topic without one is not worth writing.
    [[nodiscard]] bool logs(core::log_topic topic) const { return config_.notifications.logs(topic); }
    /// The clock the service runs on (shop_config::clock).
    [[nodiscard]] const ports::clock& clock() const { return config_.time(); }

private:
    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
