// Backups (sqlite/backups.hpp): an online copy verified by reopening it, pruning, and a restore
// that brings the shop back to the copy's state.
#include <apexcore/sqlite/backups.hpp>

#include <apexcore/services/wallet_service.hpp>

#include "temp_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using core::money;
using core::user_id;
namespace fs = std::filesystem;

constexpr user_id staff{900};
constexpr user_id alice{1001};

/// 2026-11-30 14:30:00 UTC.
const std::chrono::system_clock::time_point noon_ish =
    std::chrono::sys_days(std::chrono::year(2026) / 11 / 30) + 14h + 30min;

int exec_raw(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
}

/// A fresh directory under the temp directory, removed afterwards.
struct temp_dir {
    std::string path = (fs::temp_directory_path() / ("apexcore-backups-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter()++)))
                           .string();
    temp_dir() { fs::remove_all(path); }
    ~temp_dir() { fs::remove_all(path); }
    static std::atomic<int>& counter() {
        static std::atomic<int> n{0};
        return n;
    }
};

class BackupTest : public ::testing::Test {
protected:
    test_support::temp_db db_;
    temp_dir dir_;
    std::optional<sqlite::sqlite_store> store_{std::in_place, sqlite::sqlite_options{.path = db_.path()}};
    std::optional<services::wallet_service> wallet_{std::in_place, *store_, services::shop_config{}};

    void credit(std::int64_t cents) {
        ASSERT_TRUE(wallet_->staff_credit({{staff, true}, alice, money::usd_cents(cents), "top-up"}).ok());
    }
    money balance() { return wallet_->balance(alice); }
};

TEST(BackupFileName, IsTheUtcTimeAndReadsBack) {
    EXPECT_EQ(sqlite::backup_file_name(noon_ish), "apexcore-20261130-143000.db");
    EXPECT_EQ(sqlite::parse_backup_file_name("apexcore-20261130-143000.db"), noon_ish);
    for (const char* other : {"apexcore-20261130-143000.db.failed", "apexcore-20261131-143000.db", "apexcore-20261130-243000.db",
                              "shop.db", "apexcore-2026113-1430000.db", "apexcore-20261130x143000.db"}) {
        EXPECT_FALSE(sqlite::parse_backup_file_name(other)) << other;
    }
}

TEST_F(BackupTest, ACopyMadeWhilePurchasesGoOnIsVerifiedAndReconciles) {
    credit(2500);
    sqlite::sqlite_backups backups(*store_, dir_.path);
    std::atomic<bool> stop{false};
    std::thread busy([&] {  // the shop does not stop for a backup
        while (!stop) credit(1);
    });
    const auto report = backups.create(noon_ish);
    stop = true;
    busy.join();

    EXPECT_TRUE(report.verified()) << report.integrity;
    EXPECT_EQ(report.integrity, "ok");
    EXPECT_EQ(report.file, (fs::path(dir_.path) / "apexcore-20261130-143000.db").string());
    EXPECT_TRUE(fs::exists(report.file));
    EXPECT_FALSE(fs::exists(report.file + "-wal"));  // one self-contained file
    EXPECT_GT(report.bytes, 0U);
    EXPECT_EQ(report.wallets_checked, 1U);
    EXPECT_GE(report.ledger_entries, 1);
    EXPECT_EQ(report.taken_at, noon_ish);
    ASSERT_EQ(backups.list().size(), 1U);
    EXPECT_THROW(backups.create(noon_ish), ports::store_error);  // never overwritten
}

TEST_F(BackupTest, ARestoreBringsBackTheCopysStateAndKeepsTheDatabaseItReplaced) {
    credit(2500);
    sqlite::sqlite_backups backups(*store_, dir_.path);
    const auto report = backups.create(noon_ish);
    ASSERT_TRUE(report.verified());
    credit(1000);  // after the backup: lost by the restore, kept in the saved database
    ASSERT_EQ(balance(), money::usd_cents(3500));
    wallet_.reset();
    store_.reset();  // the bot is stopped for a restore

    const auto restored = sqlite::restore_backup(report.file, db_.path(), noon_ish + 1h);
    EXPECT_TRUE(restored.backup.verified());
    EXPECT_EQ(restored.previous, db_.path() + ".before-restore-20261130-153000");

    store_.emplace(sqlite::sqlite_options{.path = db_.path()});
    wallet_.emplace(*store_, services::shop_config{});
    EXPECT_EQ(balance(), money::usd_cents(2500));
    EXPECT_TRUE(store_->reconcile().ok());
    credit(1);  // the restored shop takes new money movements
    EXPECT_EQ(balance(), money::usd_cents(2501));

    {
        sqlite::sqlite_store before({.path = restored.previous});
        services::wallet_service old(before, services::shop_config{});
        EXPECT_EQ(old.balance(alice), money::usd_cents(3500));
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(restored.previous + suffix);
}

TEST_F(BackupTest, ACopyWhoseLedgerDisagreesFailsAndIsNeverRestored) {
    credit(2500);
    sqlite::sqlite_backups backups(*store_, dir_.path);
    const auto good = backups.create(noon_ish);
    ASSERT_TRUE(good.verified());
    // Damage the copy the way a bad disk or a hand edit would: a balance without its ledger row.
    ASSERT_EQ(exec_raw(good.file, "UPDATE wallets SET balance_minor = balance_minor + 1"), SQLITE_OK);
    const auto checked = sqlite::verify_backup(good.file);
    EXPECT_FALSE(checked.verified());
    EXPECT_EQ(checked.mismatches, 1U);

    credit(100);
    wallet_.reset();
    store_.reset();
    EXPECT_THROW((void)sqlite::restore_backup(good.file, db_.path(), noon_ish + 1h), ports::store_error);
    store_.emplace(sqlite::sqlite_options{.path = db_.path()});
    wallet_.emplace(*store_, services::shop_config{});
    EXPECT_EQ(balance(), money::usd_cents(2600));  // nothing was changed
    EXPECT_FALSE(fs::exists(db_.path() + ".before-restore-20261130-153000"));
}

TEST_F(BackupTest, AFileThatIsNotADatabaseIsReportedNotThrown) {
    fs::create_directories(dir_.path);
    const std::string junk = dir_.path + "/apexcore-20261130-143000.db";
    std::ofstream(junk) << std::string(8192, 'x');
    const auto checked = sqlite::verify_backup(junk);
    EXPECT_FALSE(checked.verified());
    EXPECT_NE(checked.integrity.find("not a readable shop database"), std::string::npos) << checked.integrity;
    EXPECT_THROW((void)sqlite::verify_backup(dir_.path + "/missing.db"), ports::store_error);
}

TEST_F(BackupTest, PruningKeepsTheNewestAndDropsOlderFailedCopies) {
    credit(100);
    sqlite::sqlite_backups backups(*store_, dir_.path);
    for (int day = 0; day < 4; ++day) ASSERT_TRUE(backups.create(noon_ish + std::chrono::days(day)).verified());
    std::ofstream(dir_.path + "/apexcore-20261129-000000.db.failed") << "x";   // older than every kept one
    std::ofstream(dir_.path + "/apexcore-20261203-150000.db.partial") << "x";  // newer: kept for now
    std::ofstream(dir_.path + "/notes.txt") << "not ours";

    EXPECT_EQ(backups.prune(2), 3U);  // two backups and the old failed copy
    const auto left = backups.list();
    ASSERT_EQ(left.size(), 2U);
    EXPECT_EQ(left[0].taken_at, noon_ish + std::chrono::days(3));  // newest first
    EXPECT_EQ(left[1].taken_at, noon_ish + std::chrono::days(2));
    EXPECT_FALSE(fs::exists(dir_.path + "/apexcore-20261129-000000.db.failed"));
    EXPECT_TRUE(fs::exists(dir_.path + "/apexcore-20261203-150000.db.partial"));
    EXPECT_TRUE(fs::exists(dir_.path + "/notes.txt"));
    EXPECT_EQ(backups.prune(0), 1U);  // at least one is always kept
    EXPECT_EQ(backups.list().size(), 1U);
}

// Two processes sharing a backups directory (here: two sqlite_backups, which lock the directory
// the way processes do): they take turns, and the one that comes second at the same second is
// told to try again instead of removing the other's copy in progress.
TEST_F(BackupTest, TwoBackupsIntoOneDirectoryAtOnceTakeTurns) {
    credit(2500);
    sqlite::sqlite_backups first(*store_, dir_.path);
    sqlite::sqlite_backups second(*store_, dir_.path);
    std::optional<ports::backup_report> made[2];
    std::string refused[2];
    const auto attempt = [&](sqlite::sqlite_backups& b, int i) {
        try {
            made[i] = b.create(noon_ish);
        } catch (const ports::store_error& e) {
            refused[i] = e.what();
        }
    };
    std::thread a([&] { attempt(first, 0); });
    std::thread b([&] { attempt(second, 1); });
    a.join();
    b.join();
    ASSERT_NE(made[0].has_value(), made[1].has_value()) << refused[0] << " / " << refused[1];
    const auto& report = made[0] ? *made[0] : *made[1];
    EXPECT_TRUE(report.verified()) << report.integrity;
    EXPECT_NE((made[0] ? refused[1] : refused[0]).find("exists already; try again in a second"), std::string::npos)
        << (made[0] ? refused[1] : refused[0]);
    EXPECT_EQ(first.list().size(), 1U);
}

}  // namespace
