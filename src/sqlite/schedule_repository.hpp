#pragma once
// Private to the sqlite adapter: the scheduled jobs' due times (migration v7). Included by
// unit_of_work.cpp only.
#include "repository_base.hpp"

#include <apexcore/core/text.hpp>

namespace apexcore::sqlite::detail {

class schedule_repository_impl final : public ports::schedule_repository, repository_base {
public:
    using repository_base::repository_base;

    void ensure_job(const std::string& name, time_point first_due) override {
        require_writable();
        db_.prepare("INSERT OR IGNORE INTO scheduled_jobs (name, next_due_ms) VALUES (?, ?)").bind(1, name).bind(2, to_ms(first_due)).run();
    }

    bool claim_job(const std::string& name, time_point now, time_point next_due) override {
        require_writable();
        db_.prepare("UPDATE scheduled_jobs SET next_due_ms = ?, last_started_ms = ?, runs = runs + 1 "
                    "WHERE name = ? AND next_due_ms <= ?")
            .bind(1, to_ms(next_due))
            .bind(2, to_ms(now))
            .bind(3, name)
            .bind(4, to_ms(now))
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    void finish_job(const std::string& name, time_point at, const std::string& error) override {
        require_writable();
        db_.prepare("UPDATE scheduled_jobs SET last_finished_ms = ?, last_error = ? WHERE name = ?")
            .bind(1, to_ms(at))
            .bind(2, core::truncate_utf8_bytes(error, 300))
            .bind(3, name)
            .run();
    }

    std::vector<ports::scheduled_job_state> jobs() override {
        auto& s = db_.prepare("SELECT name, next_due_ms, last_started_ms, last_finished_ms, last_error, runs FROM scheduled_jobs ORDER BY name");
        std::vector<ports::scheduled_job_state> out;
        while (s.step()) {
            out.push_back({s.text(0), from_ms(s.int64(1)), read_opt_ms(s, 2), read_opt_ms(s, 3), s.text(4), s.int64(5)});
        }
        return out;
    }
};

}  // namespace apexcore::sqlite::detail
