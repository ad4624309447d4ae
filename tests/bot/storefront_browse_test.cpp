// Browsing the catalog (issue 11 §1): main category → sub-category → products, 25 options a page,
// from /buy and from the persistent panel; views within Discord's component limits.
#include <apexcore/bot/features/storefront.hpp>
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace apexcore;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};

/// Every custom_id in a message is unique and within 100 characters; every select has 1..25
/// options with labels within 100; at most 5 rows (Discord's component limits, REFERENCE.md §4).
void expect_within_limits(const ports::message& m) {
    std::set<std::string> ids;
    EXPECT_LE(m.rows.size(), ports::action_rows_max);
    for (const auto& row : m.rows) {
        for (const auto& c : row.components) {
            std::string id;
            if (const auto* b = std::get_if<ports::button>(&c)) id = b->custom_id;
            if (const auto* s = std::get_if<ports::string_select>(&c)) {
                id = s->custom_id;
                EXPECT_GE(s->options.size(), 1U);
                EXPECT_LE(s->options.size(), ports::select_options_max);
                for (const auto& o : s->options) {
                    EXPECT_LE(core::utf8_length(o.label), 100U);
                    EXPECT_LE(o.value.size(), 100U);
                    EXPECT_LE(core::utf8_length(o.description), 100U);
                }
            }
            EXPECT_LE(id.size(), ports::custom_id_length_max) << id;
            EXPECT_TRUE(ids.insert(id).second) << "duplicate custom_id " << id;
        }
    }
}

class BrowseTest : public ::testing::Test {
protected:
    sqlite::sqlite_store store_{{.path = ":memory:"}};
    services::wallet_service wallet_{store_, services::shop_config{}};
    services::catalog_service catalog_{store_, services::shop_config{}};
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_};
    std::uint64_t next_id_ = 1000;

    void add(const std::string& main, const std::string& sub, const std::string& service, std::int64_t cents,
             std::optional<std::int64_t> stock = std::nullopt) {
        core::product p{{}, main, sub, service, "Standard", money::usd_cents(cents), true};
        p.stock = stock;
        p.low_stock_threshold = 5;
        ASSERT_TRUE(catalog_.add(p).ok()) << service;
    }
    using action_type = std::variant<ports::command_invocation, ports::component_action, ports::modal_submit, ports::autocomplete_request>;
    ports::interaction as(core::user_id who, action_type action, std::vector<core::role_id> roles = {}) {
        return {core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2}, {who, "member", std::move(roles)},
                std::move(action)};
    }
    ports::interaction_response pick(const ports::message& m, std::string value, std::size_t row = 0) {
        const auto& select = std::get<ports::string_select>(m.rows.at(row).components.at(0));
        return bot_.handle(as(customer, ports::component_action{select.custom_id, {std::move(value)}, ports::component_kind::string_select}));
    }
    ports::interaction_response press(const ports::message& m, std::string_view label) {
        for (const auto& row : m.rows) {
            for (const auto& c : row.components) {
                if (const auto* b = std::get_if<ports::button>(&c); b != nullptr && b->label == label) {
                    return bot_.handle(as(customer, ports::component_action{b->custom_id, {}, ports::component_kind::button}));
                }
            }
        }
        ADD_FAILURE() << "no button " << label;
        return {};
    }
    static std::vector<std::string> labels(const ports::message& m) {
        std::vector<std::string> out;
        for (const auto& o : std::get<ports::string_select>(m.rows.at(0).components.at(0)).options) out.push_back(o.label);
        return out;
    }
};

TEST_F(BrowseTest, ASmallShopIsOneSelectOfProducts) {
    add("Games", "Keys", "Indie", 500);
    const auto r = bot_.handle(as(customer, ports::command_invocation{"buy", {}}));
    EXPECT_EQ(std::get<ports::string_select>(r.body.rows.at(0).components.at(0)).custom_id, "ac1:s");
}

