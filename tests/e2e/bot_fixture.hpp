#pragma once
// Shared end-to-end fixture: starts the real apexcore-sandbox and the real apexbot as processes on
// loopback, with a generated config; tears both down. Tests act through the control API.
#include "control_client.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

namespace apexcore::test_support {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

class BotFixture : public ::testing::Test {
protected:
    /// Extra sandbox flags and config keys for a test; call before SetUp (from the constructor).
    std::vector<std::string> sandbox_args_;
    json discord_config_ = json::object();
    bool expect_gateway_ = true;  ///< false: the bot runs in HTTP mode only
    bool wait_for_bot_ = true;    ///< false: SetUp returns once the bot process is started
    bool start_bot_ = true;       ///< false: only the sandbox (another client connects to it)
    std::vector<std::string> bot_args_;  ///< extra apexbot flags (e.g. --io-threads 4)
    std::vector<std::string> bot_env_;   ///< extra environment (e.g. APEXBOT_INJECT_FAULTS=...)
    std::size_t expected_commands_ = 25;  ///< what SetUp waits for the bot to register (26 with payment methods: /proof)

    /// Top-level config keys to add, once the sandbox's facts (info_) are known; a key set to
    /// null is left out of the config (e.g. "staff_role_id").
    virtual json extra_config() { return json::object(); }

    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("apexcore-e2e-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::vector<std::string> args{"--state-dir", (dir_ / "sandbox").string(), "--token", token_};
        args.insert(args.end(), sandbox_args_.begin(), sandbox_args_.end());
        sandbox_ = std::make_unique<child_process>(APEXCORE_SANDBOX_PATH, args, (dir_ / "sandbox.log").string());
        const fs::path info_path = dir_ / "sandbox" / "sandbox.json";
        for (int i = 0; i < 500 && !fs::exists(info_path); ++i) std::this_thread::sleep_for(20ms);
        ASSERT_TRUE(fs::exists(info_path)) << sandbox_->output();
        std::ifstream in(info_path);
        info_ = json::parse(in);
        control_ = std::make_unique<control_client>(info_["control_url"].get<std::string>());

        json discord{{"api_base", info_["api_base"]}, {"ca_file", info_["ca_file"]}};
        discord.update(discord_config_);
        json config{{"guild_id", info_["guild_id"]},
                    {"staff_role_id", info_["staff_role_id"]},
                    {"currency", "USD"},
                    {"database", (dir_ / "shop.db").string()},
                    {"products_file", APEXCORE_PRODUCTS_FILE},
                    {"discord", discord}};
        config.update(extra_config());
        for (auto it = config.begin(); it != config.end();) it = it->is_null() ? config.erase(it) : std::next(it);
        std::ofstream(dir_ / "config.json") << config.dump(2);
        if (!start_bot_) return;
        launch_bot();
    }

    /// Starts apexbot on the config SetUp wrote (again, after a test stopped it) and, unless
    /// wait_for_bot_ is false, waits until it has connected and registered its commands.
    void launch_bot() {
        std::vector<std::string> bot_args{"--config", (dir_ / "config.json").string()};
        bot_args.insert(bot_args.end(), bot_args_.begin(), bot_args_.end());
        std::vector<std::string> bot_env = bot_env_;  // bot_env_ may set DISCORD_TOKEN itself
        if (std::none_of(bot_env.begin(), bot_env.end(), [](const std::string& e) { return e.starts_with("DISCORD_TOKEN="); })) {
            bot_env.push_back("DISCORD_TOKEN=" + token_);
        }
        bot_ = std::make_unique<child_process>(APEXBOT_PATH, bot_args, (dir_ / "bot.log").string(), bot_env);
        if (!wait_for_bot_) return;
        ASSERT_TRUE(wait_for([&] {
            const auto state = control_->get("/_sandbox/state");
            // The reference bot's commands: /balance, /transactions, /addbalance, /removebalance, /wallet,
            // /buy, /shop, /stock, /orders, /order, /warranty, /refund, /profile, /promo, /ticket, /deposit, /setup, /backup, /member, /product, /catalog, /keys, /stats, /refunds, /help.
            return (state.body.value("bot_connected", false) || !expect_gateway_) && state.body["commands"].size() == expected_commands_;
        })) << "bot did not connect\nbot:\n" << bot_->output() << "\nsandbox:\n" << sandbox_->output();
    }

    void TearDown() override {
        if (bot_) bot_->stop(SIGKILL, 5s);
        if (sandbox_) sandbox_->stop(SIGTERM, 5s);
        if (!HasFailure()) {
            fs::remove_all(dir_);
        } else {
            std::cerr << "logs kept in " << dir_ << "\n--- bot log ---\n" << (bot_ ? bot_->output() : "") << "\n";
        }
    }

    /// Writes a products file with the example products plus "Editor Pro - 1 year" ($40.00), and
    /// points the config at it; `change` may edit the config before it is written.
    template <class Change>
    void add_product_to_file(Change change) {
        std::ifstream in(APEXCORE_PRODUCTS_FILE);
        auto products = nlohmann::json::parse(in);
        products.push_back({{"main_category", "Software"}, {"sub_category", "Tools"}, {"service_name", "Editor Pro"},
                            {"variant_name", "1 year"}, {"price", "40.00"}});
        std::ofstream(dir_ / "products.json") << products.dump(2);
        auto config = nlohmann::json::parse(std::ifstream(dir_ / "config.json"));
        config["products_file"] = (dir_ / "products.json").string();
        change(config);
        std::ofstream(dir_ / "config.json", std::ios::trunc) << config.dump(2);
    }
    void add_product_to_file() {
        add_product_to_file([](nlohmann::json&) {});
    }

