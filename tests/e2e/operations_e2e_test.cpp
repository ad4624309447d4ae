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

namespace {

class CatalogEndToEndTest : public BotFixture {
protected:
    json extra_config() override { return {{"log_channels", {{"audit", audit_log()}}}}; }
    std::string audit_log() const { return info_["channel_ids"][1].get<std::string>(); }
    /// The first file attached to an answer (deferred: on the edited original).
    static json first_file(const apexcore::test_support::control_response& r) {
        const json& m = r.body.value("deferred", false) ? r.body["original"] : r.body["response"]["data"];
        return m.contains("attachments") && !m["attachments"].empty() ? m["attachments"][0] : json();
    }
};

TEST_F(CatalogEndToEndTest, StaffImportACsvWithBadLinesAndMembersCanBuyTheGoodOnes) {
    const std::string csv =
        "main_category,sub_category,service_name,variant_name,price,stock\n"
        "Games,Keys,Star Quest,Standard,9.99,3\n"
        "Games,Keys,Star Quest,Deluxe,nine,\n"
        "Games,Keys,Star Quest,Gold,,\n";
    const auto imported = command(staff(), "catalog import",
                                  {{"file", {{"filename", "products.csv"}, {"content", csv}, {"content_type", "text/csv"}}}});
    ASSERT_EQ(imported.status, 200U) << imported.body.dump();
    const std::string text = reply_text(imported);
    EXPECT_NE(text.find("**1 added**, 0 updated, **2 refused**"), std::string::npos) << imported.body.dump() << bot_->output();
    EXPECT_NE(text.find("line 3 (price): not an amount"), std::string::npos) << text;
    const json report = first_file(imported);
    EXPECT_EQ(report.value("filename", ""), "import-report.csv") << imported.body.dump();

    // The imported product is for sale: a member finds it in /buy and buys it.
    top_up("20.00");
    const auto menu = command(customer(), "buy");
    const json options = menu.body["response"]["data"]["components"][0]["components"][0]["options"];
    std::string value;
    for (const auto& o : options) {
        if (o.value("label", "").find("Star Quest") != std::string::npos) value = o["value"];
    }
    ASSERT_FALSE(value.empty()) << options.dump();
    const auto bought = buy_through_menu(customer(), value);
    EXPECT_NE(bought.body.dump().find("\"description\":\"Star Quest - Standard\""), std::string::npos) << bought.body.dump();
    EXPECT_NE(reply_text(bought).find("is paid"), std::string::npos) << bought.body.dump();

    // Staff change its price, and the audit log is told of the import and the change.
    const auto edited = command(staff(), "product edit", {{"product", "Star Quest"}, {"price", "11.00"}});
    EXPECT_EQ(reply_text(edited), "Saved **Star Quest - Standard**: price.") << edited.body.dump();
    ASSERT_TRUE(wait_for([&] {
        const auto posts = channel_history(audit_log()).dump();
        return posts.find("catalog.imported") != std::string::npos && posts.find("product.updated") != std::string::npos;
    })) << channel_history(audit_log()).dump();

    const auto exported = command(staff(), "catalog export");
    EXPECT_EQ(first_file(exported).value("filename", ""), "catalog.csv") << exported.body.dump();
    EXPECT_NE(reply_text(exported).find("The catalog: 6 products"), std::string::npos) << reply_text(exported);
}

}  // namespace

namespace {

class KeysEndToEndTest : public BotFixture {
protected:
    json extra_config() override {
        return {{"log_channels", {{"orders", orders_log()}}}, {"keys", {{"pattern", "[A-Z0-9]{5}(-[A-Z0-9]{5}){3}"}}}};
    }
    std::string orders_log() const { return info_["channel_ids"][1].get<std::string>(); }
    json dms() { return control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array()); }
    std::vector<json> posts_titled(const std::string& prefix) {
        std::vector<json> out;
        for (const auto& m : channel_history(orders_log())) {
            if (m.contains("embeds") && !m["embeds"].empty() && m["embeds"][0].value("title", "").starts_with(prefix)) out.push_back(m);
        }
        return out;
    }
};

