#include <apexcore/core/text.hpp>

#include <apexcore/core/catalog_csv.hpp>

#include <gtest/gtest.h>

#include <random>

namespace {

namespace core = apexcore::core;

TEST(Utf8Test, ValidatesByTheUnicodeTable) {
    EXPECT_TRUE(core::is_valid_utf8(""));
    EXPECT_TRUE(core::is_valid_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // a é € 😀
    for (std::string_view bad : {"\x80", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                 "\xF5\x80\x80\x80", "\xFF", "a\xE2\x82"}) {
        EXPECT_FALSE(core::is_valid_utf8(bad)) << testing::PrintToString(std::string(bad));
    }
}

TEST(Utf8Test, RepairsEachMaximalSubpartWithOneReplacement) {
    EXPECT_EQ(core::to_valid_utf8("ok"), "ok");
    EXPECT_EQ(core::to_valid_utf8("a\xE2\x82" "b"), "a\xEF\xBF\xBD" "b");      // truncated sequence: one U+FFFD
    EXPECT_EQ(core::to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");   // overlong: two
    EXPECT_EQ(core::to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Utf8Test, RepairedTextIsAlwaysValidProperty) {
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 20000; ++i) {
        std::string s(static_cast<std::size_t>(i % 40), '\0');
        for (char& c : s) c = static_cast<char>(byte(rng));
        const std::string repaired = core::to_valid_utf8(s);
        ASSERT_TRUE(core::is_valid_utf8(repaired));
        if (core::is_valid_utf8(s)) {
            ASSERT_EQ(repaired, s);
        }
        for (std::size_t limit : {0U, 1U, 2U, 7U, 40U}) {
            const std::string cut = core::truncate_utf8(s, limit);
            ASSERT_TRUE(core::is_valid_utf8(cut));
            ASSERT_LE(core::utf8_length(cut), limit);
            const std::string cut_bytes = core::truncate_utf8_bytes(s, limit);
            ASSERT_TRUE(core::is_valid_utf8(cut_bytes));
            ASSERT_LE(cut_bytes.size(), limit);
        }
    }
}

// The /addbalance reproduction: one ASCII letter and 24 two-byte letters cut at 40 used to split a
// code point. Truncation counts code points, never splits one, and marks the cut with "…".
TEST(Utf8Test, TruncatesOnCodePointsWithAnEllipsis) {
    std::string amount = "a";
    for (int i = 0; i < 24; ++i) amount += "\xC3\xA9";
    EXPECT_EQ(core::truncate_utf8(amount, 25), amount);
    const std::string cut = core::truncate_utf8(amount, 10);
    EXPECT_EQ(core::utf8_length(cut), 10U);
    EXPECT_TRUE(cut.ends_with(core::utf8_ellipsis));
    EXPECT_TRUE(core::is_valid_utf8(cut));
    EXPECT_EQ(core::truncate_utf8_bytes(amount, 40).size(), 39U);  // not 40: that would split "é"
}

TEST(Utf8Test, KeepsCombiningMarksWithTheirBase) {
    // "e" + COMBINING ACUTE (U+0301) repeated: a cut never leaves a bare base before its mark.
    const std::string text = "xe\xCC\x81y";
    const std::string cut = core::truncate_utf8(text, 3);  // x e | U+0301 would be split
    EXPECT_EQ(cut, "x\xE2\x80\xA6");
    // A thumbs-up with a skin tone modifier stays whole or goes whole.
    const std::string thumbs = "ab\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD" "cd";
    EXPECT_EQ(core::truncate_utf8(thumbs, 4), "ab\xE2\x80\xA6");
}

TEST(CatalogCsvLimitsTest, RejectsInvalidUtf8AndNulWithTheirLine) {
    const std::string header = "main_category,sub_category,service_name,variant_name,price\n";
    auto parsed = core::parse_catalog_csv(header + "A,B,C,D,1.00\nA,B,\xC3(,D,1.00\n", core::usd);
    ASSERT_EQ(parsed.issues.size(), 1U);
    EXPECT_EQ(parsed.issues[0].line, 3U);
    EXPECT_TRUE(parsed.rows.empty()) << "nothing of a mis-encoded file is imported";
    parsed = core::parse_catalog_csv(header + std::string("A,B,C\0x,D,1.00\n", 15), core::usd);
    ASSERT_EQ(parsed.issues.size(), 1U);
    EXPECT_EQ(parsed.issues[0].line, 2U);
}

TEST(CatalogCsvLimitsTest, TextAfterAClosingQuoteIsAnError) {
    const auto parsed = core::parse_catalog_csv(
        "main_category,sub_category,service_name,variant_name,price\n\"a\"b,B,C,D,1.00\n", core::usd);
    ASSERT_EQ(parsed.issues.size(), 1U);
    EXPECT_EQ(parsed.issues[0].line, 2U);
    EXPECT_NE(parsed.issues[0].reason.find("closing quote"), std::string::npos);
    EXPECT_TRUE(parsed.rows.empty());
}

TEST(CatalogCsvLimitsTest, TooManyLinesStopsWhileReading) {
    // 4 MiB of ",\n" once built two million records before the line limit was checked.
    std::string text;
    while (text.size() + 2 <= core::catalog_csv_bytes_max) text += ",\n";
    const auto parsed = core::parse_catalog_csv(text, core::usd);
    ASSERT_EQ(parsed.issues.size(), 1U);
    EXPECT_NE(parsed.issues[0].reason.find("more than 10000 data lines"), std::string::npos);
    EXPECT_TRUE(parsed.rows.empty());
    std::string wide = "a";
    for (int i = 0; i < 100; ++i) wide += ",a";
    EXPECT_NE(core::parse_catalog_csv(wide, core::usd).issues.at(0).reason.find("fields"), std::string::npos);
}

}  // namespace