    /// Polls `condition` every 20 ms for up to `limit`.
    template <class Condition>
    static bool wait_for(Condition condition, std::chrono::milliseconds limit = 15s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (condition()) return true;
            std::this_thread::sleep_for(20ms);
        }
        return condition();
    }

    control_response command(const std::string& user, const std::string& name, const json& options = json::object()) {
        return control_->post("/_sandbox/commands", {{"user_id", user}, {"name", name}, {"options", options}});
    }
    control_response click(const std::string& user, const std::string& message_id, const std::string& custom_id,
                           const json& values = nullptr) {
        json body{{"user_id", user}, {"message_id", message_id}, {"custom_id", custom_id}};
        if (!values.is_null()) body["values"] = values;
        return control_->post("/_sandbox/components", body);
    }
    json stats() { return control_->get("/_sandbox/stats").body; }
    /// A channel's history as the sandbox keeps it, oldest first.
    json channel_history(const std::string& channel) { return control_->get("/_sandbox/channels/" + channel + "/messages").body; }
    /// How many messages in `channel` have exactly `content`.
    int count_messages(const std::string& channel, const std::string& content) {
        const json history = channel_history(channel);
        return static_cast<int>(std::count_if(history.begin(), history.end(), [&](const json& m) { return m.value("content", "") == content; }));
    }
    /// The #shop channel's id.
    std::string shop_channel() const { return info_["channel_ids"][0].get<std::string>(); }

    /// Opens /buy as `user`, picks the product whose select value is `value`, presses its Buy
    /// button and the confirmation's Confirm; returns the answer to Confirm (each step asserted
    /// to be answered).
    control_response buy_through_menu(const std::string& user, const std::string& value) {
        const auto menu = command(user, "buy");
        EXPECT_EQ(menu.status, 200U) << menu.body.dump();
        if (menu.status != 200U) return menu;
        const json select = menu.body["response"]["data"]["components"][0]["components"][0];
        const auto card = click(user, menu.body["message_id"], select["custom_id"], json::array({value}));
        EXPECT_EQ(card.status, 200U) << card.body.dump();
        if (card.status != 200U) return card;
        const std::string buy = card.body["response"]["data"]["components"][0]["components"][0]["custom_id"];
        return confirm_purchase(user, menu.body["message_id"], buy);
    }
    /// Presses a card's Buy button `buy` on message `message` and then the confirmation's
    /// "Confirm — pay …"; returns the answer to Confirm (or to Buy when it did not confirm).
    control_response confirm_purchase(const std::string& user, const std::string& message, const std::string& buy) {
        const auto review = click(user, message, buy);
        EXPECT_EQ(review.status, 200U) << review.body.dump();
        // Answered at once (response.data) or deferred and then edited in (original).
        const bool inline_answer = review.body["response"].contains("data") && review.body["response"]["data"].contains("components");
        const json& data = inline_answer ? review.body["response"]["data"] : review.body["original"];
        if (review.status != 200U || !data.is_object() || !data.contains("components") || data["components"].empty()) return review;
        const json& confirm = data["components"][0]["components"][0];
        EXPECT_EQ(confirm.value("label", "").rfind("Confirm — pay ", 0), 0U) << review.body.dump();
        return click(user, message, confirm["custom_id"]);
    }
    /// Credits the customer the way staff do: /addbalance, then the preview's Confirm button.
    /// Returns the answer to the Confirm press ("Added **$25.00** to …").
    control_response top_up(const std::string& amount, const std::string& reason = "e2e") {
        const auto preview = command(staff(), "addbalance", {{"user", customer()}, {"amount", amount}, {"reason", reason}});
        EXPECT_EQ(preview.status, 200U) << preview.body.dump();
        if (preview.status != 200U) return preview;
        const json& data = preview.body.value("deferred", false) ? preview.body["original"] : preview.body["response"]["data"];
        if (!data.contains("components") || data["components"].empty()) {
            ADD_FAILURE() << "no preview to confirm: " << preview.body.dump();
            return preview;
        }
        const auto confirmed = click(staff(), preview.body["message_id"], data["components"][0]["components"][0]["custom_id"]);
        EXPECT_EQ(confirmed.status, 200U) << confirmed.body.dump();
        return confirmed;
    }
    control_response faults(const json& body) { return control_->post("/_sandbox/faults", body); }
    control_response gateway(const json& body) { return control_->post("/_sandbox/gateway", body); }

    /// The reply text of a control response, deferred (edited @original) or not.
    static std::string reply_text(const control_response& r) {
        if (!r.body.is_object()) return "";
        if (r.body.value("deferred", false)) {
            return r.body.contains("original") ? r.body["original"].value("content", "") : "";
        }
        if (!r.body.contains("response") || !r.body["response"].contains("data")) return "";  // e.g. a 504
        return r.body["response"]["data"].value("content", "");
    }

    /// /balance works and answers `expected`.
    void expect_balance(const std::string& expected) {
        const auto r = command(customer(), "balance");
        ASSERT_EQ(r.status, 200U) << r.body.dump();
        EXPECT_EQ(reply_text(r), "Your wallet balance is **" + expected + "**.");
    }

    std::string staff() const { return info_["staff_user_id"]; }
    std::string customer() const { return info_["customer_user_id"]; }

    std::string token_ = "e2e-test-token";
    fs::path dir_;
    json info_;
    std::unique_ptr<child_process> sandbox_;
    std::unique_ptr<child_process> bot_;
    std::unique_ptr<control_client> control_;
};

}  // namespace apexcore::test_support