TEST_F(BrowseTest, ABigShopIsBrowsedByCategoryAndPagedTwentyFiveAtATime) {
    for (int i = 0; i < 30; ++i) add("Games", "Keys", "Game " + std::to_string(100 + i), 100 + i, i == 0 ? std::optional<std::int64_t>(0) : std::nullopt);
    add("Games", "Gift cards", "Card", 2500, 3);
    add("Streaming", "Video", "Flix", 499);

    const auto top = bot_.handle(as(customer, ports::command_invocation{"buy", {}}));
    EXPECT_EQ(top.kind, ports::response_kind::reply);
    EXPECT_TRUE(top.body.ephemeral);
    EXPECT_EQ(labels(top.body), (std::vector<std::string>{"Games", "Streaming"}));
    EXPECT_EQ(std::get<ports::string_select>(top.body.rows[0].components[0]).options[0].description, "31 products");
    expect_within_limits(top.body);

    const auto games = pick(top.body, bot::category_key("Games"));
    EXPECT_EQ(games.kind, ports::response_kind::update_message);
    EXPECT_EQ(labels(games.body), (std::vector<std::string>{"Gift cards", "Keys"}));
    EXPECT_EQ(std::get<ports::string_select>(games.body.rows[0].components[0]).options[1].description, "30 products · from $1.00");
    expect_within_limits(games.body);

    const auto keys = pick(games.body, bot::category_key("Keys"));
    EXPECT_EQ(labels(keys.body).size(), 25U);
    EXPECT_EQ(keys.body.embeds.at(0).footer, "Page 1 of 2");
    EXPECT_EQ(std::get<ports::string_select>(keys.body.rows[0].components[0]).options[0].description, "$1.00 · sold out");
    expect_within_limits(keys.body);
    const auto page2 = press(keys.body, "Next");
    EXPECT_EQ(labels(page2.body).size(), 5U);
    EXPECT_EQ(page2.body.embeds.at(0).footer, "Page 2 of 2");
    expect_within_limits(page2.body);
    EXPECT_EQ(labels(press(page2.body, "Previous").body).size(), 25U);
    EXPECT_EQ(labels(press(page2.body, "Back").body), (std::vector<std::string>{"Gift cards", "Keys"}));

    // A product picked: its card, with the Buy button.
    const auto& option = std::get<ports::string_select>(page2.body.rows[0].components[0]).options[0];
    const auto card = pick(page2.body, option.value);
    EXPECT_EQ(card.kind, ports::response_kind::update_message);
    EXPECT_EQ(card.body.embeds.at(0).title, option.label);

    const auto gift = pick(games.body, bot::category_key("Gift cards"));  // one product: still a list to pick from
    EXPECT_EQ(std::get<ports::string_select>(gift.body.rows[0].components[0]).options[0].description, "$25.00 · only 3 left");
}

TEST_F(BrowseTest, ThePanelIsPublicAndWhatAMemberPicksOpensForThemAlone) {
    for (int i = 0; i < 26; ++i) add("Games", "Keys", "Game " + std::to_string(i), 100);
    add("Streaming", "Video", "Flix", 499);
    EXPECT_EQ(bot_.handle(as(customer, ports::command_invocation{"shop panel", {}})).body.content, "Only staff members can do that.");
    const auto panel = bot_.handle(as(staff_user, ports::command_invocation{"shop panel", {}}, {staff_role}));
    EXPECT_FALSE(panel.body.ephemeral) << "everyone sees the panel";
    EXPECT_EQ(labels(panel.body), (std::vector<std::string>{"Games", "Streaming"}));

    const auto opened = pick(panel.body, bot::category_key("Streaming"));
    EXPECT_EQ(opened.kind, ports::response_kind::reply) << "never an update of the shared panel";
    EXPECT_TRUE(opened.body.ephemeral);
    EXPECT_EQ(labels(opened.body), (std::vector<std::string>{"Flix - Standard"})) << "one sub-category: skipped";
    // The member's own message updates itself from then on.
    const auto card = pick(opened.body, std::get<ports::string_select>(opened.body.rows[0].components[0]).options[0].value);
    EXPECT_EQ(card.kind, ports::response_kind::update_message);
    EXPECT_EQ(card.body.embeds.at(0).title, "Flix - Standard");
}

