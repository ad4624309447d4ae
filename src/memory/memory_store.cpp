// ports::store in memory (memory_store.hpp): one writer at a time on a copy of the shop.
#include <apexcore/memory/memory_store.hpp>

#include <apexcore/ports/reentry_guard.hpp>

#include "shop.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace apexcore::memory {
namespace {

using inside_unit_of_work = ports::reentry_guard<memory_store>;

}  // namespace

struct memory_store::impl {
    ports::system_clock system_clock;
    const ports::clock* clock = nullptr;
    std::mutex writer;              ///< one unit of work at a time
    std::shared_mutex state_mutex;  ///< guards `state` (the pointer swap and the reads)
    std::shared_ptr<const detail::shop> state = std::make_shared<const detail::shop>();

    std::shared_ptr<const detail::shop> current() {
        const std::shared_lock lock(state_mutex);
        return state;
    }
};

memory_store::memory_store(memory_options options) : impl_(std::make_unique<impl>()) {
    impl_->clock = options.clock != nullptr ? options.clock : &impl_->system_clock;
}

memory_store::~memory_store() = default;

void memory_store::transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) {
    const inside_unit_of_work guard;
    const std::lock_guard writer(impl_->writer);
    auto copy = std::make_shared<detail::shop>(*impl_->current());
    detail::unit uow(*copy, *impl_->clock, true);
    if (work(uow) != ports::tx_outcome::commit) return;
    const std::unique_lock lock(impl_->state_mutex);
    impl_->state = std::move(copy);
}

void memory_store::read(const std::function<void(ports::unit_of_work&)>& work) {
    const inside_unit_of_work guard;
    // The snapshot is never changed (a writer replaces it): the unit's writes are refused, so a
    // const_cast'ed shop is only ever read.
    const auto snapshot = impl_->current();
    detail::unit uow(const_cast<detail::shop&>(*snapshot), *impl_->clock, false);
    work(uow);
}

ports::reconcile_report memory_store::reconcile() {
    const auto snapshot = impl_->current();
    // One pass over the ledger (in id order): each wallet's sum and newest balance_after.
    std::map<std::pair<std::uint64_t, std::string>, std::pair<std::int64_t, std::int64_t>> ledger;
    for (const auto& [id, e] : snapshot->ledger) {
        auto& [sum, last] = ledger[{e.user.value, e.amount.currency_of().code_string()}];
        sum += e.amount.minor_units();
        last = e.balance_after.minor_units();
    }
    ports::reconcile_report report;
    for (const auto& [key, balance] : snapshot->wallets) {
        ++report.users_checked;
        const auto [sum, last] = ledger[key];
        if (balance != sum || balance != last) report.mismatches.push_back({core::user_id{key.first}, balance, sum, last});
    }
    return report;
}

std::int64_t memory_store::rows(std::string_view table) {
    const auto s = impl_->current();
    const auto n = [](const auto& c) { return static_cast<std::int64_t>(c.size()); };
    if (table == "products") return n(s->products);
    if (table == "wallets") return n(s->wallets);
    if (table == "wallet_ledger") return n(s->ledger);
    if (table == "idempotency_keys") return n(s->keys);
    if (table == "orders") return n(s->orders);
    if (table == "customers") return n(s->customers);
    if (table == "promo_codes") return n(s->promos);
    if (table == "promo_redemptions") return n(s->redemptions);
    if (table == "refunds") return n(s->refunds);
    if (table == "payment_sessions") return n(s->sessions);
    if (table == "payment_session_events") return n(s->session_events);
    if (table == "license_keys") return n(s->license_keys);
    if (table == "tickets") return n(s->tickets);
    if (table == "ticket_events") return n(s->ticket_events);
    if (table == "outbox") return n(s->outbox);
    if (table == "staff_proposals") return n(s->proposals);
    if (table == "scheduled_jobs") return n(s->jobs);
    if (table == "shop_setup") return n(s->setup);
    if (table == "member_erasures") return n(s->erasures);
    return -1;
}

}  // namespace apexcore::memory
