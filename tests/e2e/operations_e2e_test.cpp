// Running the shop (issue 12) with the real apexbot on the sandbox: a backup made by staff, then
// restored with the bot stopped; the audit log is told of each backup.
#include "bot_fixture.hpp"

#include <csignal>

namespace {

using apexcore::test_support::BotFixture;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

class BackupEndToEndTest : public BotFixture {
protected:
    json extra_config() override {
        return {{"log_channels", {{"audit", audit_log()}}}, {"backups", {{"directory", "kept"}, {"keep", 3}}}};
    }
    std::string audit_log() const { return info_["channel_ids"][1].get<std::string>(); }
    /// The audit log's posts whose embed title is `title`.
    std::vector<json> audit_posts(const std::string& title) {
        std::vector<json> out;
        for (const auto& m : channel_history(audit_log())) {
            if (m.contains("embeds") && !m["embeds"].empty() && m["embeds"][0].value("title", "") == title) out.push_back(m);
        }
        return out;
    }
};

TEST_F(BackupEndToEndTest, ABackupMadeByStaffIsRestoredWithTheBotStopped) {
    // The first start made the scheduled backup at once (a new job is due now).
    ASSERT_TRUE(wait_for([&] { return audit_posts("backup.made").size() == 1; })) << bot_->output();
    top_up("25.00");
    expect_balance("$25.00");

    const auto made = command(staff(), "backup create");
    const std::string reply = reply_text(made);
    ASSERT_NE(reply.find("Backup `apexcore-"), std::string::npos) << made.body.dump();
    EXPECT_NE(reply.find("and verified: integrity ok, 1 wallets reconcile, 1 ledger entries"), std::string::npos) << reply;
    const auto start = reply.find("`") + 1;
    const fs::path file = dir_ / "kept" / reply.substr(start, reply.find('`', start) - start);
    ASSERT_TRUE(fs::exists(file)) << file;
    ASSERT_TRUE(wait_for([&] { return audit_posts("backup.made").size() == 2; })) << bot_->output();
    const json post = audit_posts("backup.made").back();
    EXPECT_NE(post.dump().find("<@" + staff() + ">"), std::string::npos) << post.dump();

    const auto listed = command(staff(), "backup list");
    EXPECT_NE(listed.body.dump().find(file.filename().string()), std::string::npos) << listed.body.dump();
    EXPECT_NE(reply_text(command(customer(), "backup create")).find("Only staff"), std::string::npos);

    top_up("10.00");  // after the backup: undone by the restore
    expect_balance("$35.00");

    ASSERT_EQ(bot_->stop(SIGTERM, 10s), 0);
    ASSERT_TRUE(wait_for([&] { return !control_->get("/_sandbox/state").body.value("bot_connected", true); }));
    // The wrong file is refused and changes nothing.
    const auto [refused, why] = apexcore::test_support::run_to_completion(
        APEXBOT_PATH, {"--config", (dir_ / "config.json").string(), "--restore-backup", (dir_ / "config.json").string()},
        (dir_ / "restore.log").string());
    EXPECT_EQ(refused, 1) << why;
    EXPECT_NE(why.find("restore refused, nothing changed"), std::string::npos) << why;

    const auto [code, out] = apexcore::test_support::run_to_completion(
        APEXBOT_PATH, {"--config", (dir_ / "config.json").string(), "--restore-backup", file.string()},
        (dir_ / "restore.log").string());
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find("verified: integrity ok, 1 wallets reconcile, 1 ledger entries"), std::string::npos) << out;
    EXPECT_NE(out.find("the database it replaced is kept as " + (dir_ / "shop.db").string() + ".before-restore-"), std::string::npos)
        << out;

    launch_bot();  // waits until the bot is connected again
    expect_balance("$25.00");
}

}  // namespace
