#include <apexcore/sqlite/sqlite_store.hpp>

#include "connection.hpp"
#include "migrations_detail.hpp"

#include "unit_of_work.hpp"

#include <cassert>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <pthread.h>
#include <semaphore>
#include <thread>
#include <vector>

namespace apexcore::sqlite {
namespace {

using detail::connection;
using detail::statement;

std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }

/// One queued unit of work of a group-commit batch.
struct write_job {
    const std::function<ports::tx_outcome(ports::unit_of_work&)>* work = nullptr;
    std::exception_ptr error;
    std::binary_semaphore done{0};  ///< released once the job's batch is over
    /// The next job of the same batch. Its caller is woken by this job's caller, not by the
    /// writer: waking a thread costs the waker a system call, and the writer's time is the
    /// throughput limit, so the wake-ups are chained across the callers instead.
    write_job* next = nullptr;
};

}  // namespace

struct sqlite_store::impl {
    sqlite_options options;
    ports::system_clock system_clock;
    std::mutex mutex;
    std::condition_variable released;
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t open_count = 0;

    // Group commit: callers queue jobs; the writer thread runs them in batches.
    std::mutex queue_mutex;
    std::condition_variable queue_ready;  ///< writer waits for jobs or stop
    std::deque<write_job*> queue;
    bool stopping = false;
    bool writer_idle = false;  ///< the writer sleeps on queue_ready (guarded by queue_mutex)
    std::unique_ptr<connection> writer_connection;
    std::thread writer;
    std::thread::id writer_id;

    std::unique_ptr<connection> open_connection() const {
        return std::make_unique<connection>(options.path, options.busy_timeout, options.synchronous_full);
    }

    /// apexcore_store_commit_seconds: one committed transaction (a whole group-commit batch).
    void observe_commit(std::chrono::steady_clock::time_point started) const {
        if (options.metrics == nullptr) return;
        options.metrics->observe("apexcore_store_commit_seconds", {},
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }

    void start_writer() {
        writer_connection = open_connection();
        writer = std::thread([this] {
            pthread_setname_np(pthread_self(), "apexcore-writer");  // visible in top -H, perf, gdb
            writer_loop();
        });
        writer_id = writer.get_id();
    }

    void stop_writer() {
        {
            std::lock_guard lock(queue_mutex);
            stopping = true;
        }
        queue_ready.notify_all();
        if (writer.joinable()) writer.join();
    }

    void writer_loop() {
        std::vector<write_job*> batch;
        while (true) {
            {
                std::unique_lock lock(queue_mutex);
                writer_idle = true;
                queue_ready.wait(lock, [&] { return stopping || !queue.empty(); });
                writer_idle = false;
                if (queue.empty()) return;  // stopping with nothing left to run
                while (!queue.empty() && batch.size() < options.batch_max) {
                    batch.push_back(queue.front());
                    queue.pop_front();
                }
            }
            run_batch(batch);
            for (std::size_t i = 0; i + 1 < batch.size(); ++i) batch[i]->next = batch[i + 1];
            batch.front()->done.release();  // that caller wakes the next, and so on
            batch.clear();
        }
    }

    /// Runs a batch in one transaction with a savepoint per job; sets each job's error.
    void run_batch(const std::vector<write_job*>& batch) {
        connection& c = *writer_connection;
        auto fail_all = [&](const std::exception_ptr& e) {
            for (auto* job : batch) {
                if (!job->error) job->error = e;
            }
        };
        try {
            c.exec("BEGIN IMMEDIATE");
        } catch (...) {
            fail_all(std::current_exception());
            return;
        }
        bool transaction_lost = false;
        for (auto* job : batch) {
            try {
                c.prepare("SAVEPOINT unit").run();
            } catch (...) {
                job->error = std::current_exception();
                transaction_lost = sqlite3_get_autocommit(c.native()) != 0;
                if (transaction_lost) break;
                continue;
            }
            bool keep = false;
            try {
                auto uow = detail::make_unit_of_work(c, clock(), true);
                keep = (*job->work)(*uow) == ports::tx_outcome::commit;
            } catch (...) {
                job->error = std::current_exception();
            }
            if (sqlite3_get_autocommit(c.native()) != 0) {
                // SQLite rolled the whole transaction back (I/O error, out of memory, ...): every
                // job of the batch so far is lost and must be reported as failed.
                transaction_lost = true;
                break;
            }
            try {
                if (!keep) {
                    c.reset_statements();
                    c.prepare("ROLLBACK TO unit").run();
                }
                c.prepare("RELEASE unit").run();
            } catch (...) {
                if (!job->error) job->error = std::current_exception();
                transaction_lost = true;
                break;
            }
        }
        c.reset_statements();
        if (transaction_lost) {
            try {
                if (sqlite3_get_autocommit(c.native()) == 0) c.exec("ROLLBACK");
            } catch (...) {
                writer_connection = open_connection();  // a connection that cannot roll back is replaced
            }
            fail_all(std::make_exception_ptr(
                ports::store_error("the write transaction was rolled back by SQLite; nothing of this batch was written")));
            return;
        }
        try {
            const auto started = std::chrono::steady_clock::now();
            c.exec("COMMIT");
            observe_commit(started);
        } catch (...) {
            auto error = std::current_exception();
            try {
                if (sqlite3_get_autocommit(c.native()) == 0) c.exec("ROLLBACK");
            } catch (...) {
                writer_connection = open_connection();
            }
            fail_all(error);
        }
    }

    void transact_grouped(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) {
        if (std::this_thread::get_id() == writer_id) {
            throw ports::store_error("store::transact called from inside a unit of work (nested transactions are not supported)");
        }
        write_job job;
        job.work = &work;
        bool wake = false;
        {
            std::lock_guard lock(queue_mutex);
            queue.push_back(&job);
            wake = writer_idle;
        }
        if (wake) queue_ready.notify_one();  // a busy writer takes the job with its next batch
        job.done.acquire();
        if (job.next != nullptr) job.next->done.release();
        if (job.error) std::rethrow_exception(job.error);
    }

    const ports::clock& clock() const { return options.clock != nullptr ? *options.clock : system_clock; }

    /// Borrows a pooled connection, opening one if below the limit, else waiting.
    std::unique_ptr<connection> acquire() {
        std::unique_lock lock(mutex);
        released.wait(lock, [&] { return !idle.empty() || open_count < options.connections_max; });
        if (!idle.empty()) {
            auto c = std::move(idle.back());
            idle.pop_back();
            return c;
        }
        ++open_count;
        lock.unlock();
        try {
            return open_connection();
        } catch (...) {
            std::lock_guard relock(mutex);
            --open_count;
            released.notify_one();
            throw;
        }
    }

    void release(std::unique_ptr<connection> c) {
        {
            std::lock_guard lock(mutex);
            if (c) idle.push_back(std::move(c));
            else --open_count;
        }
        released.notify_one();
    }

    /// Runs `body` on a borrowed connection inside `begin` ... COMMIT/ROLLBACK.
    template <class Body>
    void with_transaction(std::string_view begin, Body&& body) {
        auto c = acquire();
        try {
            c->exec(begin);
        } catch (...) {
            release(std::move(c));
            throw;
        }
        bool commit = false;
        try {
            commit = body(*c);
            c->reset_statements();
        } catch (...) {
            c->reset_statements();
            try {
                c->exec("ROLLBACK");
            } catch (...) {
                c.reset();  // a connection that cannot roll back is not reused
            }
            release(std::move(c));
            throw;
        }
        try {
            const auto started = std::chrono::steady_clock::now();
            c->exec(commit ? "COMMIT" : "ROLLBACK");
            if (commit) observe_commit(started);
        } catch (...) {
            try {
                c->exec("ROLLBACK");
            } catch (...) {
                c.reset();
            }
            release(std::move(c));
            throw;
        }
        release(std::move(c));
    }
};

sqlite_store::sqlite_store(sqlite_options options) : impl_(std::make_unique<impl>()) {
    if (options.path.empty()) throw ports::store_error("sqlite_store: database path is empty");
    if (options.path == ":memory:") {
        options.connections_max = 1;  // a private in-memory database exists on one connection only
        options.group_commit = false;
    }
    if (options.connections_max == 0) options.connections_max = 1;
    if (options.batch_max == 0) options.batch_max = 1;
    impl_->options = std::move(options);
    auto c = impl_->acquire();
    try {
        detail::migrate(*c, -1);
    } catch (const ports::store_error& e) {
        impl_->release(nullptr);
        throw ports::store_error("database '" + impl_->options.path + "': " + e.what());
    }
    impl_->release(std::move(c));
    if (impl_->options.group_commit) impl_->start_writer();
}

sqlite_store::~sqlite_store() { impl_->stop_writer(); }

void sqlite_store::transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) {
    if (impl_->options.group_commit) {
        impl_->transact_grouped(work);
        return;
    }
    impl_->with_transaction("BEGIN IMMEDIATE", [&](connection& c) {
        auto uow = detail::make_unit_of_work(c, impl_->clock(), true);
        return work(*uow) == ports::tx_outcome::commit;
    });
}

