// apexbot as a daemon (issue 14 §3, §4): SIGHUP reloads the products file and refuses a broken
// config without stopping; SIGTERM ends the process promptly with exit code 0; the token may come
// from a systemd credential; a certificate the bot cannot trust is named in the log with the
// setting that decides it, and no library source path is logged.
#include "bot_fixture.hpp"

#include <algorithm>
#include <csignal>
#include <sstream>

namespace {

using apexcore::test_support::BotFixture;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

class DaemonTest : public BotFixture {
protected:
    std::size_t occurrences(const std::string& needle) const {
        const auto out = bot_->output();
        std::size_t n = 0;
        for (auto at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) ++n;
        return n;
    }
};

TEST_F(DaemonTest, SighupAddsNewProductsAndABrokenConfigChangesNothing) {
    ASSERT_TRUE(wait_for([&] { return occurrences("catalog: 5 added, 0 already there") == 1; })) << bot_->output();
    add_product_to_file([](json& config) {
        config["guild_id"] = "42";  // needs a restart: applied then, and the log says so
    });

    bot_->send(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return occurrences("reload: done") == 1; })) << bot_->output();
    EXPECT_EQ(occurrences("catalog: added \"Editor Pro - 1 year\""), 1U) << bot_->output();
    EXPECT_EQ(occurrences("catalog: 1 added, 5 already there"), 1U) << bot_->output();
    EXPECT_EQ(occurrences("take effect at the next restart: guild_id"), 1U) << bot_->output();

    std::ofstream(dir_ / "config.json", std::ios::trunc) << R"({"guild_id": "not a snowflake"})";
    bot_->send(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return occurrences("reload: config error, nothing changed") == 1; })) << bot_->output();
    EXPECT_NE(bot_->output().find("guild_id"), std::string::npos);
    // Still running and answering, on the configuration it started with.
    EXPECT_FALSE(bot_->wait(std::chrono::milliseconds(0)).has_value());
    const auto reply = command(customer(), "balance");
    EXPECT_EQ(reply.status, 200U) << reply.body.dump();
    EXPECT_NE(reply_text(reply).find("$0.00"), std::string::npos) << reply.body.dump();
}

TEST_F(DaemonTest, SigtermEndsTheProcessWithCodeZeroOnceTheGatewayIsClosed) {
    const auto code = bot_->stop(SIGTERM, 10s);
    ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM\n" << bot_->output();
    EXPECT_EQ(*code, 0) << bot_->output();
    EXPECT_EQ(occurrences("gateway: closing with 1000"), 1U) << bot_->output();
    EXPECT_EQ(occurrences("apexbot: stopped"), 1U) << bot_->output();
    // Nothing was left open, so the 2 s drain watchdog did not have to stop anything.
    EXPECT_EQ(occurrences("still open after 2 s"), 0U) << bot_->output();
}

class CredentialTokenTest : public DaemonTest {
protected:
    CredentialTokenTest() {
        const auto dir = fs::temp_directory_path() / ("apexcore-credentials-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "discord_token") << token_ << "\n";  // as systemd's LoadCredential= leaves it
        credentials_ = dir;
        bot_env_ = {"DISCORD_TOKEN=", "CREDENTIALS_DIRECTORY=" + dir.string()};
    }
    ~CredentialTokenTest() override { fs::remove_all(credentials_); }
    fs::path credentials_;
};

TEST_F(CredentialTokenTest, TheTokenComesFromTheSystemdCredentialWhenTheEnvironmentHasNone) {
    // SetUp waited for the bot to connect and register its commands, which needs the right token.
    const auto reply = command(customer(), "balance");
    EXPECT_EQ(reply.status, 200U) << reply.body.dump();
    EXPECT_EQ(bot_->output().find(token_), std::string::npos) << "the token was logged";
}

class UntrustedCertificateTest : public DaemonTest {
protected:
    UntrustedCertificateTest() {
        // The system's trust store does not vouch for the sandbox's self-signed certificate.
        discord_config_ = {{"ca_file", "/etc/ssl/certs/ca-certificates.crt"}};
        wait_for_bot_ = false;
    }
};

TEST_F(UntrustedCertificateTest, TheLogNamesTheCertificateProblemAndTheCaFile) {
    ASSERT_TRUE(fs::exists("/etc/ssl/certs/ca-certificates.crt")) << "install ca-certificates";
    ASSERT_TRUE(wait_for([&] { return occurrences("the server's certificate was refused") >= 1; })) << bot_->output();
    const auto out = bot_->output();
    EXPECT_NE(out.find("(self-signed certificate); discord.ca_file (/etc/ssl/certs/ca-certificates.crt) must hold"),
              std::string::npos)
        << out;
    // Retried with back-off, but the reason is said once, not at every attempt.
    ASSERT_TRUE(wait_for([&] { return occurrences("GET /gateway/bot failed") >= 2; })) << out;
    EXPECT_EQ(occurrences("the server's certificate was refused"), 1U) << bot_->output();
    EXPECT_EQ(bot_->output().find("/usr/include"), std::string::npos) << "a library source path was logged";
    EXPECT_EQ(bot_->output().find(token_), std::string::npos) << "the token was logged";
}

}  // namespace

