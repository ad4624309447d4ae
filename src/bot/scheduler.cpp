#include <apexcore/bot/scheduler.hpp>

#include <stdexcept>

namespace apexcore::bot {

scheduler::scheduler(std::vector<scheduled_job> jobs, const ports::clock& clock, ports::log_fn log)
    : clock_(clock), log_(std::move(log)) {
    const auto now = clock_.now();
    for (auto& job : jobs) {
        if (job.interval < std::chrono::seconds(1) || !job.run) {
            throw std::invalid_argument("scheduled job '" + job.name + "': needs a run function and an interval of at least 1 s");
        }
        entries_.push_back({std::move(job), now, 0});
    }
}

scheduler::~scheduler() { stop(); }

std::size_t scheduler::run_due() {
    std::lock_guard lock(run_mutex_);
    std::size_t ran = 0;
    for (auto& e : entries_) {
        const auto now = clock_.now();
        if (now < e.next_due) continue;
        try {
            e.job.run();
        } catch (const std::exception& ex) {
            ports::emit(log_, ports::log_level::error, "scheduler",
                        "scheduled job " + e.job.name + " failed: " + ex.what() + "; it runs again in " +
                            std::to_string(e.job.interval.count()) + " s");
        } catch (...) {
            ports::emit(log_, ports::log_level::error, "scheduler",
                        "scheduled job " + e.job.name + " failed with an unknown exception; it runs again later");
        }
        ++e.runs;
        ++ran;
        e.next_due = clock_.now() + e.job.interval;
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
