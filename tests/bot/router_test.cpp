// The router (issue 9 §5): features own commands and custom_id namespaces; an embedder adds,
// removes and replaces them; what no feature owns gets a clear answer; a throwing feature costs
// only its interaction.
#include <apexcore/bot/router.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace apexcore;

/// An embedder's own feature: /echo, and buttons "echo:<text>" that answer the text back.
class echo_feature : public bot::feature {
public:
    explicit echo_feature(std::string name = "echo", std::string command = "echo", std::string ns = "echo")
        : name_(std::move(name)), command_(std::move(command)), ns_(std::move(ns)) {}
    std::string name() const override { return name_; }
    std::vector<ports::command_spec> commands() const override { return {{command_, "Say it back", {}, false}}; }
    std::vector<std::string> namespaces() const override { return {ns_}; }
    ports::interaction_response on_command(const ports::interaction&, const ports::command_invocation& c) override {
        if (c.name == "explode") throw std::runtime_error("feature bug");
        auto r = bot::ephemeral_reply("echo /" + c.name);
        ports::button b;
        b.label = "Again";
        b.custom_id = ns_ + ":again";
        r.body.rows = {{{b}}};
        return r;
    }
    ports::interaction_response on_component(const ports::interaction&, const ports::component_action& a) override {
        return bot::ephemeral_reply("clicked " + a.custom_id);
    }
    ports::interaction_response on_modal(const ports::interaction&, const ports::modal_submit& m) override {
        return bot::ephemeral_reply("form " + m.custom_id + " said " + m.value("text").value_or("?"));
    }
    ports::interaction_response on_autocomplete(const ports::interaction&, const ports::autocomplete_request& a) override {
        ports::interaction_response r;
        r.kind = ports::response_kind::suggest;
        r.choices = {{a.partial + "!", a.partial + "!"}};
        return r;
    }

private:
    std::string name_;
    std::string command_;
    std::string ns_;
};

class RouterTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    std::vector<std::string> log_;
    bot::shop_bot bot_{{core::guild_id{1}, core::role_id{5}, core::usd, [this](const apexcore::ports::log_record& r) { log_.emplace_back(r.message); }},
                       wallet_, catalog_};
    std::uint64_t next_ = 1;

    ports::interaction with(decltype(ports::interaction::action) action) {
        ports::interaction i;
        i.id = core::interaction_id{next_++};
        i.from.user = core::user_id{20};
        i.action = std::move(action);
        return i;
    }
    static ports::command_invocation cmd(std::string name) { return {std::move(name), {}}; }
    static ports::component_action click(std::string id) { return {std::move(id), {}, ports::component_kind::button}; }
};

TEST_F(RouterTest, AnEmbeddersFeatureGetsItsCommandsComponentsModalsAndSuggestions) {
    bot_.features().add(std::make_shared<echo_feature>());
    const auto names = bot_.commands();
    EXPECT_EQ(names.size(), 12U);
    EXPECT_EQ(bot_.handle(with(cmd("echo"))).body.content, "echo /echo");
    EXPECT_EQ(bot_.handle(with(click("echo:again"))).body.content, "clicked echo:again");
    EXPECT_EQ(bot_.handle(with(ports::modal_submit{"echo:form", {{"text", "hi"}}})).body.content, "form echo:form said hi");
    const auto suggested = bot_.handle(with(ports::autocomplete_request{"echo", "text", "ab", {}}));
    EXPECT_EQ(suggested.kind, ports::response_kind::suggest);
    ASSERT_EQ(suggested.choices.size(), 1U);
    EXPECT_EQ(suggested.choices[0].name, "ab!");
    // The shop's own features are untouched.
    EXPECT_EQ(bot_.handle(with(cmd("balance"))).body.content, "Your wallet balance is **$0.00**.");
}