TEST_F(KeysEndToEndTest, KeysAreImportedWithAReportAndARequestApprovedInTheLogReachesTheMember) {
    const std::string keys = "AAAAA-BBBBB-CCCCC-DDDDD\nnot a key\nEEEEE-FFFFF-GGGGG-HHHHH\nAAAAA-BBBBB-CCCCC-DDDDD\n";
    const auto imported = command(staff(), "keys import",
                                  {{"product", "Indie Bundle"}, {"file", {{"filename", "keys.txt"}, {"content", keys}, {"content_type", "text/plain"}}}});
    const std::string text = reply_text(imported);
    EXPECT_NE(text.find("**2 keys added** to **Indie Bundle Key - Standard**, 2 lines refused."), std::string::npos)
        << imported.body.dump() << bot_->output();
    EXPECT_NE(text.find("line 2: does not match the shop's key pattern"), std::string::npos) << text;
    EXPECT_NE(imported.body.dump().find("keys-report.csv"), std::string::npos) << imported.body.dump();

    const auto asked = command(staff(), "keys request",
                               {{"product", "Indie Bundle"}, {"user", customer()}, {"reason", "the first key was already used"}});
    EXPECT_NE(reply_text(asked).find("is set aside for <@" + customer() + ">"), std::string::npos) << asked.body.dump();
    ASSERT_TRUE(wait_for([&] { return posts_titled("Key requested").size() == 1; })) << channel_history(orders_log()).dump();
    const json post = posts_titled("Key requested")[0];
    EXPECT_EQ(post.dump().find("AAAAA-BBBBB"), std::string::npos) << "the log never shows the key";
    const std::string approve = post["components"][0]["components"][0]["custom_id"];
    EXPECT_EQ(reply_text(click(customer(), post["id"], approve)), "Only staff members can do that.");
    const auto approved = click(staff(), post["id"], approve);
    EXPECT_NE(approved.body.dump().find("the key goes to <@" + customer() + "> by DM"), std::string::npos) << approved.body.dump();

    ASSERT_TRUE(wait_for([&] {
        const json m = dms();
        return !m.empty() && m.back().dump().find("A license key for you") != std::string::npos;
    })) << dms().dump() << bot_->output();
    EXPECT_NE(dms().back().dump().find("AAAAA-BBBBB-CCCCC-DDDDD"), std::string::npos) << dms().dump();
    const auto stats = command(staff(), "keys stats");
    EXPECT_NE(stats.body.dump().find("1 available \xC2\xB7 0 reserved \xC2\xB7 1 used"), std::string::npos) << stats.body.dump();
}

}  // namespace

namespace {

class StatsEndToEndTest : public BotFixture {};

TEST_F(StatsEndToEndTest, StaffGetTheFiguresWithACairoChartAndTheOrdersAsCsv) {
    top_up("20.00");
    ASSERT_NE(reply_text(buy_through_menu(customer(), "1")).find("is paid"), std::string::npos);
    const auto summary = command(staff(), "stats summary", {{"days", 7}});
    ASSERT_EQ(summary.status, 200U) << summary.body.dump();
    const json& m = summary.body.value("deferred", false) ? summary.body["original"] : summary.body["response"]["data"];
    ASSERT_TRUE(m.contains("attachments") && m["attachments"].size() == 1) << summary.body.dump();
    EXPECT_EQ(m["attachments"][0]["filename"], "sales.png");
    EXPECT_GT(m["attachments"][0]["size"].get<int>(), 2000) << "a drawn chart, not an empty file";
    EXPECT_EQ(m["embeds"][0]["title"], "Sales, last 7 days");
    EXPECT_EQ(m["embeds"][0]["fields"][1]["value"], "1") << m.dump();

    const auto orders = command(staff(), "stats orders", {{"days", 7}});
    const json& o = orders.body.value("deferred", false) ? orders.body["original"] : orders.body["response"]["data"];
    ASSERT_TRUE(o.contains("attachments")) << orders.body.dump();
    EXPECT_EQ(o["attachments"][0]["filename"], "orders.csv");
    EXPECT_EQ(o.value("content", ""), "1 orders of the last 7 days (UTC), oldest first.");
}

}  // namespace

