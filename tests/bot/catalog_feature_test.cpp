// The catalog feature (issue 12 §2): staff add, change, switch off and on, show, export and import
// products from Discord; every refusal names the field and the rule.
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/sqlite/sqlite_store.hpp>

#include "fake_chat_actions.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};

class CatalogFeatureTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    test_support::fake_chat_actions actions_;
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_, {.actions = &actions_}};
    std::uint64_t next_id_ = 5000;

    ports::interaction_response run(std::string name, std::vector<ports::command_option> options, bool staff = true) {
        ports::interaction i;
        i.id = core::interaction_id{next_id_++};
        i.guild = core::guild_id{1};
        i.channel = core::channel_id{2};
        i.from = {staff ? staff_user : customer, "member", staff ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}};
        i.action = ports::command_invocation{std::move(name), std::move(options)};
        return bot_.handle(i);
    }
    core::product flix() {
        return *catalog_.add({{}, "Streaming", "Video", "Flix", "1 month", money::usd_cents(500), true});
    }
};

TEST_F(CatalogFeatureTest, StaffAddAProductAndARefusalNamesTheRule) {
    const auto added = run("product add", {{"main_category", "Games"}, {"sub_category", "Keys"}, {"service", " Indie Bundle "},
                                           {"variant", "Standard"}, {"price", "12.50"}, {"stock", std::int64_t{3}},
                                           {"delivery", "https://example.com/dl"}});
    EXPECT_EQ(added.body.content, "Added **Indie Bundle - Standard**; it is for sale now.");
    ASSERT_EQ(added.body.embeds.size(), 1U);
    const auto stored = catalog_.search("Indie", 5);
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].price, money::usd_cents(1250));
    EXPECT_EQ(stored[0].stock, 3);
    EXPECT_EQ(stored[0].delivery_payload, "https://example.com/dl");

    const std::vector<ports::command_option> base{{"main_category", "Games"}, {"sub_category", "Keys"}, {"service", "Indie Bundle"},
                                                  {"variant", "Standard"}};
    auto with = [&](ports::command_option extra) {
        auto o = base;
        o.push_back(std::move(extra));
        return o;
    };
    EXPECT_EQ(run("product add", with({"price", "12.50"})).body.content,
              "Not saved: a product named **Games / Keys / Indie Bundle - Standard** exists already (the four names identify a product).");
    EXPECT_EQ(run("product add", with({"price", "twelve"})).body.content.rfind("The price `twelve`: not an amount", 0), 0U);
    EXPECT_EQ(run("product add", with({"price", "-1.00"})).body.content, "The price must not be negative.");
    auto long_name = base;
    long_name[3].value = std::string(60, 'x');
    long_name.push_back({"price", "1.00"});
    EXPECT_EQ(run("product add", long_name).body.content,
              "Not saved: a name is longer than 48 bytes or a category longer than 64.");
    EXPECT_EQ(run("product add", with({"price", "1.00"}), false).body.content, "Only staff members can do that.");
    EXPECT_EQ(catalog_.list_active(10).size(), 1U);
}

TEST_F(CatalogFeatureTest, EditChangesOnlyTheFieldsGivenAndDisableHidesItFromMembers) {
    const auto p = flix();
    const auto id = std::to_string(p.id.value);
    const auto edited = run("product edit", {{"product", id}, {"price", "6.00"}, {"description", "4K, two screens"}});
    EXPECT_EQ(edited.body.content, "Saved **Flix - 1 month**: price, description.");
    auto now = *catalog_.find(p.id);
    EXPECT_EQ(now.price, money::usd_cents(600));
    EXPECT_EQ(now.additional_info, "4K, two screens");
    EXPECT_EQ(now.variant_name, "1 month");

    EXPECT_NE(run("product disable", {{"product", id}}).body.content.find("is switched off"), std::string::npos);
    EXPECT_TRUE(catalog_.list_active(10).empty());
    // Switched off, it is still found for staff (by name, too) and can come back.
    EXPECT_NE(run("product show", {{"product", "Flix"}}).body.embeds[0].description.find("Switched off"), std::string::npos);
    EXPECT_EQ(run("product enable", {{"product", "flix"}}).body.content, "**Flix - 1 month** is for sale again.");
    EXPECT_EQ(catalog_.list_active(10).size(), 1U);
    EXPECT_EQ(run("product show", {{"product", "no such thing"}}).body.content,
              "No single product matches `no such thing`; pick one of the suggestions.");
}

TEST_F(CatalogFeatureTest, AnImportStoresTheGoodLinesAndReportsEveryLineInAFile) {
    flix();
    actions_.downloads["https://cdn.example/import.csv"] =
        "main_category,sub_category,service_name,variant_name,price,stock\n"
        "Games,Keys,Indie Bundle,Standard,12.00,5\n"
        "Games,Keys,Indie Bundle,Deluxe,abc,\n"
        "Streaming,Video,Flix,1 month,7.00,\n"
        "Games,Keys,Indie Bundle,Gold,20.00,-2\n";
    ports::attachment_info file{1, "import.csv", "text/csv", 200, "https://cdn.example/import.csv"};
    const auto r = run("catalog import", {{"file", file}});
    EXPECT_NE(r.body.content.find("**1 added**, 0 updated, **3 refused**"), std::string::npos) << r.body.content;
    EXPECT_NE(r.body.content.find("line 3 (price): not an amount"), std::string::npos) << r.body.content;
    ASSERT_EQ(r.body.files.size(), 1U);
    EXPECT_EQ(r.body.files[0].filename, "import-report.csv");
    EXPECT_EQ(r.body.files[0].bytes.substr(0, r.body.files[0].bytes.find('\n')), "line,outcome,column,reason");
    EXPECT_NE(r.body.files[0].bytes.find("\n2,added,,product "), std::string::npos) << r.body.files[0].bytes;
    EXPECT_NE(r.body.files[0].bytes.find("\n4,refused,variant_name,a product with these names already exists"), std::string::npos);
    EXPECT_NE(r.body.files[0].bytes.find("\n5,refused,stock,"), std::string::npos);

    // With update, the existing product takes the line's price; its stock stays.
    const auto updated = run("catalog import", {{"file", file}, {"update", true}});
    EXPECT_NE(updated.body.content.find("**0 added**, 2 updated"), std::string::npos) << updated.body.content;
    EXPECT_EQ(catalog_.search("Flix", 5)[0].price, money::usd_cents(700));
}

TEST_F(CatalogFeatureTest, AnExportReadsBackThroughImport) {
    flix();
    const auto r = run("catalog export", {});
    ASSERT_EQ(r.body.files.size(), 1U);
    EXPECT_EQ(r.body.files[0].filename, "catalog.csv");
    EXPECT_NE(r.body.content.find("The catalog: 1 products"), std::string::npos) << r.body.content;
    actions_.downloads["https://cdn.example/back.csv"] = r.body.files[0].bytes;
    const auto back = run("catalog import", {{"file", ports::attachment_info{2, "back.csv", "text/csv", 100, "https://cdn.example/back.csv"}},
                                            {"update", true}});
    EXPECT_NE(back.body.content.find("**0 added**, 1 updated, **0 refused**"), std::string::npos) << back.body.content;
    EXPECT_TRUE(run("catalog export", {}, false).body.files.empty());
}

}  // namespace
