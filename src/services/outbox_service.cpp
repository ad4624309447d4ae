#include <apexcore/services/outbox_service.hpp>

#include <stdexcept>

namespace apexcore::services {

std::vector<core::outbox_entry> outbox_service::claim(std::size_t limit, std::chrono::seconds lease) {
    if (limit < 1 || limit > 500) throw std::invalid_argument("outbox claim: limit must be 1 to 500");
    if (lease < std::chrono::seconds(1)) throw std::invalid_argument("outbox claim: lease must be at least 1 s");
    const auto now = config_.time().now();
    std::vector<core::outbox_entry> out;
    store_.transact([&](ports::unit_of_work& uow) {
        out = uow.outbox().claim_due(now, now + lease, limit);
        return ports::tx_outcome::commit;
    });
    return out;
}

bool outbox_service::sent(core::outbox_id id, std::optional<core::channel_id> channel,
                          std::optional<core::message_id> message, const std::string& note) {
    bool done = false;
    store_.transact([&](ports::unit_of_work& uow) {
        done = uow.outbox().mark_sent(id, config_.time().now(), channel, message, note);
        return ports::tx_outcome::commit;
    });
    return done;
}

bool outbox_service::retry(core::outbox_id id, std::chrono::seconds delay, const std::string& error, bool count_attempt) {
    bool done = false;
    store_.transact([&](ports::unit_of_work& uow) {
        done = uow.outbox().reschedule(id, config_.time().now() + delay, error, count_attempt);
        return ports::tx_outcome::commit;
    });
    return done;
}

bool outbox_service::give_up(core::outbox_id id, const std::string& error) {
    bool done = false;
    store_.transact([&](ports::unit_of_work& uow) {
        done = uow.outbox().mark_failed(id, error);
        return ports::tx_outcome::commit;
    });
    return done;
}

std::optional<core::outbox_id> outbox_service::post(const core::outbox_draft& draft) {
    if (!core::is_valid(draft)) throw std::invalid_argument("outbox post: invalid entry for event '" + draft.event.substr(0, 64) + "'");
    std::optional<core::outbox_id> id;
    store_.transact([&](ports::unit_of_work& uow) {
        if (const auto done = uow.outbox().enqueue(draft, config_.notifications.max_pending)) id = done->id;
        return ports::tx_outcome::commit;
    });
    return id;
}

std::optional<core::outbox_entry> outbox_service::find(core::outbox_id id) {
    std::optional<core::outbox_entry> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.outbox().find_outbox(id); });
    return out;
}

core::outbox_stats outbox_service::stats() {
    core::outbox_stats out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.outbox().outbox_stats(); });
    return out;
}

std::size_t outbox_service::purge(std::chrono::hours keep, std::size_t limit) {
    std::size_t n = 0;
    const auto before = config_.time().now() - keep;
    store_.transact([&](ports::unit_of_work& uow) {
        n = uow.outbox().purge_sent(before, limit);
        return ports::tx_outcome::commit;
    });
    return n;
}

}  // namespace apexcore::services