TEST_F(RouterTest, NamesCommandsAndNamespacesAreOwnedOnce) {
    EXPECT_THROW(bot_.features().add(std::make_shared<echo_feature>("wallet", "x", "x")), std::invalid_argument);
    EXPECT_THROW(bot_.features().add(std::make_shared<echo_feature>("mine", "balance", "mine")), std::invalid_argument);
    EXPECT_THROW(bot_.features().add(std::make_shared<echo_feature>("mine", "mine", "ac1")), std::invalid_argument)
        << "the storefront owns the custom_id codec's namespace";
    EXPECT_THROW(bot_.features().add(std::make_shared<echo_feature>("mine", "mine", "a:b")), std::invalid_argument);
    EXPECT_THROW(bot_.features().add(std::make_shared<echo_feature>("mine", "mine", "")), std::invalid_argument);
    EXPECT_EQ(bot_.features().features(), (std::vector<std::string>{"wallet", "storefront", "stock", "catalog", "help"})) << "nothing was added";
}

TEST_F(RouterTest, RemovingAndReplacingFeatures) {
    ASSERT_TRUE(bot_.features().remove("storefront"));
    EXPECT_FALSE(bot_.features().remove("storefront"));
    EXPECT_EQ(bot_.handle(with(cmd("buy"))).body.content, "Unknown command /buy.");
    EXPECT_EQ(bot_.handle(with(click("ac1:s"))).body.content, bot::stale_component_reply)
        << "a component of a removed feature gets an explanation, not a crash";
    // Replace the wallet with one of our own that owns /balance.
    bot_.features().replace(std::make_shared<echo_feature>("wallet", "balance", "wallet2"));
    EXPECT_EQ(bot_.handle(with(cmd("balance"))).body.content, "echo /balance");
    EXPECT_EQ(bot_.commands().size(), 5U) << "/balance (the replacement's), /stock, /product, /catalog and /help";
}

TEST_F(RouterTest, WhatNoFeatureOwnsGetsAClearAnswer) {
    EXPECT_EQ(bot_.handle(with(cmd("nope"))).body.content, "Unknown command /nope.");
    EXPECT_EQ(bot_.handle(with(click("no-colon"))).body.content, bot::stale_component_reply);
    EXPECT_EQ(bot_.handle(with(ports::modal_submit{"zz:form", {}})).body.content, "That form is not one this shop opened. Nothing was changed.");
    const auto none = bot_.handle(with(ports::autocomplete_request{"nope", "x", "y", {}}));
    EXPECT_EQ(none.kind, ports::response_kind::suggest);
    EXPECT_TRUE(none.choices.empty());
}

/// A feature that declares what it needs from the platform.
class needy_feature : public echo_feature {
public:
    needy_feature() : echo_feature("needy", "needy", "needy") {}
    std::vector<bot::requirement> requirements() const override {
        bot::requirement r;
        r.why = "needy";
        r.server_wide = bot::requirement::capability::manage_roles;
        r.grantable = core::role_id{42};
        return {r};
    }
};

TEST_F(RouterTest, RequirementsOfEveryFeatureAreCollected) {
    EXPECT_TRUE(bot_.features().requirements().empty()) << "the wallet and the storefront only answer interactions";
    bot_.features().add(std::make_shared<needy_feature>());
    const auto needs = bot_.features().requirements();
    ASSERT_EQ(needs.size(), 1U);
    EXPECT_EQ(needs[0].why, "needy");
    EXPECT_EQ(needs[0].grantable, core::role_id{42});
}

TEST_F(RouterTest, AThrowingFeatureCostsOnlyItsInteraction) {
    bot_.features().add(std::make_shared<echo_feature>("boom", "explode", "boom"));
    const auto r = bot_.handle(with(cmd("explode")));
    EXPECT_TRUE(r.body.ephemeral);
    EXPECT_NE(r.body.content.find("nothing was charged"), std::string::npos);
    ASSERT_EQ(log_.size(), 1U);
    EXPECT_NE(log_[0].find("feature bug"), std::string::npos);
    EXPECT_EQ(bot_.handle(with(cmd("balance"))).body.content, "Your wallet balance is **$0.00**.");
}

}  // namespace
