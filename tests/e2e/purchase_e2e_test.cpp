// End to end: the real apexcore-sandbox and the real apexbot as processes on loopback. A staff
// member runs /addbalance, a customer runs /buy -> picks a product -> clicks "Buy with wallet" -> "Confirm";
// then the bot's database is checked: order, ledger rows, balance, reconcile().
#include "bot_fixture.hpp"

#include <apexcore/bot/messages.hpp>

#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <sstream>

#include <filesystem>
#include <fstream>

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

class PurchaseEndToEndTest : public apexcore::test_support::BotFixture {};

TEST_F(PurchaseEndToEndTest, StaffTopUpThenWalletPurchase) {
    // /addbalance by a non-staff member is refused and moves nothing.
    const auto refused = command(customer(), "addbalance", {{"user", customer()}, {"amount", "25.00"}});
    ASSERT_EQ(refused.status, 200U) << refused.body.dump();
    EXPECT_EQ(refused.body["response"]["data"]["content"], "Only staff members can do that.");

    // Staff see a preview first (nothing moves), then confirm it once.
    const auto preview = command(staff(), "addbalance", {{"user", customer()}, {"amount", "25.00"}, {"reason", "e2e"}});
    ASSERT_EQ(preview.status, 200U) << preview.body.dump();
    EXPECT_EQ(preview.body["response"]["type"], 4);
    EXPECT_EQ(preview.body["response"]["data"]["flags"], 64);
    EXPECT_EQ(preview.body["response"]["data"]["embeds"][0]["title"], "Add $25.00 to a wallet?");
    expect_balance("$0.00");
    const std::string confirm = preview.body["response"]["data"]["components"][0]["components"][0]["custom_id"];
    const auto topup = click(staff(), preview.body["message_id"], confirm);
    ASSERT_EQ(topup.status, 200U) << topup.body.dump();
    EXPECT_EQ(topup.body["response"]["type"], 7);
    EXPECT_EQ(reply_text(topup), "Added **$25.00** to <@" + customer() + ">'s wallet. New balance: **$25.00**.");

    const auto menu = command(customer(), "buy");
    ASSERT_EQ(menu.status, 200U) << menu.body.dump();
    const json select = menu.body["response"]["data"]["components"][0]["components"][0];
    ASSERT_EQ(select["type"], 3);
    std::string product_value;
    for (const auto& option : select["options"]) {
        if (option["label"] == "Indie Bundle Key - Standard") product_value = option["value"];
    }
    ASSERT_FALSE(product_value.empty()) << select.dump();
    const std::string message_id = menu.body["message_id"];

    const auto card = control_->post("/_sandbox/components", {{"user_id", customer()},
                                                              {"message_id", message_id},
                                                              {"custom_id", select["custom_id"]},
                                                              {"values", {product_value}}});
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    EXPECT_EQ(card.body["response"]["type"], 7);
    const json button = card.body["response"]["data"]["components"][0]["components"][0];
    EXPECT_EQ(button["label"], "Buy with wallet");

    // Buy shows the final confirmation with the exact price; Confirm buys.
    const auto bought = confirm_purchase(customer(), message_id, button["custom_id"]);
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();
    // The ephemeral card becomes the receipt (UPDATE_MESSAGE), its button disabled.
    EXPECT_EQ(bought.body["response"]["type"], 7);
    const std::string paid = bought.body["response"]["data"]["content"];
    EXPECT_TRUE(paid.starts_with("Thank you! Order **AC-") && paid.ends_with("** is paid.")) << paid;
    const json after = bought.body["response"]["data"]["components"][0]["components"][0];
    EXPECT_EQ(after["label"], "Bought");
    EXPECT_EQ(after["disabled"], true);

    const auto balance = command(customer(), "balance");
    EXPECT_EQ(balance.body["response"]["data"]["content"], "Your wallet balance is **$13.00**.");

    // Graceful shutdown on SIGTERM, then check what reached the database.
    ASSERT_EQ(bot_->stop(SIGTERM, 10s), 0) << bot_->output();
    apexcore::sqlite::sqlite_store store({.path = (dir_ / "shop.db").string()});
    const apexcore::core::user_id customer_id{std::stoull(customer())};
    const apexcore::core::user_id staff_id{std::stoull(staff())};
    std::vector<apexcore::core::ledger_entry> ledger;
    std::vector<apexcore::core::order> orders;
    store.read([&](apexcore::ports::unit_of_work& uow) {
        ledger = uow.wallet().history(customer_id, 10, std::nullopt);
        orders = uow.orders().list_for(customer_id, 10);
    });
    ASSERT_EQ(orders.size(), 1U);
    EXPECT_EQ(orders[0].id.value, 1);
    EXPECT_EQ(orders[0].status, apexcore::core::order_status::paid);
    EXPECT_EQ(orders[0].price_paid, apexcore::core::money::usd_cents(1200));
    ASSERT_EQ(ledger.size(), 2U);
    EXPECT_EQ(ledger[0].type, apexcore::core::ledger_entry_type::purchase);
    EXPECT_EQ(ledger[0].amount, apexcore::core::money::usd_cents(-1200));
    EXPECT_EQ(ledger[0].balance_after, apexcore::core::money::usd_cents(1300));
    EXPECT_EQ(ledger[0].order, orders[0].id);
    EXPECT_EQ(ledger[1].type, apexcore::core::ledger_entry_type::staff_credit);
    EXPECT_EQ(ledger[1].amount, apexcore::core::money::usd_cents(2500));
    EXPECT_EQ(ledger[1].staff, staff_id);
    EXPECT_EQ(ledger[1].description, "e2e");
    apexcore::services::wallet_service wallet(store, apexcore::services::shop_config{});
    EXPECT_EQ(wallet.balance(customer_id), apexcore::core::money::usd_cents(1300));
    const auto report = store.reconcile();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.users_checked, 1U);
}

