#include <apexcore/core/key_pattern.hpp>

#include <apexcore/core/license_key.hpp>

#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace {

using apexcore::core::key_pattern;
using apexcore::core::key_pattern_error;

key_pattern compiled(std::string_view source) {
    auto p = key_pattern::compile(source);
    if (auto* e = std::get_if<key_pattern_error>(&p)) {
        ADD_FAILURE() << source << ": " << e->reason << " at " << e->offset;
        return std::get<key_pattern>(key_pattern::compile("x"));
    }
    return std::get<key_pattern>(std::move(p));
}

std::string refusal(std::string_view source) {
    auto p = key_pattern::compile(source);
    const auto* e = std::get_if<key_pattern_error>(&p);
    EXPECT_NE(e, nullptr) << source << " compiled";
    return e != nullptr ? e->reason : "";
}

// The same answers as ECMAScript (std::regex_match) over the language, on random short keys.
TEST(KeyPatternTest, AgreesWithEcmascriptOnItsLanguage) {
    const char* patterns[] = {"[A-Za-z0-9]{32}", "[A-Z]{4}(-[A-Z0-9]{4}){3}", "([A-Z0-9]+-?)+", "a|b|cd", "(ab|a)*b",
                              "\\d{3}-\\d{2}", "[^-]+-[^-]+", "x?y*z+", "(?:AB){1,3}C{2,}", ".{2,4}", "[\\w.]+",
                              "(a|)+b", "[a-c\\-]{0,3}", "\\.\\*\\[", "((a)(b|c)){2}", "[A-F0-9]{8}(-[A-F0-9]{4}){3}-[A-F0-9]{12}"};
    const std::string alphabet = "abcxyzABCDEF0129-._*[ ";
    std::mt19937 rng(5);
    for (const char* source : patterns) {
        const key_pattern mine = compiled(source);
        const std::regex reference(source, std::regex::ECMAScript);
        for (int i = 0; i < 3000; ++i) {
            std::string key(static_cast<std::size_t>(rng() % 12), ' ');
            for (char& c : key) c = alphabet[rng() % alphabet.size()];
            ASSERT_EQ(mine.matches(key), std::regex_match(key, reference)) << source << " on '" << key << "'";
        }
    }
    EXPECT_TRUE(compiled("[A-F0-9]{8}(-[A-F0-9]{4}){3}-[A-F0-9]{12}").matches("0123ABCD-0000-1111-2222-0123456789AB"));
    EXPECT_TRUE(compiled("^[A-Z]{2}$").matches("AB"));
}

// std::regex took 4.6 s on a 27-byte near-miss of this pattern and doubled per byte; here the
// cost is bounded by key bytes x program size (no timing asserted: the bound is structural).
TEST(KeyPatternTest, HostilePatternsStayLinear) {
    const key_pattern p = compiled("([A-Z0-9]+-?)+");
    EXPECT_LT(p.program_size(), 16U);
    const std::string near_miss = std::string(255, 'A') + "!";
    EXPECT_FALSE(p.matches(near_miss));
    EXPECT_TRUE(p.matches(std::string(256, 'A')));
    const key_pattern nested = compiled("((a*)*)*b");
    EXPECT_FALSE(nested.matches(std::string(256, 'a')));
}

TEST(KeyPatternTest, RefusesWhatIsOutsideTheLanguageWithAReason) {
    EXPECT_EQ(refusal(""), "the pattern is empty");
    EXPECT_EQ(refusal(std::string(201, 'a')), "longer than 200 bytes");
    EXPECT_EQ(refusal("(a{100}){100}"), "the pattern is too large (more than 4096 steps)");
    EXPECT_EQ(refusal("a{101}"), "a repeat count above 100");
    EXPECT_EQ(refusal("([unclosed"), "unbalanced '['");
    EXPECT_EQ(refusal("(a"), "unbalanced '('");
    EXPECT_EQ(refusal("a)"), "unbalanced ')'");
    EXPECT_EQ(refusal("*a"), "a quantifier with nothing to repeat");
    EXPECT_EQ(refusal("a**"), "a quantifier cannot follow a quantifier");
    EXPECT_EQ(refusal("(?=a)"), "only (?: ) groups are supported");
    EXPECT_EQ(refusal("\\1"), "unsupported escape");
    EXPECT_EQ(refusal("[z-a]"), "a range out of order");
    EXPECT_EQ(refusal("a{3,1}"), "{n,m} with m < n");
    EXPECT_EQ(refusal(std::string(17, '(') + "a" + std::string(17, ')')), "groups nested deeper than 16");
    EXPECT_EQ(refusal("\xC3\xA9"), "only printable ASCII characters are supported");
    EXPECT_TRUE(apexcore::core::license_key_pattern::describe_error("(a").has_value());
    EXPECT_FALSE(apexcore::core::license_key_pattern::describe_error("[A-Z]{4}").has_value());
}

}  // namespace
