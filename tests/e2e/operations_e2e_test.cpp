// Running the shop (issue 12) with the real apexbot on the sandbox: a backup made by staff, then
// restored with the bot stopped; the audit log is told of each backup.
#include "bot_fixture.hpp"

#include <apexcore/sqlite/sqlite_store.hpp>

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

namespace {

class MemberDataEndToEndTest : public BotFixture {};

TEST_F(MemberDataEndToEndTest, AMemberIsExportedThenForgottenAndTheLedgerStillReconciles) {
    top_up("25.00", "paid in cash");
    const auto menu = buy_through_menu(customer(), "1");  // the first example product
    ASSERT_EQ(menu.status, 200U) << menu.body.dump();

    const auto exported = command(staff(), "member export", {{"user", customer()}});
    ASSERT_EQ(exported.status, 200U) << exported.body.dump();
    const std::string body = exported.body.dump();
    EXPECT_NE(body.find("member-" + customer() + ".json"), std::string::npos) << body;
    EXPECT_NE(reply_text(exported).find("Everything stored about <@" + customer() + ">"), std::string::npos) << body;
    EXPECT_NE(reply_text(command(customer(), "member export", {{"user", customer()}})).find("Only staff"), std::string::npos);

    const auto preview = command(staff(), "member forget", {{"user", customer()}});
    const json& data = preview.body.value("deferred", false) ? preview.body["original"] : preview.body["response"]["data"];
    ASSERT_TRUE(data.contains("components")) << preview.body.dump();
    const std::string forget_id = data["components"][0]["components"][0]["custom_id"];
    EXPECT_EQ(forget_id, "mb:f:" + customer());
    const auto forgotten = click(staff(), preview.body["message_id"], forget_id);
    EXPECT_NE(forgotten.body.dump().find("is forgotten"), std::string::npos) << forgotten.body.dump();

    // The accounts are whole: the balance is what it was and every wallet reconciles.
    apexcore::sqlite::sqlite_store store({.path = (dir_ / "shop.db").string(), .group_commit = false});
    EXPECT_TRUE(store.reconcile().ok());
    const auto balance = command(customer(), "balance");
    EXPECT_EQ(reply_text(balance).find("$25.00"), std::string::npos) << "the purchase stays paid: " << reply_text(balance);
    EXPECT_NE(reply_text(balance).find("Your wallet balance is"), std::string::npos);
}

}  // namespace