TEST_F(PurchaseEndToEndTest, ClickingAComponentThatIsNotOnTheMessageIsImpossible) {
    const auto menu = command(customer(), "buy");
    ASSERT_EQ(menu.status, 200U);
    const auto forged = control_->post("/_sandbox/components", {{"user_id", customer()},
                                                                {"message_id", menu.body["message_id"]},
                                                                {"custom_id", "ac1:b:1:1"}});
    EXPECT_EQ(forged.status, 404U);
}

// The CLI contracts: --help describes every flag, config errors name the file and key.
// The products file is reconciled on every start (issue 14 §4): a product added to the file later
// reaches the catalog on the next start, and nothing is added twice.
TEST_F(PurchaseEndToEndTest, AProductAddedToTheFileLaterIsAddedOnTheNextStart) {
    ASSERT_TRUE(wait_for([&] { return bot_->output().find("catalog: 5 added, 0 already there") != std::string::npos; }))
        << bot_->output();
    bot_.reset();  // killed; the database keeps what was committed
    add_product_to_file();
    bot_ = std::make_unique<apexcore::test_support::child_process>(
        APEXBOT_PATH, std::vector<std::string>{"--config", (dir_ / "config.json").string()}, (dir_ / "bot2.log").string(),
        std::vector<std::string>{"DISCORD_TOKEN=" + token_});
    ASSERT_TRUE(wait_for([&] { return bot_->output().find("catalog: 1 added, 5 already there") != std::string::npos; }))
        << bot_->output();
    EXPECT_NE(bot_->output().find("catalog: added \"Editor Pro - 1 year\""), std::string::npos) << bot_->output();
}

TEST(ApexbotCliTest, ListMessagesPrintsEveryKeyOnOneLineWithItsEnglish) {
    const auto [code, out] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--list-messages"}, "/tmp/apexbot-messages.log");
    EXPECT_EQ(code, 0);
    std::istringstream lines(out);
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) {
        ++count;
        EXPECT_NE(line.find('\t'), std::string::npos) << "key<TAB>text on every line: " << line;
    }
    EXPECT_EQ(count, apexcore::bot::message_defaults().size());
    EXPECT_NE(out.find("storefront.thank_you\tThank you! Order **{reference}** is paid.\n"), std::string::npos);
    EXPECT_NE(out.find("was closed.\\nRate the help"), std::string::npos) << "a line break is printed as \\n";
}

