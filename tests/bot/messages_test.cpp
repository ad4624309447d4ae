// The message catalog (issue 11 §8): shipped English for every key, the owner's overrides chosen
// by the interaction's locale (exact, then language, then "default"), placeholders checked when
// the overrides are made, and the bot speaking through it.
#include <apexcore/bot/messages.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <algorithm>

namespace {

using namespace apexcore;
using bot::message_catalog;
using bot::message_error;

TEST(MessageCatalogTest, EveryKeyIsShippedOnceSortedAndEveryRejectionHasItsText) {
    const auto all = bot::message_defaults();
    ASSERT_GT(all.size(), 150U);
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key < b.key; }));
    EXPECT_EQ(std::adjacent_find(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key == b.key; }), all.end());
    for (const auto& m : all) {
        EXPECT_FALSE(m.english.empty()) << m.key;
        EXPECT_LE(m.english.size(), bot::message_length_max) << m.key;
    }
    const message_catalog english;
    for (int v = 0; v <= static_cast<int>(core::last_rejection); ++v) {
        const auto r = static_cast<core::rejection>(v);
        EXPECT_EQ(english.text(r, "de"), core::describe(r)) << core::to_string(r);
    }
    EXPECT_EQ(english.text("storefront.thank_you", "", {{"reference", "AC-1"}}), "Thank you! Order **AC-1** is paid.");
    EXPECT_THROW((void)english.text("storefront.no_such_text", ""), std::out_of_range);
}

TEST(MessageCatalogTest, PlaceholdersAreFilledAndOtherBracesKept) {
    EXPECT_EQ(bot::fill_placeholders("Order **{reference}**: {product}, {reference}", {{"reference", "AC-9"}, {"product", "Key"}}),
              "Order **AC-9**: Key, AC-9");
    EXPECT_EQ(bot::fill_placeholders("{missing} {} {Upper} {{reference}} {", {{"reference", "R"}}), "{missing} {} {Upper} {R} {");
    EXPECT_EQ(bot::fill_placeholders("{a}", {{"a", "{b}"}, {"b", "no"}}), "{b}") << "a value is not filled again";
}

TEST(MessageCatalogTest, TheMemberSeesTheirLanguageThenTheOwnersDefaultThenEnglish) {
    auto made = message_catalog::make({
        {"default", {{"wallet.balance", "Balance: {balance}"}}},
        {"pt", {{"wallet.balance", "Saldo: {balance}"}, {"orders.none", "Ainda sem pedidos."}}},
        {"pt-BR", {{"wallet.balance", "Seu saldo: {balance}"}}},
    });
    ASSERT_TRUE(made.ok()) << made.error().detail;
    const message_catalog& texts = *made;
    EXPECT_EQ(texts.text("wallet.balance", "pt-BR", {{"balance", "R$5"}}), "Seu saldo: R$5");
    EXPECT_EQ(texts.text("wallet.balance", "pt-PT", {{"balance", "5"}}), "Saldo: 5") << "the language when the region has none";
    EXPECT_EQ(texts.text("orders.none", "pt-BR"), "Ainda sem pedidos.");
    EXPECT_EQ(texts.text("wallet.balance", "de", {{"balance", "5"}}), "Balance: 5") << "the owner's default";
    EXPECT_EQ(texts.text("wallet.balance", "", {{"balance", "5"}}), "Balance: 5") << "no interaction: the default";
    EXPECT_EQ(texts.text("orders.none", "de"), "You have no orders yet. Browse the shop with /buy.") << "then English";
}

