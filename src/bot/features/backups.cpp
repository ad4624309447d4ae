#include <apexcore/bot/features/backups.hpp>

#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

#include <stdexcept>

namespace apexcore::bot {
namespace {

constexpr std::size_t listed_max = 20;

/// The file's name without its directory.
std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

backups_feature::backups_feature(const bot_config& config, ports::backups& backups, const ports::clock& clock,
                                 services::outbox_service* outbox, backup_options options)
    : config_(config), backups_(backups), clock_(clock), outbox_(outbox), options_(options) {
    if (options_.every < std::chrono::hours(1)) throw std::invalid_argument("backups: every must be at least 1 hour");
    if (options_.keep == 0) throw std::invalid_argument("backups: keep must be at least 1");
}

std::vector<ports::command_spec> backups_feature::commands() const {
    ports::command_spec backup{"backup", "Staff: backups of the shop's data", {}, true, {}, {}};
    backup.subcommands = {
        {"create", "Staff: make a verified backup now", {}},
        {"list", "Staff: the backups on hand", {}},
    };
    return {std::move(backup)};
}

std::vector<scheduled_job> backups_feature::jobs() const {
    auto* self = const_cast<backups_feature*>(this);  // the router keeps the feature alive
    const auto every = std::chrono::duration_cast<std::chrono::seconds>(options_.every);
    return {{"backups.daily", every, [self] {
                 const auto done = self->back_up(std::nullopt);
                 if (!done.ok) throw std::runtime_error(done.line);  // the scheduler records and logs it
             }}};
}

ports::interaction_response backups_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    if (c.name == "backup create") return ephemeral_reply(back_up(i.from.user).line);
    if (c.name != "backup list") return ephemeral_reply("Usage: /backup create, /backup list");
    const auto on_hand = backups_.list();
    if (on_hand.empty()) return ephemeral_reply("No backups yet. Make one with /backup create.");
    std::string lines;
    for (std::size_t n = 0; n < on_hand.size() && n < listed_max; ++n) {
        lines += "`" + base_name(on_hand[n].file) + "` · " + format_bytes(on_hand[n].bytes) + " · " +
                 discord_time(on_hand[n].taken_at, 'R') + "\n";
    }
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back({"Backups (" + std::to_string(on_hand.size()) + ", newest first)", core::truncate_utf8(lines, 4096),
                             {{"Kept", "the newest " + std::to_string(options_.keep), true},
                              {"Made", "every " + std::to_string(options_.every.count()) + " h and on /backup create", true}},
                             0x5865F2, ""});
    return r;
}

backups_feature::outcome backups_feature::back_up(std::optional<core::user_id> by) {
    const std::string who = by ? "<@" + by->str() + ">" : std::string("the schedule");
    ports::backup_report made;
    try {
        made = backups_.create(clock_.now());
    } catch (const std::exception& e) {
        const std::string why = core::truncate_utf8(e.what(), 500);
        report("backup.failed", core::log_topic::errors, {{"by", who}, {"error", why}});
        ports::emit(config_.log, ports::log_level::error, "backups", "backup failed: " + why);
        return {false, "The backup could not be made: " + why + ". The earlier backups are untouched."};
    }
    const std::string name = base_name(made.file);
    if (!made.verified()) {
        const std::string why = made.integrity != "ok" ? made.integrity
                                                        : std::to_string(made.mismatches) + " wallet(s) disagree with their ledger";
        report("backup.failed", core::log_topic::errors, {{"by", who}, {"file", name}, {"error", core::truncate_utf8(why, 500)}});
        ports::emit(config_.log, ports::log_level::error, "backups", "backup " + made.file + " failed its check: " + why);
        return {false, "The copy `" + name + "` failed its check (" + core::truncate_utf8(why, 300) +
                           "), so it does not count as a backup. The earlier backups are untouched."};
    }
    std::size_t pruned = 0;
    try {
        pruned = backups_.prune(options_.keep);
    } catch (const std::exception& e) {
        ports::emit(config_.log, ports::log_level::warning, "backups", std::string("pruning failed: ") + e.what());
    }
    const std::string size = format_bytes(made.bytes);
    report("backup.made", core::log_topic::audit,
           {{"by", who},
            {"file", name},
            {"size", size},
            {"took", std::to_string(made.took.count()) + " ms"},
            {"verified", "integrity ok; " + std::to_string(made.wallets_checked) + " wallets reconcile"},
            {"contents", std::to_string(made.ledger_entries) + " ledger entries, " + std::to_string(made.orders) + " orders"},
            {"pruned", std::to_string(pruned)}});
    return {true, "\xE2\x9C\x85 Backup `" + name + "` made (" + size + ", " + std::to_string(made.took.count()) +
                      " ms) and verified: integrity ok, " + std::to_string(made.wallets_checked) + " wallets reconcile, " +
                      std::to_string(made.ledger_entries) + " ledger entries, " + std::to_string(made.orders) + " orders." +
                      (pruned > 0 ? " " + std::to_string(pruned) + " older file(s) deleted (keeping " + std::to_string(options_.keep) + ")."
                                  : std::string())};
}

void backups_feature::report(const std::string& event, core::log_topic topic, core::outbox_facts facts) {
    if (outbox_ == nullptr || !outbox_->logs(topic)) return;
    core::outbox_draft d;
    d.kind = core::outbox_kind::log_post;
    d.topic = topic;
    d.event = event;
    d.facts = std::move(facts);
    try {
        if (!outbox_->post(d)) ports::emit(config_.log, ports::log_level::warning, "backups", "outbox full: " + event + " not posted");
    } catch (const std::exception& e) {
        ports::emit(config_.log, ports::log_level::warning, "backups", std::string("cannot post ") + event + ": " + e.what());
    }
}

}  // namespace apexcore::bot
