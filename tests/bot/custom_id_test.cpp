#include <apexcore/bot/custom_id.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::bot;
using apexcore::core::product_id;

TEST(CustomIdTest, RoundTrips) {
    const custom_id_action select{component_kind::select_product, {}, 0};
    const custom_id_action buy{component_kind::buy_product, product_id{42}, 1299};
    EXPECT_EQ(encode_custom_id(select), "ac1:s");
    EXPECT_EQ(encode_custom_id(buy), "ac1:b:42:1299");
    EXPECT_EQ(decode_custom_id(encode_custom_id(select)).value(), select);
    EXPECT_EQ(decode_custom_id(encode_custom_id(buy)).value(), buy);
}

TEST(CustomIdTest, LargestValuesFitDiscordsLimit) {
    const custom_id_action buy{component_kind::buy_product, product_id{INT64_MAX}, INT64_MAX};
    const std::string encoded = encode_custom_id(buy);
    EXPECT_LE(encoded.size(), 100U);
    EXPECT_EQ(decode_custom_id(encoded).value(), buy);
}

TEST(CustomIdTest, RejectsForgedValues) {
    const std::pair<const char*, custom_id_error> cases[] = {
        {"", custom_id_error::empty},
        {"ac0:b:1:100", custom_id_error::stale_version},
        {"ac2:s", custom_id_error::stale_version},
        {"buy_42", custom_id_error::stale_version},
        {"ac1:x:1", custom_id_error::unknown_action},
        {"ac1", custom_id_error::malformed},
        {"ac1:b:1", custom_id_error::malformed},
        {"ac1:b:1:100:7:8:9", custom_id_error::malformed},
        {"ac1:b:1:100:7:bad code", custom_id_error::malformed},
        {"ac1:b:1:100:7:", custom_id_error::malformed},
        {"ac1:b:1:100:7:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", custom_id_error::malformed},
        {"ac1:p:1:100", custom_id_error::malformed},
        {"ac1:q:1:100:7:CODE", custom_id_error::malformed},
        {"ac1:b:1:100:0", custom_id_error::malformed},
        {"ac1:b:1:100:07", custom_id_error::malformed},
        {"ac1:b:1:100:", custom_id_error::malformed},
        {"ac1:b:-1:100", custom_id_error::malformed},
        {"ac1:b:1:-100", custom_id_error::malformed},
        {"ac1:b:0:100", custom_id_error::malformed},
        {"ac1:b:01:100", custom_id_error::malformed},
        {"ac1:b:1:1e3", custom_id_error::malformed},
        {"ac1:b:1: 100", custom_id_error::malformed},
        {"ac1:b:99999999999999999999:1", custom_id_error::malformed},
        {"ac1:s:extra", custom_id_error::malformed},
    };
    for (const auto& [text, expected] : cases) {
        const auto decoded = decode_custom_id(text);
        ASSERT_FALSE(decoded.ok()) << text;
        EXPECT_EQ(decoded.error(), expected) << text;
    }
}

TEST(CustomIdTest, APromoCodeRidesOnTheBuyButtonWithinTheLimit) {
    custom_id_action longest{component_kind::buy_product, apexcore::core::product_id{9223372036854775807}, 9223372036854775807,
                             apexcore::core::interaction_id{18446744073709551615ULL}};
    longest.promo = std::string(32, 'Z');
    const std::string text = encode_custom_id(longest);
    EXPECT_LE(text.size(), 100U) << text;
    EXPECT_EQ(decode_custom_id(text).value(), longest);
    const custom_id_action form{component_kind::promo_form, apexcore::core::product_id{4}, 500, apexcore::core::interaction_id{77}};
    EXPECT_EQ(encode_custom_id(form), "ac1:p:4:500:77");
    EXPECT_EQ(decode_custom_id("ac1:p:4:500:77").value(), form);
    EXPECT_EQ(decode_custom_id("ac1:q:4:500:77").value().kind, component_kind::promo_submit);
}

TEST(CustomIdTest, TheBuyButtonCarriesItsCheckoutTokenAndTheOlderFormStillReads) {
    const custom_id_action with_token{component_kind::buy_product, apexcore::core::product_id{42}, 1999,
                                      apexcore::core::interaction_id{1300000000000000555}};
    EXPECT_EQ(encode_custom_id(with_token), "ac1:b:42:1999:1300000000000000555");
    EXPECT_EQ(decode_custom_id("ac1:b:42:1999:1300000000000000555").value(), with_token);
    const auto older = decode_custom_id("ac1:b:42:1999");
    ASSERT_TRUE(older.ok());
    EXPECT_TRUE(older->checkout.empty()) << "a button made before checkout tokens";
}

TEST(CustomIdTest, RejectsTooLong) {
    const std::string long_id = "ac1:b:1:" + std::string(100, '1');
    EXPECT_EQ(decode_custom_id(long_id).error(), custom_id_error::too_long);
}

}  // namespace
