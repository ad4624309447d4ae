// The backups feature (issue 12 §9): /backup for staff, the scheduled backup with retention, and
// each one reported in the audit log — or the errors log when it fails.
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/services/outbox_service.hpp>
#include <apexcore/sqlite/backups.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include "../support/manual_clock.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};

class BackupsFeatureTest : public ::testing::Test {
protected:
    std::string dir_ = (fs::temp_directory_path() / ("apexcore-backups-feature-" + std::to_string(::getpid()))).string();
    test_support::manual_clock clock_{std::chrono::sys_days(std::chrono::year(2026) / 11 / 30) + 9h};
    sqlite::sqlite_store store_{{.path = ":memory:", .clock = &clock_}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    services::outbox_service outbox_{store_, logged()};
    std::optional<sqlite::sqlite_backups> backups_;
    std::optional<bot::shop_bot> bot_;
    std::uint64_t next_id_ = 5000;

    services::shop_config logged() const {
        services::shop_config c;
        c.clock = &clock_;
        c.notifications.log_topics = {core::log_topic::audit, core::log_topic::errors};
        return c;
    }
    void SetUp() override {
        fs::remove_all(dir_);
        start(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    void start(const std::string& directory) {
        bot_.reset();
        backups_.emplace(store_, directory);
        bot_.emplace(bot::bot_config{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_,
                     bot::shop_parts{.outbox = &outbox_, .backups = &*backups_, .backup_schedule = {24h, 2}, .clock = &clock_});
    }
    ports::interaction_response run(core::user_id from, std::string name, std::vector<core::role_id> roles = {staff_role}) {
        return bot_->handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2},
                             {from, "member", std::move(roles)}, ports::command_invocation{std::move(name), {}}});
    }
    /// The outbox's pending entries (what the log channels will be told).
    std::vector<core::outbox_entry> posted() { return outbox_.claim(100, 60s); }
};

TEST_F(BackupsFeatureTest, StaffMakeAVerifiedBackupAndTheAuditLogIsTold) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, core::money::usd_cents(2500), ""}).ok());
    const auto reply = run(staff_user, "backup create");
    EXPECT_TRUE(reply.body.ephemeral);
    EXPECT_NE(reply.body.content.find("Backup `apexcore-20261130-090000.db` made"), std::string::npos) << reply.body.content;
    EXPECT_NE(reply.body.content.find("verified: integrity ok, 1 wallets reconcile, 1 ledger entries, 0 orders"), std::string::npos)
        << reply.body.content;
    EXPECT_TRUE(fs::exists(dir_ + "/apexcore-20261130-090000.db"));

    const auto entries = posted();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "backup.made");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::audit);
    EXPECT_EQ(entries[0].draft.facts.at("by"), "<@10>");
    EXPECT_EQ(entries[0].draft.facts.at("file"), "apexcore-20261130-090000.db");

    const auto list = run(staff_user, "backup list");
    ASSERT_EQ(list.body.embeds.size(), 1U);
    EXPECT_NE(list.body.embeds[0].description.find("`apexcore-20261130-090000.db`"), std::string::npos);
}

TEST_F(BackupsFeatureTest, MembersCannotMakeOrListBackups) {
    EXPECT_EQ(run(customer, "backup create", {}).body.content, "Only staff members can do that.");
    EXPECT_EQ(run(customer, "backup list", {}).body.content, "Only staff members can do that.");
    EXPECT_FALSE(fs::exists(dir_));
    EXPECT_TRUE(posted().empty());
}

TEST_F(BackupsFeatureTest, TheDailyJobKeepsTheNewestBackupsOnly) {
    const auto jobs = bot_->jobs();
    const auto job = std::find_if(jobs.begin(), jobs.end(), [](const auto& j) { return j.name == "backups.daily"; });
    ASSERT_NE(job, jobs.end());
    EXPECT_EQ(job->interval, 24h);
    for (int day = 0; day < 3; ++day) {
        job->run();
        clock_.advance(24h);
    }
    ASSERT_EQ(backups_->list().size(), 2U);  // keep = 2
    EXPECT_EQ(backups_->list()[0].file, dir_ + "/apexcore-20261202-090000.db");
    const auto entries = posted();
    ASSERT_EQ(entries.size(), 3U);
    EXPECT_EQ(entries[0].draft.facts.at("by"), "the schedule");
    EXPECT_EQ(entries[2].draft.facts.at("pruned"), "1");
}

TEST_F(BackupsFeatureTest, ABackupThatCannotBeWrittenIsReportedToTheErrorsLog) {
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/file") << "a file where the directory should be";
    start(dir_ + "/file/backups");
    const auto reply = run(staff_user, "backup create");
    EXPECT_NE(reply.body.content.find("The backup could not be made: backups: cannot create"), std::string::npos)
        << reply.body.content;
    const auto entries = posted();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "backup.failed");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::errors);

    const auto jobs = bot_->jobs();
    const auto job = std::find_if(jobs.begin(), jobs.end(), [](const auto& j) { return j.name == "backups.daily"; });
    ASSERT_NE(job, jobs.end());
    EXPECT_THROW(job->run(), std::runtime_error);  // the scheduler records the failed run
}

}  // namespace
