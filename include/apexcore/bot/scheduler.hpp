#pragma once
/// @file scheduler.hpp
/// Runs the features' scheduled jobs (feature::jobs): each job when due and then every
/// `interval`, on one thread of its own. What a job must do is read from the store each time
/// (the due tickets, the expired sessions), so a restart loses nothing.
///
/// With a store, the due times live in it (ports::schedule_repository): a restart neither runs a
/// job before its time nor forgets one that fell due while the bot was down (it runs at once),
/// and several processes sharing the store run each job at most once per due time — a run is
/// claimed with a compare-and-set on the due time, and its outcome (last error, run count) is
/// recorded. Without one, every job is due at start and the times are kept in memory.
///
/// Failures: a job that throws is logged ("scheduled job tickets.sweep failed: ...") and runs
/// again at its next interval; the scheduler's thread never ends on a job's failure.
///
/// Tests drive it without the thread: run_due() with a manual clock (ports/clock.hpp).

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace apexcore::bot {

/// See the file comment. Thread-safe: run_due() may be called while the thread runs (the jobs
/// then run one at a time).
class scheduler {
public:
    /// `clock` (and `store`, when given) must outlive the scheduler; `log` may be empty. Jobs with
    /// an interval under 1 s, without `run` or with a name over 64 bytes throw
    /// std::invalid_argument; a store failure at construction propagates (store_error).
    scheduler(std::vector<scheduled_job> jobs, const ports::clock& clock, ports::log_fn log, ports::store* store = nullptr);
    ~scheduler();
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    /// Runs every job due at clock.now() (each due at once after construction), one after the
    /// other; returns how many ran (failed ones included).
    std::size_t run_due();
    /// Starts the thread: run_due() every `tick` until stop(). Calling it twice does nothing.
    void start(std::chrono::milliseconds tick = std::chrono::seconds(1));
    /// Asks the thread to stop after the job it is running, without waiting (safe on any thread,
    /// e.g. a signal handler on an I/O thread that a running job may be waiting for).
    void request_stop();
    /// Stops and joins the thread (waits for a job that is running). Idempotent.
    void stop();

    /// Rounds run by each job, by name (observability, tests).
    [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> runs() const;

private:
    struct entry {
        scheduled_job job;
        std::chrono::system_clock::time_point next_due;
        std::uint64_t runs = 0;
    };
    /// With a store: claims the run due at `now` (false: another process has it, or the store
    /// failed — logged); without one: true.
    bool claim(entry& e, std::chrono::system_clock::time_point now);

    const ports::clock& clock_;
    ports::log_fn log_;
    ports::store* store_ = nullptr;
    mutable std::mutex run_mutex_;  // one round at a time
    std::vector<entry> entries_;
    std::mutex wait_mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace apexcore::bot
