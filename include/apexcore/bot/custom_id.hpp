#pragma once
/// @file custom_id.hpp
/// The custom_id codec: compact, versioned state carried by the bot's buttons and selects.
///
/// Wire form (ASCII, <= 100 chars as Discord allows, REFERENCE.md §4):
///   "ac1:s"                       the product select of /buy
///   "ac1:b:<product_id>:<price>:<checkout>"  the "Buy with wallet" button; price in minor units as
///                                 shown; checkout = the id of the interaction that showed the card,
///                                 so every press of that one button is one checkout
///   "ac1:b:<product_id>:<price>"  the same button as apexcore 0.1.0 before checkout tokens made it
///                                 (still accepted; such a press is keyed by its own interaction)
///   "ac1:b:<product_id>:<price>:<checkout>:<promo>"  the Buy button once a promo code was applied
///                                 to the card (the code: 1..32 of A-Z a-z 0-9 _ -)
///   "ac1:p:<product_id>:<price>:<checkout>"  the card's "Promo code" button (opens a modal)
///   "ac1:q:<product_id>:<price>:<checkout>"  that modal
///   "ac1:v:<product_id>:<price>:<checkout>[:<promo>]"  the card's "Buy with wallet" button: shows
///                                 the final confirmation with the exact price to pay
///   "ac1:c:<product_id>:<total>:<checkout>[:<promo>]"  that confirmation's "Confirm" button: buys
///                                 if the price is still exactly <total> (minor units, after every
///                                 discount), else charges nothing; same checkout, so still one purchase
///   "ac1:d:<product_id>:<total>:<checkout>[:<promo>]"  "Confirm" for a product that asks
///                                 questions before it is bought: opens them in a modal
///   "ac1:e:<product_id>:<total>:<checkout>[:<promo>]"  that modal: buys with the answers
/// "ac1" names the codec version: a custom_id from an older or newer codec (or from another bot)
/// is `stale_version`, never misread. Every field is parsed strictly (decimal digits only, no
/// sign, no leading zeros, no extra fields), so a forged value is rejected with a reason; one
/// that parses is still only a request — the services re-check the product, its price and the
/// caller's balance in the same transaction that moves the money.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace apexcore::bot {

/// What a component asks the bot to do.
enum class component_kind {
    select_product,  ///< the /buy product select; the product comes in the select's values
    buy_product,     ///< the "Buy with wallet" button for one product at a shown price
    promo_form,      ///< the card's "Promo code" button
    promo_submit,    ///< the promo code modal
    review_purchase, ///< the card's "Buy with wallet": the final confirmation
    confirm_purchase,  ///< the confirmation's "Confirm": buys at the total shown
    details_form,    ///< "Confirm" of a product with questions: opens them in a modal
    details_submit,  ///< the questions' modal: buys with the answers
};

/// The decoded state of a custom_id.
struct custom_id_action {
    component_kind kind = component_kind::select_product;
    core::product_id product;        ///< buy_product only
    /// The price the customer saw, minor units: the list price (buy_product, promo_form,
    /// promo_submit, review_purchase) or the total to pay after every discount
    /// (confirm_purchase, details_form, details_submit).
    std::int64_t price_minor = 0;
    /// buy_product only: the checkout token — the snowflake of the interaction that showed the
    /// card. Presses that carry the same token are one purchase (its idempotency key); 0 for the
    /// older 4-field form.
    core::interaction_id checkout{};
    /// buy_product only: a promo code applied on the card (empty: none).
    std::string promo{};
    friend bool operator==(const custom_id_action&, const custom_id_action&) = default;
};

/// Why a custom_id was refused.
enum class custom_id_error {
    empty,          ///< ""
    too_long,       ///< more than 100 characters
    stale_version,  ///< not from this codec version ("ac1")
    unknown_action, ///< a kind this version does not define
    malformed,      ///< wrong field count or a field that is not a canonical decimal
};

/// Whether `code` can be a promo code: 1..32 of A-Z a-z 0-9 _ - (services::validate_promo's rule).
[[nodiscard]] bool is_promo_code_text(std::string_view code);

/// The codec version prefix.
inline constexpr std::string_view custom_id_version = "ac1";

/// Encodes an action; the result is at most 100 characters.
[[nodiscard]] std::string encode_custom_id(const custom_id_action& action);

/// Decodes a custom_id, strictly. See the file comment for the rules.
[[nodiscard]] core::result<custom_id_action, custom_id_error> decode_custom_id(std::string_view text);

/// A short English explanation of a custom_id_error for an ephemeral reply.
[[nodiscard]] std::string_view describe(custom_id_error e);

}  // namespace apexcore::bot