namespace {

// Health and metrics (issue 14 §1) and JSON logs (§2), on a real run through the sandbox.
class MonitoringTest : public DaemonTest {
protected:
    MonitoringTest() { bot_env_ = {"APEXBOT_INJECT_FAULTS=runtime.handler:3"}; }
    json extra_config() override {
        return {{"monitoring", {{"listen", "127.0.0.1:0"}}}, {"log", {{"format", "json"}, {"level", "info"}}}};
    }
    /// The JSON log lines so far, each parsed (a line that is not JSON fails the test).
    std::vector<json> log_lines() const {
        std::vector<json> lines;
        std::istringstream in(bot_->output());
        for (std::string line; std::getline(in, line);) {
            auto parsed = json::parse(line, nullptr, false);
            EXPECT_FALSE(parsed.is_discarded()) << "not a JSON line: " << line;
            if (!parsed.is_discarded()) lines.push_back(std::move(parsed));
        }
        return lines;
    }
    apexcore::test_support::control_client monitoring() {
        std::string url;
        for (const auto& line : log_lines()) {
            const std::string message = line.value("message", "");
            if (line.value("component", "") == "monitoring" && message.starts_with("serving /healthz and /metrics on ")) {
                url = message.substr(std::string("serving /healthz and /metrics on ").size());
            }
        }
        EXPECT_FALSE(url.empty()) << bot_->output();
        return apexcore::test_support::control_client(url);
    }
};

TEST_F(MonitoringTest, HealthzMetricsAndJsonLinesFromARealRun) {
    auto monitor = monitoring();
    const auto healthy = monitor.get("/healthz");
    EXPECT_EQ(healthy.status, 200U) << healthy.text;
    EXPECT_EQ(healthy.content_type, "application/json");
    EXPECT_EQ(healthy.body["status"], "ok") << healthy.text;
    EXPECT_EQ(healthy.body["gateway"]["shards_ready"], 1) << healthy.text;
    EXPECT_EQ(healthy.body["database"]["reachable"], true) << healthy.text;

    // A top-up (preview and Confirm) and a purchase; the third interaction's handler throws
    // (injected), so the log has a line about that interaction with its id.
    ASSERT_EQ(top_up("20.00").status, 200U);
    const auto failed = command(customer(), "balance");
    ASSERT_EQ(failed.status, 200U);
    const auto bought = buy_through_menu(customer(), "1");
    ASSERT_EQ(bought.status, 200U) << bought.body.dump();

    const auto metrics = monitor.get("/metrics");
    EXPECT_EQ(metrics.status, 200U);
    EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
    for (const char* expected : {"# TYPE apexcore_interactions_total counter\n", "apexcore_interactions_total{kind=\"command\"} ",
                                 "apexcore_interactions_total{kind=\"component\"} ",
                                 "apexcore_purchases_total{outcome=\"ok\",reason=\"none\"} 1\n",
                                 "apexcore_interaction_handler_seconds_bucket{kind=\"command\",le=\"+Inf\"} ",
                                 "apexcore_interaction_response_seconds_count{kind=\"component\"} ",
                                 "apexcore_rest_requests_total{method=\"POST\",status=\"2xx\"} ",
                                 "apexcore_gateway_connects_total{cause=\"start\"} 1\n", "apexcore_gateway_shards_ready 1\n",
                                 "# TYPE apexcore_store_commit_seconds histogram\n"}) {
        EXPECT_NE(metrics.text.find(expected), std::string::npos) << expected << "\n" << metrics.text;
    }
    EXPECT_EQ(monitor.get("/nothing").status, 404U);

    const auto lines = log_lines();
    bool about_interaction = false;
    for (const auto& line : lines) {
        for (const char* key : {"ts", "level", "component", "message"}) EXPECT_TRUE(line.contains(key)) << line.dump();
        if (line.value("component", "") == "interactions" && line.value("level", "") == "error" && line.contains("interaction") &&
            line["message"].get<std::string>().find("the handler threw") != std::string::npos) {
            about_interaction = line["message"].get<std::string>().find(line["interaction"].get<std::string>()) != std::string::npos;
        }
    }
    EXPECT_TRUE(about_interaction) << bot_->output();
    // The purchase: one line in "orders" with the order reference and the interaction.
    const auto paid = std::find_if(lines.begin(), lines.end(), [](const json& line) {
        return line.value("component", "") == "orders" && line.contains("order") && line.contains("interaction");
    });
    ASSERT_NE(paid, lines.end()) << bot_->output();
    EXPECT_NE((*paid)["message"].get<std::string>().find("order " + (*paid)["order"].get<std::string>() + " paid: "),
              std::string::npos)
        << paid->dump();
    EXPECT_NE(std::find_if(lines.begin(), lines.end(),
                           [](const json& line) {
                               return line.value("component", "") == "wallet" &&
                                      line["message"].get<std::string>().find(" credited $20.00 to member ") != std::string::npos;
                           }),
              lines.end())
        << bot_->output();
    EXPECT_EQ(bot_->output().find(token_), std::string::npos) << "the token was logged";

    // Discord gone: the shard loses its session and /healthz says so with 503.
    sandbox_->stop(SIGKILL, 5s);
    ASSERT_TRUE(wait_for([&] { return monitor.get("/healthz").status == 503U; })) << bot_->output();
    const auto down = monitor.get("/healthz");
    EXPECT_EQ(down.body["status"], "unavailable") << down.text;
    EXPECT_EQ(down.body["problems"][0], "0 of 1 gateway shards have a live session") << down.text;
}

TEST(ApexbotCliTest, LogMonitoringAndNotificationSettingsAreCheckedAndNamed) {
    const fs::path path = fs::temp_directory_path() / ("apexbot-ops-config-" + std::to_string(::getpid()) + ".json");
    const std::pair<const char*, const char*> bad[] = {
        {R"("log": {"level": "verbose"})", "log.level': expected \"debug\", \"info\", \"warning\" or \"error\""},
        {R"("log": {"format": "xml"})", "log.format': expected \"text\" or \"json\""},
        {R"("log": {"colour": true})", "log.colour': unknown key"},
        {R"("monitoring": {"listen": "9464"})", "monitoring.listen': expected \"address:port\""},
        {R"("monitoring": {})", "monitoring.listen'"},
        {R"("log_channels": {"sales": "123"})", "log_channels.sales': unknown log channel (known: orders, payments, audit, tickets, errors)"},
        {R"("log_channels": {"orders": 123})", "log_channels.orders': expected a string"},
        {R"("log_channels": {"orders": "0"})", "log_channels.orders': expected a Discord channel id"},
        {R"("log_channels": ["123"])", "log_channels': expected an object"},
        {R"("notifications": {"direct_messages": "yes"})", "notifications.direct_messages': expected true or false"},
        {R"("notifications": {"max_pending": 0})", "notifications.max_pending': expected an integer from 1 to 10000000"},
        {R"("notifications": {"max_pending": 1.5})", "notifications.max_pending': expected an integer"},
        {R"("notifications": {"dm": true})", "notifications.dm': unknown key (known: direct_messages, max_pending)"},
        {R"("cooldowns": {"purchases": {"max": 0, "per_minutes": 60}})", "cooldowns.purchases.max': expected 1 to 1000"},
        {R"("cooldowns": {"purchases": {"max": 3}})", "cooldowns.purchases.per_minutes': is required"},
        {R"("cooldowns": {"withdrawals": {"max": 3, "per_minutes": 5}})", "cooldowns.withdrawals': unknown key (known: purchases, refund_requests, deposits)"},
        {R"("refunds": {"fee_percent": 101})", "refunds.fee_percent': expected a percentage from 0 to 100"},
        {R"("payments": {"methods": [{"name": "PayPal"}]})", "payments.methods[0].instructions': is required"},
        {R"("payments": {"methods": [{"name": "Pay/Pal", "instructions": "x"}]})", "payments.methods[0].name: 1 to 32 of A-Z"},
        {R"("payments": {"session_ttl_minutes": 0})", "payments.session_ttl_minutes': expected minutes from 1 to 10080"},
        {R"("tiers": [{"name": "Gold", "role_id": "5", "mode": "spend"}])", "tiers[0].spend_threshold': a \"spend\" tier needs"},
        {R"("tiers": [{"name": "Gold", "role_id": "5", "mode": "always"}])", "tiers[0].mode': expected \"spend\""},
        {R"("messages": {"de": {"storefront.thank_you": "Danke! **{referenz}**"}})",
         "messages.de.storefront.thank_you': {referenz} is not a placeholder of this text (it has: {reference})"},
        {R"("messages": {"de": {"storefront.thanks": "Danke"}})", "messages.de.storefront.thanks': no text has this key"},
        {R"("messages": {"german": {"wallet.balance": "x"}})", "messages.german': expected \"default\" or a Discord locale"},
        {R"("messages": {"de": {"wallet.balance": 5}})", "messages.de.wallet.balance': expected a string"},
        {R"("keys": {"pattern": "(AB"})", "keys.pattern': not a key pattern: "},
        {R"("keys": {"format": "x"})", "keys.format': unknown key (known: pattern)"},
        {R"("backups": {"keep": 0})", "backups.keep': expected a count from 1 to 365"},
        {R"("backups": {"every_hours": 1000})", "backups.every_hours': expected hours from 1 to 720"},
        {R"("backups": {"enabled": "yes"})", "backups.enabled': expected true or false"},
        {R"("backups": {"dir": "x"})", "backups.dir': unknown key (known: enabled, directory, every_hours, keep)"},
        {R"("database": "postgresql://shop@db/shop", "backups": {"enabled": true})",
         "backups.enabled': apexbot backs up a SQLite database file; back a PostgreSQL shop up with pg_dump"},
        {R"("tiers": [{"name": "Gold", "mode": "manual"}, {"name": "Gold", "mode": "manual"}])",
         "tiers[1].name: 'Gold' is used by tiers[0] too"},
        {R"("discord": {"api_base": "ftp://proxy/api/v10"})", "discord.api_base': expected an https:// URL (Discord), or http:// for apexcore-rest-proxy"},
    };
    for (const auto& [section, expected] : bad) {
        std::ofstream(path, std::ios::trunc) << R"({"guild_id": "1", "staff_role_id": "2", )" << section << "}";
        const auto [code, out] = apexcore::test_support::run_to_completion(
            APEXBOT_PATH, {"--config", path.string(), "--check-config"}, "/tmp/apexbot-ops-config.log");
        EXPECT_EQ(code, 2) << section << "\n" << out;
        EXPECT_NE(out.find(expected), std::string::npos) << section << "\n" << out;
    }
    std::ofstream(path, std::ios::trunc)
        << R"({"guild_id": "1", "staff_role_id": "2", "log_channels": {"payments": "502", "orders": "501"},
               "notifications": {"direct_messages": false, "max_pending": 1000}})";
    const auto [code, out] = apexcore::test_support::run_to_completion(
        APEXBOT_PATH, {"--config", path.string(), "--check-config"}, "/tmp/apexbot-ops-config.log");
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("log_channels:   orders -> 501, payments -> 502"), std::string::npos) << out;
    EXPECT_NE(out.find("notifications:  DMs off, at most 1000 waiting"), std::string::npos) << out;
    EXPECT_NE(out.find("backups:        every 24 h into " + (path.parent_path() / "backups").string() + ", the newest 7 kept"),
              std::string::npos)
        << out;
    fs::remove(path);
}

