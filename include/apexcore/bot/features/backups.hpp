#pragma once
/// @file backups.hpp
/// The backups feature, for staff: `/backup create` makes a verified backup now, `/backup list`
/// shows the ones on hand; the job "backups.daily" makes one every `every` (due times in the
/// store: a restart neither repeats nor skips one) and prunes to the newest `keep`. Each backup is
/// reported in the audit log ("backup.made") or, when it fails, in the errors log
/// ("backup.failed") through the outbox. What is made and how it is checked: ports/backup.hpp;
/// restoring: docs/operations.md §Backups.

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/backup.hpp>
#include <apexcore/ports/clock.hpp>
#include <apexcore/services/outbox_service.hpp>

namespace apexcore::bot {

/// How the shop is backed up.
struct backup_options {
    std::chrono::hours every{24};  ///< between two scheduled backups, >= 1 h
    std::size_t keep = 7;          ///< backups kept (older ones are deleted), >= 1
};

/// /backup and the daily job. Thread-safe; `backups`, `clock` and `outbox` (may be null: then
/// backups are only logged) must outlive it.
class backups_feature final : public feature {
public:
    backups_feature(const bot_config& config, ports::backups& backups, const ports::clock& clock,
                    services::outbox_service* outbox, backup_options options);

    [[nodiscard]] std::string name() const override { return "backups"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    [[nodiscard]] std::vector<scheduled_job> jobs() const override;

    /// What one backup run ended with.
    struct outcome {
        bool ok = false;   ///< a verified backup was made
        std::string line;  ///< what staff read (the reply, the job's error)
    };
    /// Makes one backup, prunes, and reports it (audit or errors log). `by`: who asked (nullopt:
    /// the schedule). Never throws for a failed backup (the outcome says it).
    outcome back_up(std::optional<core::user_id> by);

private:
    void report(const std::string& event, core::log_topic topic, core::outbox_facts facts);

    const bot_config& config_;
    ports::backups& backups_;
    const ports::clock& clock_;
    services::outbox_service* outbox_;
    backup_options options_;
};

}  // namespace apexcore::bot
