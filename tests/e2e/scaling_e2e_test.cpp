// Beyond one process (issue 13): apexcore-rest-proxy owns the rate limiter for every process of
// one token (§4) — against the sandbox's global limit, two clients that each keep to it alone
// overrun it together (the sandbox answers 429s); through the proxy they share it and get none —
// and two apexbot processes behind one load balancer serve one shop from one PostgreSQL (§3).
#include "bot_fixture.hpp"
#include "../support/postgres_server.hpp"

#include <apexcore/discord/rest_client.hpp>
#include <apexcore/postgresql/postgresql_store.hpp>

#include <boost/asio/io_context.hpp>

#include <regex>

namespace {

using apexcore::test_support::BotFixture;
using apexcore::test_support::child_process;
using apexcore::test_support::control_client;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr int global_limit = 5;  // requests per second, the sandbox's and the proxy's

class RestProxyTest : public BotFixture {
protected:
    RestProxyTest() {
        sandbox_args_ = {"--global-per-second", std::to_string(global_limit), "--shards", "2"};
        start_bot_ = false;
    }
    void SetUp() override {
        BotFixture::SetUp();
        if (HasFatalFailure()) return;
        proxy_ = std::make_unique<child_process>(
            APEXCORE_REST_PROXY_PATH,
            std::vector<std::string>{"--listen", "127.0.0.1:0", "--api-base", info_["api_base"], "--ca-file", info_["ca_file"],
                                     "--global-per-second", std::to_string(global_limit)},
            (dir_ / "proxy.log").string(), std::vector<std::string>{"DISCORD_TOKEN=" + token_});
        std::string port;
        ASSERT_TRUE(wait_for([&] {
            const std::string out = proxy_->output();
            std::smatch m;  // refers into `out`: copied out before it goes
            if (!std::regex_search(out, m, std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/api/v10"))) return false;
            port = m[1].str();
            return true;
        })) << proxy_->output();
        proxy_base_ = "http://127.0.0.1:" + port + "/api/v10";
    }
    void TearDown() override {
        if (bot_b_) bot_b_->stop(SIGKILL, 5s);
        if (proxy_) proxy_->stop(SIGTERM, 5s);
        BotFixture::TearDown();
    }
    /// `clients` REST clients, each with its own limiter keeping to the global limit, send
    /// `each` GET /gateway/bot at once to `base`; returns how many were answered 200.
    int burst(const std::string& base, int clients, int each) {
        boost::asio::io_context io;
        std::vector<std::unique_ptr<apexcore::discord::rest_client>> pool;
        std::atomic<int> ok{0};
        std::atomic<int> done{0};
        for (int c = 0; c < clients; ++c) {
            apexcore::discord::rest_options o;
            o.api_base = base;
            o.ca_file = info_["ca_file"];
            o.token = token_;
            o.global_per_second = global_limit;
            pool.push_back(std::make_unique<apexcore::discord::rest_client>(io, o));
        }
        for (auto& client : pool) {
            for (int i = 0; i < each; ++i) {
                client->request(apexcore::discord::http_method::get, "/gateway/bot", std::nullopt,
                                [&](std::error_code ec, apexcore::discord::rest_response r) {
                                    if (!ec && r.ok()) ++ok;
                                    if (++done == clients * each) io.stop();
                                });
            }
        }
        io.run_for(60s);
        for (auto& client : pool) client->stop();
        return ok.load();
    }
    /// The proxy's GET /healthz.
    apexcore::test_support::control_response proxy_health() {
        return control_client(proxy_base_.substr(0, proxy_base_.find("/api"))).get("/healthz");
    }
    std::uint64_t sandbox_429s() { return stats().value("rest_429", std::uint64_t{0}); }

    std::unique_ptr<child_process> proxy_;
    std::unique_ptr<child_process> bot_b_;
    std::string proxy_base_;
};

TEST_F(RestProxyTest, TwoClientsOfOneTokenOverrunTheGlobalLimitAloneAndShareItThroughTheProxy) {
    // Straight to the sandbox: each client keeps to 5/s, the two together send 10/s.
    EXPECT_EQ(burst(info_["api_base"], 2, 3 * global_limit), 6 * global_limit);
    const auto direct = sandbox_429s();
    EXPECT_GT(direct, 0U) << "without a shared limiter the sandbox refuses some";
    std::this_thread::sleep_for(1500ms);  // the sandbox's one-second window forgets that burst

    EXPECT_EQ(burst(proxy_base_, 2, 3 * global_limit), 6 * global_limit);
    EXPECT_EQ(sandbox_429s(), direct) << "through the proxy: not one 429\n" << proxy_->output();
    const auto health = proxy_health();
    EXPECT_EQ(health.body.value("forwarded", 0), 6 * global_limit) << health.body.dump();
    EXPECT_EQ(health.body.value("upstream_429", -1), 0) << health.body.dump();
}

TEST_F(RestProxyTest, TwoApexbotProcessesRunTheShardsThroughOneProxyWithoutA429) {
    // Each bot runs one of the two shards, both on one shop in PostgreSQL; both send their REST
    // calls through the proxy. They start together: each seeds the catalog, once in all.
    const std::string shop = apexcore::test_support::postgres_server::shared().fresh_database();
    const int guild_shard = control_->get("/_sandbox/state").body.value("guild_shard", 0);
    const auto config_for = [&](int shard) {
        std::ifstream in(dir_ / "config.json");
        json config = json::parse(in);
        config["discord"]["api_base"] = proxy_base_;
        config["discord"]["shards"] = 2;
        config["discord"]["shard_ids"] = json::array({shard});
        config["log_channels"] = {{"payments", info_["channel_ids"][1]}};
        config["notifications"] = {{"direct_messages", true}};
        config["database"] = shop;
        return config;
    };
    const json a = config_for(guild_shard);
    const json b = config_for(1 - guild_shard);
    std::ofstream(dir_ / "config.json") << a.dump(2);
    std::ofstream(dir_ / "config-b.json") << b.dump(2);
    bot_b_ = std::make_unique<child_process>(APEXBOT_PATH, std::vector<std::string>{"--config", (dir_ / "config-b.json").string()},
                                             (dir_ / "bot-b.log").string(), std::vector<std::string>{"DISCORD_TOKEN=" + token_});
    expected_commands_ = 24;  // no /backup on PostgreSQL
    launch_bot();
    ASSERT_TRUE(wait_for([&] { return control_->get("/_sandbox/state").body.value("shards_connected", 0) == 2; }, 30s))
        << bot_->output() << "\nbot B:\n" << bot_b_->output();

    // Staff credit the member ten times: each is a post in the payments log and a DM.
    for (int i = 0; i < 10; ++i) top_up("1.00", "credit " + std::to_string(i));
    ASSERT_TRUE(wait_for([&] {
        const auto dms = control_->get("/_sandbox/dms/" + customer() + "/messages").body.value("messages", json::array());
        return dms.size() >= 10;
    }, 60s)) << bot_->output() << "\n" << proxy_->output();
    ASSERT_TRUE(wait_for([&] { return channel_history(info_["channel_ids"][1]).size() >= 10; }, 60s));
    EXPECT_EQ(sandbox_429s(), 0U) << "two bots, one limit\n" << proxy_->output();
    EXPECT_NE(bot_b_->output().find("running 1 of 2 shards"), std::string::npos) << bot_b_->output();
    const auto health = proxy_health();
    EXPECT_GE(health.body.value("forwarded", 0), 30) << health.body.dump();
    // One shop: the catalog seeded once by two processes starting together, one wallet.
    apexcore::postgresql::database db({.url = shop, .connections = 1});
    db.with([&](apexcore::postgresql::session& s) {
        EXPECT_EQ(s.exec("SELECT COUNT(*) FROM products").int64(0, 0), 5);
        EXPECT_EQ(s.exec("SELECT COUNT(*) FROM wallet_ledger").int64(0, 0), 10);
    });
}

/// Two apexbot processes in HTTP interactions mode behind a load balancer (the sandbox hands each
/// interaction to the next process in turn), one shop in one PostgreSQL database.
class SharedShopTest : public BotFixture {
protected:
    SharedShopTest() {
        expect_gateway_ = false;
        start_bot_ = false;
        expected_commands_ = 24;  // no /backup: apexbot's backups copy a SQLite file
    }
    json extra_config() override {
        return {{"mode", "http"},
                {"http", {{"listen", "127.0.0.1:0"}, {"public_key", info_["public_key"]}}},
                {"database", database_url_}};
    }
    void TearDown() override {
        if (bot_b_) bot_b_->stop(SIGKILL, 5s);
        BotFixture::TearDown();
    }
    /// The interactions endpoint `bot` logged.
    static std::string endpoint_of(child_process& bot) {
        std::string url;
        EXPECT_TRUE(wait_for([&] {
            const std::string log = bot.output();
            std::smatch m;  // refers into `log`
            if (!std::regex_search(log, m, std::regex("interactions endpoint listening on (http://[0-9.]+:[0-9]+/interactions)"))) {
                return false;
            }
            url = m[1].str();
            return true;
        }, 30s)) << bot.output();
        return url;
    }
    /// The member's /balance text.
    std::string balance_text() { return reply_text(command(customer(), "balance")); }
    /// The one integer `sql` selects from the shop's database (a COUNT, a counter).
    std::int64_t count(const std::string& sql) {
        std::int64_t n = -1;
        apexcore::postgresql::database db({.url = database_url_, .connections = 1});
        db.with([&](apexcore::postgresql::session& s) { n = s.exec(sql).int64(0, 0); });
        return n;
    }

    std::string database_url_ = apexcore::test_support::postgres_server::shared().fresh_database();
    std::unique_ptr<child_process> bot_b_;
};

TEST_F(SharedShopTest, TwoProcessesSellTheLastUnitOnceChargeADuplicatedInteractionOnceAndOneCarriesOnWhenTheOtherDies) {
    // A product with one unit left, besides the example catalog.
    add_product_to_file([](json&) {});
    auto products = json::parse(std::ifstream(dir_ / "products.json"));
    products.back()["stock"] = 1;
    std::ofstream(dir_ / "products.json", std::ios::trunc) << products.dump(2);
    launch_bot();  // the first process makes the schema and seeds the catalog; the second finds both
    const std::string a = endpoint_of(*bot_);
    bot_b_ = std::make_unique<child_process>(APEXBOT_PATH, std::vector<std::string>{"--config", (dir_ / "config.json").string()},
                                             (dir_ / "bot-b.log").string(), std::vector<std::string>{"DISCORD_TOKEN=" + token_});
    const std::string b = endpoint_of(*bot_b_);
    ASSERT_FALSE(a.empty() || b.empty());
    ASSERT_NE(a, b);
    ASSERT_EQ(control_->post("/_sandbox/config", {{"interactions_url", a + " " + b}}).status, 200U);

    // Each scheduled job runs once per due time whichever processes are up: the outbox dispatch,
    // due every second, runs about once a second with both processes (each alone would run it
    // as often, so twice a second if both ran it).
    const auto dispatch_runs = [&] { return count("SELECT runs FROM scheduled_jobs WHERE name = 'outbox.dispatch'"); };
    const auto runs_before = dispatch_runs();
    std::this_thread::sleep_for(6s);
    const auto runs_both = dispatch_runs() - runs_before;
    EXPECT_GE(runs_both, 3);
    EXPECT_LE(runs_both, 8) << "two processes ran one due time each";

    // /addbalance is previewed by one process and confirmed on the other: the proposal is shared.
    const auto credited = top_up("100.00");
    ASSERT_EQ(credited.status, 200U) << credited.body.dump();
    EXPECT_NE(reply_text(credited).find("$100.00"), std::string::npos) << reply_text(credited);

    // The member confirms two purchases of the last unit at once; the two presses go to the two
    // processes. Exactly one is sold.
    const std::string last_unit = std::to_string(products.size());  // the select value is the product id
    std::vector<std::pair<std::string, std::string>> pending;       // (message, Buy custom_id)
    for (int i = 0; i < 2; ++i) {
        const auto menu = command(customer(), "buy");
        ASSERT_EQ(menu.status, 200U) << menu.body.dump();
        const json select = menu.body["response"]["data"]["components"][0]["components"][0];
        const auto card = click(customer(), menu.body["message_id"], select["custom_id"], json::array({last_unit}));
        ASSERT_EQ(card.status, 200U) << card.body.dump();
        pending.emplace_back(menu.body["message_id"], card.body["response"]["data"]["components"][0]["components"][0]["custom_id"]);
    }
    std::vector<std::string> answers(2);
    {
        std::vector<std::jthread> presses;
        for (int i = 0; i < 2; ++i) {
            presses.emplace_back([&, i] {
                control_client own(info_["control_url"].get<std::string>());
                const auto review = own.post("/_sandbox/components", {{"user_id", customer()}, {"message_id", pending[i].first},
                                                                      {"custom_id", pending[i].second}});
                const bool inline_answer = review.body["response"].contains("data") && review.body["response"]["data"].contains("components");
                const json data = inline_answer ? review.body["response"]["data"] : review.body["original"];
                if (!data.is_object() || !data.contains("components") || data["components"].empty()) {
                    answers[i] = reply_text(review);
                    return;
                }
                const auto confirmed = own.post("/_sandbox/components", {{"user_id", customer()}, {"message_id", pending[i].first},
                                                                         {"custom_id", data["components"][0]["components"][0]["custom_id"]}});
                answers[i] = reply_text(confirmed);
            });
        }
    }
    const auto sold = std::count_if(answers.begin(), answers.end(), [](const std::string& t) { return t.starts_with("Thank you! Order **AC-"); });
    EXPECT_EQ(sold, 1) << answers[0] << "\n---\n" << answers[1];
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE product_id = " + last_unit), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM products WHERE stock = 0 AND id = " + last_unit), 1);
    EXPECT_NE(balance_text().find("$60.00"), std::string::npos) << balance_text();