TEST_F(BrowseTest, ForgedOrStaleCustomIdsGetAnAnswerNotACrash) {
    add("Games", "Keys", "Indie", 500);
    for (const char* forged : {"sf:", "sf:zz:::0", "sf:em:GGGGGGGG::0", "sf:em:::-1", "sf:em:::01", "sf:em::", "sf:x:next"}) {
        const auto r = bot_.handle(as(customer, ports::component_action{forged, {}, ports::component_kind::button}));
        EXPECT_EQ(r.body.content, "This control is not valid.") << forged;
    }
    const auto stale = bot_.handle(as(customer, ports::component_action{"sf:eg:00000000:00000000:0", {}, ports::component_kind::button}));
    EXPECT_EQ(stale.body.content, "That part of the shop is gone; open /buy again.");
    const auto far = bot_.handle(as(customer, ports::component_action{
                                                  "sf:eg:" + bot::category_key("Games") + ":" + bot::category_key("Keys") + ":" +
                                                      bot::category_key("Indie") + ":7",
                                                  {}, ports::component_kind::button}));
    EXPECT_EQ(far.body.content, "That page of the shop is gone; open /buy again.");
    // A products-level id from before the services level (no service key) reads as the services.
    const auto legacy = bot::decode_browse("sf:eg:" + bot::category_key("Games") + ":" + bot::category_key("Keys") + ":0");
    ASSERT_TRUE(legacy);
    EXPECT_EQ(legacy->level, bot::browse_level::services);
    EXPECT_FALSE(bot::decode_browse("sf:ev:" + bot::category_key("Games") + ":" + bot::category_key("Keys") + ":" +
                                    bot::category_key("Indie") + ":0"))
        << "only the variants level names a service";
    EXPECT_FALSE(bot::decode_browse("sf:pm:::0")->main.size());
    EXPECT_TRUE(bot::decode_browse("sf:pm:::0")->from_panel);
}

TEST_F(BrowseTest, BuyWithAProductSuggestsAsTheMemberTypesAndOpensTheCard) {
    add("Streaming", "Video", "StreamFlix Premium", 499);
    add("Streaming", "Music", "TuneBox", 750);
    add("Games", "Keys", "Indie 100% Bundle", 1200);
    core::product tagged{{}, "Software", "Security", "SafeVPN", "3 months", money::usd_cents(900), true};
    tagged.tags = {"vpn", "privacy"};
    ASSERT_TRUE(catalog_.add(tagged).ok());

    const auto suggest = [&](std::string typed) {
        return bot_.handle(as(customer, ports::autocomplete_request{"buy", "product", std::move(typed), {}}));
    };
    const auto flix = suggest("flix");
    EXPECT_EQ(flix.kind, ports::response_kind::suggest);
    ASSERT_EQ(flix.choices.size(), 1U);
    EXPECT_EQ(flix.choices[0].name, "StreamFlix Premium - Standard — $4.99");
    EXPECT_EQ(suggest("STREAM").choices.size(), 2U) << "names and categories, any case";
    EXPECT_EQ(suggest("priv").choices.size(), 1U) << "a tag's start";
    EXPECT_EQ(suggest("100%").choices.size(), 1U) << "% is a literal, not a wildcard";
    EXPECT_EQ(suggest("1%").choices.size(), 0U);
    EXPECT_TRUE(suggest("").choices.empty());

    const std::string id = std::get<std::string>(flix.choices[0].value);
    const auto card = bot_.handle(as(customer, ports::command_invocation{"buy", {{"product", id}}}));
    EXPECT_EQ(card.kind, ports::response_kind::reply);
    EXPECT_EQ(card.body.embeds.at(0).title, "StreamFlix Premium - Standard");
    const auto typed = bot_.handle(as(customer, ports::command_invocation{"buy", {{"product", std::string("tunebox")}}}));
    EXPECT_EQ(typed.body.embeds.at(0).title, "TuneBox - Standard") << "one match: its card";
    const auto many = bot_.handle(as(customer, ports::command_invocation{"buy", {{"product", std::string("stream")}}}));
    EXPECT_EQ(many.body.content, "No single product matches `stream`; here is the shop.");
    EXPECT_FALSE(many.body.rows.empty());
}