namespace {

class SetupEndToEndTest : public BotFixture {
protected:
    /// The id of the guild's channel named `name`, "" if none.
    std::string channel_id(const std::string& name) {
        const auto guild = control_->get("/_sandbox/guild");  // kept: a range-for over a temporary's member dangles
        for (const auto& c : guild.body["channels"]) {
            if (c.value("name", "") == name) return c["id"];
        }
        return "";
    }
    /// /setup run, then its "Set up the shop" button; returns the report embed.
    json set_up() {
        const auto preview = command(staff(), "setup run");
        const json& data = preview.body.value("deferred", false) ? preview.body["original"] : preview.body["response"]["data"];
        if (!data.contains("components") || data["components"].empty()) {
            ADD_FAILURE() << "no preview: " << preview.body.dump() << bot_->output();
            return {};
        }
        const auto done = click(staff(), preview.body["message_id"], data["components"][0]["components"][0]["custom_id"]);
        const json& m = done.body.value("deferred", false) ? done.body["original"] : done.body["response"]["data"];
        return m.contains("embeds") && !m["embeds"].empty() ? m["embeds"][0] : json();
    }
};

TEST_F(SetupEndToEndTest, AnEmptyShopIsSetUpUsedAtOnceAndRepairedAfterAChannelIsDeleted) {
    const json report = set_up();
    EXPECT_EQ(report.value("title", ""), "The shop is set up") << report.dump() << bot_->output();
    for (const char* name : {"storefront", "orders-log", "audit-log", "payments-log", "tickets-log", "errors-log", "transcripts", "support"}) {
        EXPECT_FALSE(channel_id(name).empty()) << name << "\n" << report.dump();
    }
    const auto panel = channel_history(channel_id("storefront"));
    ASSERT_EQ(panel.size(), 1U) << panel.dump();
    EXPECT_FALSE(channel_history(channel_id("support")).empty()) << "the ticket panel";

    // The new orders log is used at once, without a restart.
    top_up("20.00");
    ASSERT_NE(reply_text(buy_through_menu(customer(), "1")).find("is paid"), std::string::npos);
    ASSERT_TRUE(wait_for([&] { return !channel_history(channel_id("orders-log")).empty(); }))
        << "the purchase is posted to the channel /setup made\n" << bot_->output();

    // Someone deletes #audit-log; a second run makes it again and keeps the rest.
    const std::string storefront = channel_id("storefront");
    ASSERT_EQ(control_->post("/_sandbox/channels/" + channel_id("audit-log") + "/delete", json::object()).status, 200U);
    ASSERT_TRUE(channel_id("audit-log").empty());
    const json again = set_up();
    EXPECT_NE(again.value("description", "").find("#audit-log: re-created (it was deleted)"), std::string::npos) << again.dump();
    EXPECT_NE(again.value("description", "").find("#storefront: kept"), std::string::npos) << again.dump();
    EXPECT_FALSE(channel_id("audit-log").empty());
    EXPECT_EQ(channel_id("storefront"), storefront);
    EXPECT_EQ(channel_history(storefront).size(), 1U) << "the panel was refreshed, not posted twice";
}

TEST_F(SetupEndToEndTest, WithoutManageChannelsEachStepSaysWhatIsMissingAndARerunCompletesIt) {
    // The bot's role loses Manage Channels (1 << 4).
    const std::uint64_t without = (1ULL << 28) | (1ULL << 10) | (1ULL << 11) | (1ULL << 14) | (1ULL << 15) | (1ULL << 16);
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", std::to_string(without)}}).status, 200U);
    const json report = set_up();
    EXPECT_NE(report.value("title", "").find("step(s) failed"), std::string::npos) << report.dump();
    EXPECT_NE(report.value("description", "").find("#storefront: not created: the bot lacks **Manage Channels**"), std::string::npos)
        << report.dump();
    EXPECT_TRUE(channel_id("storefront").empty());
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", std::to_string(without | (1ULL << 4))}}).status, 200U);
    EXPECT_EQ(set_up().value("title", ""), "The shop is set up");
    EXPECT_FALSE(channel_id("storefront").empty());
}

}  // namespace