TEST(MessageCatalogTest, AnOverrideThatCannotWorkIsRefusedWithWhereAndWhy) {
    const auto refused = [](bot::message_overrides o) { return message_catalog::make(std::move(o)).error(); };
    const auto typo = refused({{"de", {{"storefront.thank_you", "Danke! Bestellung **{referenz}** ist bezahlt."}}}});
    EXPECT_EQ(typo.error, message_error::unknown_placeholder);
    EXPECT_EQ(typo.locale, "de");
    EXPECT_EQ(typo.key, "storefront.thank_you");
    EXPECT_EQ(typo.detail, "{referenz} is not a placeholder of this text (it has: {reference})");
    EXPECT_EQ(refused({{"de", {{"storefront.thanks", "Danke"}}}}).error, message_error::unknown_key);
    EXPECT_EQ(refused({{"german", {{"wallet.balance", "x"}}}}).error, message_error::bad_locale);
    EXPECT_EQ(refused({{"de_DE", {{"wallet.balance", "x"}}}}).error, message_error::bad_locale);
    EXPECT_EQ(refused({{"de", {{"wallet.balance", ""}}}}).error, message_error::bad_text);
    EXPECT_EQ(refused({{"de", {{"wallet.balance", std::string("\xC3\x28")}}}}).error, message_error::bad_text);
    EXPECT_EQ(refused({{"de", {{"wallet.balance", std::string(bot::message_length_max + 1, 'x')}}}}).error, message_error::bad_text);
    EXPECT_TRUE(message_catalog::make({{"de", {{"rejection.not_staff", "Nur für das Team."}}}}).ok());
    EXPECT_TRUE(message_catalog::make({{"fr", {{"wallet.balance", "Solde : {balance} — {balance}"}}}}).ok()) << "a placeholder twice";
}

TEST(MessageCatalogTest, TheBotAnswersEachMemberInTheirLanguage) {
    sqlite::sqlite_store store{{.path = ":memory:"}};
    services::wallet_service wallet{store, services::shop_config{}};
    services::catalog_service catalog{store, services::shop_config{}};
    auto texts = message_catalog::make({{"de", {{"wallet.balance", "Dein Guthaben: **{balance}**."},
                                                {"rejection.not_staff", "Nur für das Team."}}}});
    ASSERT_TRUE(texts.ok());
    bot::shop_bot shop{{core::guild_id{1}, core::role_id{77}, core::usd, {}, std::make_shared<const message_catalog>(std::move(*texts))},
                       wallet, catalog};
    const auto ask = [&](std::string name, std::string locale) {
        ports::interaction i{core::interaction_id{1}, core::guild_id{1}, core::channel_id{2}, {core::user_id{20}, "member", {}},
                             ports::command_invocation{std::move(name), {}}};
        i.locale = std::move(locale);
        return shop.handle(i).body.content;
    };
    EXPECT_EQ(ask("balance", "de"), "Dein Guthaben: **$0.00**.");
    EXPECT_EQ(ask("balance", "en-US"), "Your wallet balance is **$0.00**.");
    EXPECT_EQ(ask("balance", ""), "Your wallet balance is **$0.00**.");
    EXPECT_EQ(ask("shop panel", "de"), "Nur für das Team.") << "rejections are texts too";
}

}  // namespace

namespace {

// SIGHUP replaces the owner's texts while members are being answered (issue 12 §7).
TEST(MessageCatalogReplaceTest, TextsChangeAtOnceWhileOthersAreRendered) {
    auto catalog = *apexcore::bot::message_catalog::make({{"default", {{"wallet.balance", "Old {balance}"}}}});
    const auto old = catalog;
    const auto next = *apexcore::bot::message_catalog::make({{"default", {{"wallet.balance", "New {balance}"}}}});
    std::atomic<bool> stop{false};
    std::atomic<int> odd{0};
    std::thread reader([&] {
        while (!stop) {
            const auto t = catalog.text("wallet.balance", "", {{"balance", "$1"}});
            if (t != "Old $1" && t != "New $1") ++odd;
        }
    });
    for (int n = 0; n < 2000; ++n) catalog.replace(n % 2 == 0 ? next : old);
    catalog.replace(next);
    stop = true;
    reader.join();
    EXPECT_EQ(odd.load(), 0) << "every text is the old or the new one, never a mix";
    EXPECT_EQ(catalog.text("wallet.balance", "", {{"balance", "$2"}}), "New $2");
}

}  // namespace