// The services level (issue 11 §1): main → sub → service → variant; a service with one variant
// is offered as its product.
TEST_F(BrowseTest, AServiceWithSeveralVariantsOpensItsVariants) {
    add("Streaming", "Video", "Flix", 499);
    core::product year{{}, "Streaming", "Video", "Flix", "12 months", money::usd_cents(4999), true};
    ASSERT_TRUE(catalog_.add(year).ok());
    add("Streaming", "Video", "Tube", 299);
    add("Games", "Keys", "Indie", 500);
    const auto top = bot_.handle(as(customer, ports::command_invocation{"shop panel", {}}, {staff_role}));
    const auto& panel_select = std::get<ports::string_select>(top.body.rows.at(0).components.at(0));
    const auto streaming = bot_.handle(as(customer, ports::component_action{panel_select.custom_id, {bot::category_key("Streaming")},
                                                                            ports::component_kind::string_select}));
    EXPECT_EQ(labels(streaming.body), (std::vector<std::string>{"Flix", "Tube - Standard"})) << "one sub-category: skipped to services";
    const auto& services = std::get<ports::string_select>(streaming.body.rows.at(0).components.at(0));
    EXPECT_EQ(services.options[0].description, "2 options · from $4.99");
    EXPECT_EQ(services.options[1].value.front(), '#') << "a single variant is its product";
    const auto card = bot_.handle(as(customer, ports::component_action{services.custom_id, {services.options[1].value},
                                                                       ports::component_kind::string_select}));
    EXPECT_EQ(card.body.embeds.at(0).title, "Tube - Standard");
    const auto flix = bot_.handle(as(customer, ports::component_action{services.custom_id, {services.options[0].value},
                                                                       ports::component_kind::string_select}));
    EXPECT_EQ(labels(flix.body), (std::vector<std::string>{"Flix - 12 months", "Flix - Standard"})) << "in catalog order";
    EXPECT_EQ(flix.body.embeds.at(0).description, "**Streaming › Video › Flix** — pick an option to see it.");
    EXPECT_EQ(labels(press(flix.body, "Back").body), (std::vector<std::string>{"Flix", "Tube - Standard"}));
    expect_within_limits(flix.body);
}

TEST(BrowseViewTest, LongNamesAndManyCategoriesStayWithinLimits) {
    std::vector<core::product> catalog;
    for (int m = 0; m < 60; ++m) {
        core::product p{{}, std::string(64, static_cast<char>('A' + m % 26)) + std::to_string(m), std::string(64, 's'),
                        std::string(48, 'x'), std::string(48, 'y'), money::usd_cents(100), true};
        p.id = core::product_id{m + 1};
        catalog.push_back(p);
    }
    std::sort(catalog.begin(), catalog.end(), [](const auto& a, const auto& b) { return a.main_category < b.main_category; });
    for (int page = 0; page < 3; ++page) {
        const auto view = bot::browse_view(catalog, {bot::browse_level::mains, "", "", "", page, false});
        expect_within_limits(view);
        EXPECT_EQ(view.embeds.at(0).footer, "Page " + std::to_string(page + 1) + " of 3");
    }
    const auto products = bot::browse_view(catalog, {bot::browse_level::products, bot::category_key(catalog[0].main_category),
                                                     bot::category_key(catalog[0].sub_category), bot::category_key(catalog[0].service_name), 0,
                                                     false});
    expect_within_limits(products);
}

}  // namespace