TEST(ApexbotCliTest, HelpDescribesEveryFlag) {
    const auto [code, out] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--help"}, "/tmp/apexbot-help.log");
    EXPECT_EQ(code, 0);
    for (const char* flag : {"--config", "--check-config", "--list-messages", "--help", "--version", "DISCORD_TOKEN"}) {
        EXPECT_NE(out.find(flag), std::string::npos) << flag << "\n" << out;
    }
    const auto [scode, sout] = apexcore::test_support::run_to_completion(APEXCORE_SANDBOX_PATH, {"--help"}, "/tmp/sandbox-help.log");
    EXPECT_EQ(scode, 0);
    for (const char* flag : {"--port", "--control-port", "--token", "--state-dir", "--heartbeat-interval-ms", "--help"}) {
        EXPECT_NE(sout.find(flag), std::string::npos) << flag << "\n" << sout;
    }
}

TEST(ApexbotCliTest, TicketTypesAreChangedAddedOrSwitchedOffAndBadOnesNamed) {
    const fs::path path = fs::temp_directory_path() / ("apexbot-tickets-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"guild_id": "1", "staff_role_id": "2", "tickets": {
        "transcript_channel_id": "77", "max_open_per_member": 2,
        "types": [{"key": "order", "category_id": "55", "warn_after_hours": 24, "close_after_hours": 25},
                  {"key": "billing", "enabled": false},
                  {"key": "partners", "label": "Partnership", "questions": [{"label": "Your brand"}]}]}})";
    const auto [code, out] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--config", path.string(), "--check-config"},
                                                                  "/tmp/apexbot-tickets-config.log");
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("at most 2 open per member"), std::string::npos) << out;
    EXPECT_NE(out.find("posted to 77"), std::string::npos) << out;
    EXPECT_NE(out.find("order (Order): 2 question(s), category 55, warn after 24 h, close after 25 h"), std::string::npos) << out;
    EXPECT_NE(out.find("partners (Partnership): 1 question(s)"), std::string::npos) << out;
    EXPECT_EQ(out.find("billing ("), std::string::npos) << "switched off\n" << out;

    const std::pair<const char*, const char*> bad[] = {
        {R"({"key": "support", "close_after_hours": 10})", "tickets.types[0]': warn_after at least 1 hour, close_after after"},
        {R"({"key": "new-one"})", "tickets.types[0].label': a new ticket type needs a label"},
        {R"({"key": "Bad Key", "label": "x"})", "tickets.types[0].key'"},
        {R"({"key": "support", "questions": [{"required": true}]})", "tickets.types[0].questions[0].label': is required"},
        {R"({"key": "support", "cooldown_minutes": -1})", "tickets.types[0].cooldown_minutes'"},
        {R"({"key": "support", "colour": "red"})", "tickets.types[0].colour': unknown key"},
    };
    for (const auto& [type, expected] : bad) {
        std::ofstream(path, std::ios::trunc) << R"({"guild_id": "1", "staff_role_id": "2", "tickets": {"types": [)" << type << "]}}";
        const auto [bad_code, bad_out] = apexcore::test_support::run_to_completion(
            APEXBOT_PATH, {"--config", path.string(), "--check-config"}, "/tmp/apexbot-tickets-config.log");
        EXPECT_EQ(bad_code, 2) << type << "\n" << bad_out;
        EXPECT_NE(bad_out.find(expected), std::string::npos) << type << "\n" << bad_out;
    }
    fs::remove(path);
}

TEST(ApexbotCliTest, ConfigErrorsNameTheFileAndKey) {
    const fs::path path = fs::temp_directory_path() / ("apexbot-bad-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"guild_id": 123, "staff_role_id": "1"})";
    const auto [code, out] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--config", path.string(), "--check-config"},
                                                                  "/tmp/apexbot-bad-config.log");
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find(path.string()), std::string::npos) << out;
    EXPECT_NE(out.find("'guild_id'"), std::string::npos) << out;

    std::ofstream(path, std::ios::trunc) << R"({"guild_id": "1", "staff_role_id": "2", "token": "secret"})";
    const auto [code2, out2] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--config", path.string(), "--check-config"},
                                                                    "/tmp/apexbot-bad-config.log");
    EXPECT_EQ(code2, 2);
    EXPECT_NE(out2.find("DISCORD_TOKEN"), std::string::npos) << out2;

    std::ofstream(path, std::ios::trunc) << R"({"guild_id": "1", "staff_role_id": "2"})";
    const auto [code3, out3] = apexcore::test_support::run_to_completion(APEXBOT_PATH, {"--config", path.string(), "--check-config"},
                                                                    "/tmp/apexbot-bad-config.log");
    EXPECT_EQ(code3, 0) << out3;
    fs::remove(path);
}

}  // namespace
