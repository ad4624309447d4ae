#pragma once
// The shipped English of the message catalog (messages.hpp), one entry per key. Private to the
// bot library: messages.cpp adds the "rejection.*" keys from core::describe and sorts the table.
#include <apexcore/bot/messages.hpp>

#include <array>

namespace apexcore::bot::detail {

inline constexpr std::array english_messages = std::to_array<message_entry>({
    // --- shared ------------------------------------------------------------------------------
    {"common.control_invalid", "This control is not valid."},
    {"common.form_invalid", "This form is not valid."},
    {"common.pick_one", "Pick exactly one."},
    {"common.pick_one_product", "Pick exactly one product."},

    // --- browsing (storefront.hpp browse_view) -----------------------------------------------
    {"browse.title", "Shop"},
    {"browse.pick_category", "Pick a category."},
    {"browse.choose_category", "Choose a category"},
    {"browse.pick_sub_category", "**{category}** — pick a category."},
    {"browse.pick_product", "**{category} › {sub_category}** — pick a product to see it."},
    {"browse.sub_category_option", "{products} · from {price}"},
    {"browse.one_product", "1 product"},
    {"browse.products", "{count} products"},
    {"browse.option_sold_out", "{price} · sold out"},
    {"browse.option_few_left", "{price} · only {count} left"},
    {"browse.gone", "That part of the shop is gone; open /buy again."},
    {"browse.page_gone", "That page of the shop is gone; open /buy again."},
    {"browse.page", "Page {page} of {pages}"},
    {"browse.back", "Back"},
    {"browse.previous", "Previous"},
    {"browse.next", "Next"},

    // --- the storefront: /buy, the card, the confirmation, the receipt ------------------------
    {"storefront.empty", "The shop has no products for sale right now."},
    {"storefront.menu_hint", "Pick a product to see its details."},
    {"storefront.choose_product", "Choose a product"},
    {"storefront.panel_intro", "Browse and buy with your wallet balance. What you pick is shown only to you."},
    {"storefront.no_single_match", "No single product matches `{typed}`; here is the shop."},
    {"storefront.control_invalid", "This control is not valid. Please run /buy again."},
    {"storefront.menu_out_of_date", "This menu is out of date. Please run /buy again."},
    {"storefront.promo_malformed", "A promo code is 1 to 32 letters, digits, _ or -; nothing was applied."},
    {"storefront.promo_refused", "The code `{code}` does not apply: {reason}"},
    {"storefront.promo_title", "Use a promo code"},
    {"storefront.promo_label", "Promo code"},
    {"storefront.promo_placeholder", "e.g. SUMMER10"},
    {"storefront.promo_button", "Promo code"},
    {"storefront.promo_change", "Change promo code"},
    {"storefront.card_footer", "Paid from your wallet balance."},
    {"storefront.card_footer_method", "Pay from your wallet, or by {method} at {price} (staff check the payment)."},
    {"storefront.card_footer_methods", "Pay from your wallet, or by another method at {price} (staff check the payment)."},
    {"storefront.field_category", "Category"},
    {"storefront.field_delivery", "Delivery"},
    {"storefront.delivery_key", "License key, at once"},
    {"storefront.delivery_instant", "At once, here and by DM"},
    {"storefront.delivery_staff", "By staff"},
    {"storefront.field_warranty", "Warranty"},
    {"storefront.one_day", "1 day"},
    {"storefront.days", "{days} days"},
    {"storefront.field_price", "Price"},
    {"storefront.field_discount", "Your discount"},
    {"storefront.role_discount", "{percent} (your VIP tier or role)"},
    {"storefront.field_promo", "Promo code"},
    {"storefront.field_balance", "Your balance"},
    {"storefront.field_stock", "Stock"},
    {"storefront.sold_out", "Sold out"},
    {"storefront.few_left", "Only {count} left"},
    {"storefront.buy", "Buy with wallet"},
    {"storefront.not_charged", "{reason} Nothing was charged."},
    {"storefront.confirm_title", "Confirm your purchase"},
    {"storefront.confirm_footer", "Nothing is charged until you press Confirm."},
    {"storefront.you_pay", "You pay"},
    {"storefront.balance_after", "Balance after"},
    {"storefront.not_enough", "Not enough: your balance is {balance}"},
    {"storefront.before_buying", "Before buying"},
    {"storefront.one_question", "You answer 1 question for staff."},
    {"storefront.questions", "You answer {count} questions for staff."},
    {"storefront.confirm_button", "Confirm — pay {price}"},
    {"storefront.no_questions", "This product asks nothing any more; open it again to buy it."},
    {"storefront.answer_missing", "Please answer \"{question}\". Nothing was charged."},
    {"storefront.answer_too_long", "The answer to \"{question}\" is too long (at most {max} characters). Nothing was charged."},
    {"storefront.cooldown", "You have made as many purchases as the shop allows for now; you can buy again {when}. Nothing was charged."},
    {"storefront.thank_you", "Thank you! Order **{reference}** is paid."},
    {"storefront.already_bought", "Already bought — nothing was charged again. Order **{reference}** is paid."},
    {"storefront.receipt_title", "Order {reference}"},
    {"storefront.receipt_footer", "/order {reference} shows this order again."},
    {"storefront.paid", "Paid"},
    {"storefront.new_balance", "New balance"},
    {"storefront.your_key", "Your license key"},
    {"storefront.bought", "Bought"},
});

}  // namespace apexcore::bot::detail
