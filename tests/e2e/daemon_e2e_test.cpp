// apexbot as a daemon (issue 14 §3, §4): SIGHUP reloads the products file and refuses a broken
// config without stopping; SIGTERM ends the process promptly with exit code 0; the token may come
// from a systemd credential; a certificate the bot cannot trust is named in the log with the
// setting that decides it, and no library source path is logged.
#include "bot_fixture.hpp"

#include <csignal>

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
    std::ifstream in(APEXCORE_PRODUCTS_FILE);
    json products = json::parse(in);
    products.push_back({{"main_category", "Software"}, {"sub_category", "Tools"}, {"service_name", "Editor Pro"},
                        {"variant_name", "1 year"}, {"price", "40.00"}});
    std::ofstream(dir_ / "products.json") << products.dump(2);
    json config = json::parse(std::ifstream(dir_ / "config.json"));
    config["products_file"] = (dir_ / "products.json").string();
    config["guild_id"] = "42";  // needs a restart: applied then, and the log says so
    std::ofstream(dir_ / "config.json", std::ios::trunc) << config.dump(2);

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