void sqlite_store::read(const std::function<void(ports::unit_of_work&)>& work) {
    impl_->with_transaction("BEGIN", [&](connection& c) {
        auto uow = detail::make_unit_of_work(c, impl_->clock(), false);
        work(*uow);
        return false;  // nothing to commit; ROLLBACK ends the read transaction
    });
}

ports::reconcile_report sqlite_store::reconcile() {
    ports::reconcile_report report;
    impl_->with_transaction("BEGIN", [&](connection& c) {
        auto& s = c.prepare(
            "SELECT w.user_id, w.balance_minor, "
            "  COALESCE((SELECT SUM(l.amount_minor) FROM wallet_ledger l "
            "            WHERE l.user_id = w.user_id AND l.currency = w.currency), 0), "
            "  COALESCE((SELECT l.balance_after_minor FROM wallet_ledger l "
            "            WHERE l.user_id = w.user_id AND l.currency = w.currency ORDER BY l.id DESC LIMIT 1), 0) "
            "FROM wallets w ORDER BY w.user_id, w.currency");
        while (s.step()) {
            ++report.users_checked;
            const std::int64_t balance = s.int64(1);
            const std::int64_t sum = s.int64(2);
            const std::int64_t last = s.int64(3);
            if (balance != sum || balance != last) {
                report.mismatches.push_back({core::user_id{from_db(s.int64(0))}, balance, sum, last});
            }
        }
        return false;
    });
    return report;
}

const std::string& sqlite_store::path() const { return impl_->options.path; }

void sqlite_store::backup_to(const std::string& path) {
    std::error_code ec;
    if (path.empty() || std::filesystem::exists(path, ec)) {
        throw ports::store_error("backup '" + path + "': the file exists already (a backup never overwrites)");
    }
    auto source = impl_->acquire();
    try {
        detail::copy_database(source->native(), path, true);
    } catch (...) {
        impl_->release(std::move(source));
        std::filesystem::remove(path, ec);
        throw;
    }
    impl_->release(std::move(source));
}

}  // namespace apexcore::sqlite