TEST(ApexbotConfig, APostgresqlDatabaseIsAcceptedWithItsPasswordHiddenAndTheSqliteBackupsOff) {
    const fs::path path = fs::temp_directory_path() / ("apexbot-pg-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path, std::ios::trunc)
        << R"({"guild_id": "1", "staff_role_id": "2", "database": "postgresql://shop:hunter2@db.internal/shop?password=hunter3"})";
    const auto [code, out] = apexcore::test_support::run_to_completion(
        APEXBOT_PATH, {"--config", path.string(), "--check-config"}, "/tmp/apexbot-pg-config.log");
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("database:       postgresql://shop:***@db.internal/shop?password=***"), std::string::npos) << out;
    EXPECT_EQ(out.find("hunter"), std::string::npos) << out;
    EXPECT_NE(out.find("backups:        off"), std::string::npos) << out;
    fs::remove(path);
}

TEST(ApexbotConfig, AProductsFileKeyThatIsMistypedOrOutOfRangeIsNamed) {
    const fs::path dir = fs::temp_directory_path() / ("apexbot-products-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::vector<std::pair<std::string, std::string>> bad{
        {R"("stok": 5)", "key '[0].stok': unknown key (known: main_category"},
        {R"("stock": -1)", "key '[0].stock': expected a whole number of units"},
        {R"("stock": 2.5)", "key '[0].stock': expected a whole number of units"},
        {R"("warranty_days": 0)", "key '[0].warranty_days': expected 1 to 3650 days"},
        {R"("description": 7)", "key '[0].description': expected a string"},
    };
    const std::string product = R"({"main_category": "A", "sub_category": "B", "service_name": "C", "variant_name": "D", "price": "1.00", )";
    std::ofstream(dir / "config.json") << R"({"guild_id": "1", "staff_role_id": "2", "products_file": "products.json"})";
    for (const auto& [key, expected] : bad) {
        std::ofstream(dir / "products.json", std::ios::trunc) << "[" << product << key << "}]";
        const auto [code, out] = apexcore::test_support::run_to_completion(
            APEXBOT_PATH, {"--config", (dir / "config.json").string(), "--check-config"}, (dir / "out.log").string());
        EXPECT_EQ(code, 2) << key << "\n" << out;
        EXPECT_NE(out.find(expected), std::string::npos) << key << "\n" << out;
    }
    std::ofstream(dir / "products.json", std::ios::trunc)
        << "[" << product << R"("stock": 3, "warranty_days": 30, "description": "Fast delivery"}])";
    const auto [code, out] = apexcore::test_support::run_to_completion(
        APEXBOT_PATH, {"--config", (dir / "config.json").string(), "--check-config"}, (dir / "out.log").string());
    EXPECT_EQ(code, 0) << out;
    fs::remove_all(dir);
}

}  // namespace

namespace {

class ReloadTest : public apexcore::test_support::BotFixture {};

// Issue 12 §7: what is safe to change while the bot runs is applied on SIGHUP — the owner's texts.
TEST_F(ReloadTest, ChangedMessagesApplyOnSighupWithoutARestart) {
    expect_balance("$0.00");
    auto config = nlohmann::json::parse(std::ifstream(dir_ / "config.json"));
    config["messages"] = {{"default", {{"wallet.balance", "Balance: {balance}."}}}};
    std::ofstream(dir_ / "config.json", std::ios::trunc) << config.dump(2);
    bot_->send(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return bot_->output().find("messages: the owner's texts are in use now") != std::string::npos; }))
        << bot_->output();
    EXPECT_EQ(bot_->output().find("take effect at the next restart: messages"), std::string::npos) << bot_->output();
    const auto r = command(customer(), "balance");
    EXPECT_EQ(reply_text(r), "Balance: $0.00.") << r.body.dump();
}

}  // namespace