    // Every interaction now reaches both processes, one after the other: a purchase is charged once.
    ASSERT_EQ(faults({{"duplicate_interactions", true}}).status, 200U);
    const auto purchases_before = count("SELECT COUNT(*) FROM wallet_ledger WHERE type = 'purchase'");
    const auto bought = buy_through_menu(customer(), "4");
    EXPECT_TRUE(reply_text(bought).starts_with("Thank you! Order **AC-")) << reply_text(bought);
    EXPECT_EQ(count("SELECT COUNT(*) FROM wallet_ledger WHERE type = 'purchase'"), purchases_before + 1);
    ASSERT_EQ(faults({{"duplicate_interactions", false}}).status, 200U);
    EXPECT_NE(balance_text().find("$48.00"), std::string::npos) << balance_text();

    // One process dies; the load balancer sends everything to the other, which has the whole shop
    // and now claims every due time of the scheduled jobs alone.
    bot_->stop(SIGKILL, 5s);
    const auto runs_at_death = dispatch_runs();
    std::this_thread::sleep_for(3s);
    EXPECT_GE(dispatch_runs() - runs_at_death, 2) << "the survivor runs the jobs";
    ASSERT_EQ(control_->post("/_sandbox/config", {{"interactions_url", b}}).status, 200U);
    EXPECT_NE(balance_text().find("$48.00"), std::string::npos) << balance_text();
    const auto again = buy_through_menu(customer(), "4");
    EXPECT_TRUE(reply_text(again).starts_with("Thank you! Order **AC-")) << reply_text(again) << "\n" << bot_b_->output();
    EXPECT_NE(balance_text().find("$36.00"), std::string::npos) << balance_text();
    apexcore::postgresql::postgresql_store shop({.url = database_url_, .connections = 1});
    EXPECT_TRUE(shop.reconcile().ok());
}

}  // namespace
