#include <apexcore/core/catalog.hpp>
#include <apexcore/core/ledger.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::core;

ledger_draft draft(ledger_entry_type type, std::int64_t amount) {
    return {user_id{42}, type, money::usd_cents(amount), "test", std::nullopt, std::nullopt};
}

TEST(LedgerDraftTest, SignMustMatchTheType) {
    EXPECT_FALSE(validate(draft(ledger_entry_type::staff_credit, 100)).has_value());
    EXPECT_FALSE(validate(draft(ledger_entry_type::purchase, -100)).has_value());
    EXPECT_EQ(validate(draft(ledger_entry_type::purchase, 100)), ledger_draft_error::sign_mismatch);
    EXPECT_EQ(validate(draft(ledger_entry_type::deposit, -100)), ledger_draft_error::sign_mismatch);
    EXPECT_EQ(validate(draft(ledger_entry_type::deposit, 0)), ledger_draft_error::zero_amount);
}

TEST(LedgerDraftTest, RejectsOverlongDescriptionsAndMissingUser) {
    auto d = draft(ledger_entry_type::bonus, 5);
    d.description.assign(ledger_description_length_max + 1, 'x');
    EXPECT_EQ(validate(d), ledger_draft_error::description_too_long);
    d = draft(ledger_entry_type::bonus, 5);
    d.user = user_id{};
    EXPECT_EQ(validate(d), ledger_draft_error::missing_user);
}

TEST(LedgerTypeTest, NamesRoundTrip) {
    for (auto t : {ledger_entry_type::deposit, ledger_entry_type::purchase, ledger_entry_type::refund,
                   ledger_entry_type::staff_credit, ledger_entry_type::bonus, ledger_entry_type::withdrawal}) {
        EXPECT_EQ(parse_ledger_entry_type(to_string(t)), t);
    }
    EXPECT_FALSE(parse_ledger_entry_type("gift").has_value());
}

TEST(ProductValidationTest, EnforcesNamesAndPrice) {
    product p{{}, "Games", "Keys", "Indie", "Standard", money::usd_cents(100), true};
    EXPECT_FALSE(validate(p).has_value());
    p.service_name.clear();
    EXPECT_EQ(validate(p), product_error::empty_name);
    p.service_name.assign(product_name_length_max + 1, 'a');
    EXPECT_EQ(validate(p), product_error::name_too_long);
    p.service_name = "Indie";
    p.price = money::usd_cents(-1);
    EXPECT_EQ(validate(p), product_error::negative_price);
}

TEST(ProductValidationTest, QuestionsFitAModal) {
    product p{{}, "Games", "Boosts", "Rank boost", "Gold", money::usd_cents(100), true};
    p.questions = {"Your in-game name", std::string(product_question_length_max, 'q')};
    EXPECT_FALSE(validate(p).has_value());
    p.questions = {"a", "b", "c", "d", "e", "f"};
    EXPECT_EQ(validate(p), product_error::invalid_question) << "a modal holds 5 inputs";
    for (const auto& bad : std::vector<std::vector<std::string>>{{""},
                                                               {std::string(product_question_length_max + 1, 'q')},
                                                               {"Name\nand region"},
                                                               {"Name", "Name"}}) {
        p.questions = bad;
        EXPECT_EQ(validate(p), product_error::invalid_question) << bad.front();
    }
}

}  // namespace