namespace {

// A config without staff_role_id and a tier without role_id: /setup run, by the server's owner
// (an administrator), makes the roles, and they work at once and after a restart.
class SetupRolesEndToEndTest : public SetupEndToEndTest {
protected:
    void SetUp() override {
        expected_commands_ = 26;  // /vip, for the manual tier
        SetupEndToEndTest::SetUp();
    }
    json extra_config() override {
        return {{"staff_role_id", nullptr}, {"tiers", json::array({{{"name", "Gold"}, {"mode", "manual"}, {"discount_bp", 500}}})}};
    }
    /// The id in "<what> <@&ID>: <outcome>" of the report, "" if the line is not there.
    static std::string role_in(const json& report, const std::string& what, const std::string& outcome) {
        const std::string text = report.value("description", "");
        const std::string head = what + " <@&";
        for (auto at = text.find(head); at != std::string::npos; at = text.find(head, at + 1)) {
            const auto id_end = text.find('>', at);
            if (id_end != std::string::npos && text.compare(id_end + 1, 2 + outcome.size(), ": " + outcome) == 0) {
                return text.substr(at + head.size(), id_end - at - head.size());
            }
        }
        return "";
    }
    json guild() { return control_->get("/_sandbox/guild").body; }
    bool holds(const std::string& user, const std::string& role) {
        const json g = guild();
        for (const auto& m : g["members"]) {
            if (m.value("user_id", "") != user) continue;
            for (const auto& r : m["roles"]) {
                if (r == role) return true;
            }
        }
        return false;
    }
    std::string role_named(const std::string& name) {
        const json g = guild();
        for (const auto& r : g["roles"]) {
            if (r.value("name", "") == name) return r["id"];
        }
        return "";
    }
    int position(const std::string& role) {
        const json g = guild();
        for (const auto& r : g["roles"]) {
            if (r.value("id", "") == role) return r.value("position", -1);
        }
        return -1;
    }
};

TEST_F(SetupRolesEndToEndTest, TheRolesAreMadeBelowTheBotUsedAtOnceRemadeAfterADeletionAndKeptOverARestart) {
    EXPECT_NE(reply_text(command(staff(), "stock check", {{"product", "Indie"}})).find("Only staff"), std::string::npos)
        << "no staff role yet";
    // The sandbox's own "Customer" role would be used (same name): the owner deletes it first.
    ASSERT_EQ(control_->post("/_sandbox/roles/" + role_named("Customer") + "/delete", json::object()).status, 200U);
    const json report = set_up();
    ASSERT_EQ(report.value("title", ""), "The shop is set up") << report.dump() << bot_->output();
    const std::string staff_role = role_in(report, "staff role", "created and given to you");
    const std::string customer_role = role_in(report, "customer role", "created");
    const std::string gold = role_in(report, "VIP tier Gold role", "created");
    ASSERT_TRUE(!staff_role.empty() && !customer_role.empty() && !gold.empty()) << report.dump();
    EXPECT_TRUE(holds(staff(), staff_role));
    int bot_position = -1;  // the bot's own (managed) role
    const json roles = guild()["roles"];
    for (const auto& r : roles) {
        if (r.value("managed", false)) bot_position = r.value("position", -1);
    }
    for (const auto& role : {staff_role, customer_role, gold}) {
        EXPECT_GT(position(role), 0);
        EXPECT_LT(position(role), bot_position) << "below the bot's role, so the bot can grant it";
    }

    // Used at once: the owner is staff, the tier is given by hand, a first purchase gives Customer.
    const auto given = command(staff(), "vip assign", {{"user", customer()}, {"tier", "Gold"}});
    EXPECT_NE(reply_text(given).find("now holds **Gold**"), std::string::npos) << given.body.dump() << bot_->output();
    ASSERT_TRUE(wait_for([&] { return holds(customer(), gold); })) << bot_->output();
    top_up("20.00");
    ASSERT_NE(reply_text(buy_through_menu(customer(), "1")).find("is paid"), std::string::npos);
    ASSERT_TRUE(wait_for([&] { return holds(customer(), customer_role); })) << bot_->output();

    // The owner deletes the staff role: staff commands stop, a re-run makes it again.
    ASSERT_EQ(control_->post("/_sandbox/roles/" + staff_role + "/delete", json::object()).status, 200U);
    EXPECT_NE(reply_text(command(staff(), "stock check", {{"product", "Indie"}})).find("Only staff"), std::string::npos);
    const json again = set_up();
    const std::string remade = role_in(again, "staff role", "re-created (it was deleted) and given to you");
    ASSERT_FALSE(remade.empty()) << again.dump();
    EXPECT_NE(remade, staff_role);
    EXPECT_FALSE(role_in(again, "VIP tier Gold role", "kept").empty()) << again.dump();
    EXPECT_EQ(reply_text(command(staff(), "stock check", {{"product", "Indie"}})).find("Only staff"), std::string::npos);

    // A restart takes the recorded roles back into use.
    ASSERT_EQ(bot_->stop(SIGTERM, 10s), 0);
    launch_bot();
    const auto after = command(staff(), "vip remove", {{"user", customer()}, {"tier", "Gold"}});
    EXPECT_NE(reply_text(after).find("no longer holds **Gold**"), std::string::npos) << after.body.dump();
    ASSERT_TRUE(wait_for([&] { return !holds(customer(), gold); })) << bot_->output();
}

TEST_F(SetupRolesEndToEndTest, WithoutManageRolesEachRoleSaysSoAndARerunAfterTheFixMakesThem) {
    // Every right the shop needs but Manage Roles (1 << 28).
    const std::uint64_t without = (1ULL << 4) | (1ULL << 10) | (1ULL << 11) | (1ULL << 14) | (1ULL << 15) | (1ULL << 16);
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", std::to_string(without)}}).status, 200U);
    const json report = set_up();
    const std::string text = report.value("description", "");
    for (const char* line : {"staff role: not created: the bot lacks **Manage Roles**", "VIP tier Gold role: not created: the bot lacks **Manage Roles**",
                             "#storefront: created"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << report.dump();
    }
    // The server already has a role named Customer: it is used, nothing to create.
    EXPECT_EQ(role_in(report, "customer role", "the server's role of that name is used"), role_named("Customer")) << report.dump();
    EXPECT_NE(report.value("title", "").find("2 step(s) failed"), std::string::npos) << report.dump();
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", std::to_string(without | (1ULL << 28))}}).status, 200U);
    const json fixed = set_up();
    EXPECT_EQ(fixed.value("title", ""), "The shop is set up") << fixed.dump();
    EXPECT_FALSE(role_in(fixed, "staff role", "created and given to you").empty()) << fixed.dump();
    EXPECT_NE(fixed.value("description", "").find("#storefront: kept"), std::string::npos);
}

}  // namespace
