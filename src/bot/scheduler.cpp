#include <apexcore/bot/scheduler.hpp>

#include <stdexcept>

namespace apexcore::bot {

scheduler::scheduler(std::vector<scheduled_job> jobs, const ports::clock& clock, ports::log_fn log, ports::store* store)
    : clock_(clock), log_(std::move(log)), store_(store) {
    const auto now = clock_.now();
    for (auto& job : jobs) {
        if (job.interval < std::chrono::seconds(1) || !job.run) {
            throw std::invalid_argument("scheduled job '" + job.name + "': needs a run function and an interval of at least 1 s");
        }
        if (job.name.empty() || job.name.size() > 64) throw std::invalid_argument("scheduled job names are 1 to 64 bytes");
        entries_.push_back({std::move(job), now, 0});
    }
    if (store_ == nullptr) return;
    // Known jobs keep their stored due time (a restart neither runs them early nor forgets one
    // that fell due meanwhile); new ones are due now.
    store_->transact([&](ports::unit_of_work& uow) {
        for (const auto& e : entries_) uow.schedule().ensure_job(e.job.name, now);
        for (const auto& state : uow.schedule().jobs()) {
            for (auto& e : entries_) {
                if (e.job.name == state.name) e.next_due = state.next_due;
            }
        }
        return ports::tx_outcome::commit;
    });
}

scheduler::~scheduler() { stop(); }

bool scheduler::claim(entry& e, std::chrono::system_clock::time_point now) {
    if (store_ == nullptr) return true;
    bool claimed = false;
    std::optional<std::chrono::system_clock::time_point> stored_due;
    try {
        store_->transact([&](ports::unit_of_work& uow) {
            claimed = uow.schedule().claim_job(e.job.name, now, now + e.job.interval);
            if (!claimed) {
                for (const auto& state : uow.schedule().jobs()) {
                    if (state.name == e.job.name) stored_due = state.next_due;
                }
            }
            return ports::tx_outcome::commit;
        });
    } catch (const std::exception& ex) {
        ports::emit(log_, ports::log_level::error, "scheduler",
                    "scheduled job " + e.job.name + " could not be claimed: " + ex.what() + "; trying again in 1 s");
        e.next_due = now + std::chrono::seconds(1);
        return false;
    }
    // Not claimed: another process ran it for this due time; wait for the stored next one.
    if (!claimed) e.next_due = stored_due.value_or(now + e.job.interval);
    return claimed;
}

std::size_t scheduler::run_due() {
    std::lock_guard lock(run_mutex_);
    std::size_t ran = 0;
    for (auto& e : entries_) {
        const auto now = clock_.now();
        if (now < e.next_due) continue;
        if (!claim(e, now)) continue;
        std::string error;
        try {
            e.job.run();
        } catch (const std::exception& ex) {
            error = ex.what();
            ports::emit(log_, ports::log_level::error, "scheduler",
                        "scheduled job " + e.job.name + " failed: " + ex.what() + "; it runs again in " +
                            std::to_string(e.job.interval.count()) + " s");
        } catch (...) {
            error = "unknown exception";
            ports::emit(log_, ports::log_level::error, "scheduler",
                        "scheduled job " + e.job.name + " failed with an unknown exception; it runs again later");
        }
        ++e.runs;
        ++ran;
        e.next_due = now + e.job.interval;
        if (store_ != nullptr) {
            try {
                store_->transact([&](ports::unit_of_work& uow) {
                    uow.schedule().finish_job(e.job.name, clock_.now(), error);
                    return ports::tx_outcome::commit;
                });
            } catch (const std::exception& ex) {
                ports::emit(log_, ports::log_level::warning, "scheduler",
                            "scheduled job " + e.job.name + ": its outcome could not be recorded: " + ex.what());
            }
        }
    }
    return ran;
}

void scheduler::start(std::chrono::milliseconds tick) {
    if (thread_.joinable()) return;
    thread_ = std::jthread([this, tick](std::stop_token stop) {
        while (!stop.stop_requested()) {
            try {
                run_due();
            } catch (...) {
                // run_due catches each job's failures; nothing else can throw but a log sink.
            }
            std::unique_lock lock(wait_mutex_);
            wake_.wait_for(lock, stop, tick, [] { return false; });
        }
    });
}

void scheduler::request_stop() {
    thread_.request_stop();
    wake_.notify_all();
}

void scheduler::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
}

std::vector<std::pair<std::string, std::uint64_t>> scheduler::runs() const {
    std::lock_guard lock(run_mutex_);
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const auto& e : entries_) out.emplace_back(e.job.name, e.runs);
    return out;
}

}  // namespace apexcore::bot
