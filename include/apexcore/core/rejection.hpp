#pragma once
/// @file rejection.hpp
/// Domain rejections: the expected "no" answers of the use cases. They are results, not
/// exceptions (TigerBeetle's exhaustive result enums); exceptions are for broken invariants and
/// I/O failures only.

#include <string_view>

namespace apexcore::core {

/// Why a use case refused a request. Exhaustive: every service result uses these.
enum class rejection {
    insufficient_funds,    ///< the wallet balance is below the price
    product_inactive,      ///< the product exists but is soft-deleted
    unknown_product,       ///< no product with that id
    price_changed,         ///< the caller saw a different price than the current one
    invalid_amount,        ///< zero, negative or overflowing amount
    not_staff,             ///< a staff-only action by a caller without the staff role
    description_too_long,  ///< free text above its limit
    balance_overflow,      ///< the credit would overflow the balance
    currency_mismatch,     ///< amount in a different currency than the shop's
    idempotency_conflict,  ///< the idempotency key was used for a different request
    invalid_idempotency_key,  ///< empty, longer than 100 bytes, or not printable ASCII
    out_of_stock,  ///< no units of the product are left
    unknown_order,  ///< no order with that id or reference
    not_owner,  ///< the order, refund or session belongs to another customer
    forbidden_transition,  ///< the order or session is not in a state that allows this
    refund_window_closed,  ///< the refund request window (max_days) has passed
    refund_amount_invalid,  ///< zero, negative, or more than what is left to refund
    refund_already_requested,  ///< a refund request for the order is awaiting a decision
    unknown_refund,  ///< no refund request with that id
    already_decided,  ///< the request was already approved or rejected
    unknown_payment_method,  ///< the payment method is not configured
    payment_session_exists,  ///< the order already has an open payment session
    unknown_payment_session,  ///< no payment session with that id
    payment_session_expired,  ///< the session passed its time limit
    invalid_text,  ///< text that is empty where required, not printable, or a malformed URL
    text_too_long,  ///< text above its limit
    invalid_metadata,  ///< metadata with too many entries or over-long keys/values
    no_license_key_available,  ///< no available license key for the product
    unknown_license_key,  ///< no license key with that id
    invalid_license_key,  ///< the key does not match the configured pattern
    unknown_promo_code,  ///< no promo code with that name
    promo_inactive,  ///< the promo code is switched off
    promo_expired,  ///< the promo code's expiry has passed
    promo_exhausted,  ///< the promo code's global use limit is reached
    promo_exhausted_for_user,  ///< the customer reached the per-user use limit
    promo_below_minimum_spend,  ///< the price after role discount is below the code's minimum
    promo_not_applicable,  ///< the product is outside the promo code's scope
    invalid_product,  ///< the product fields are invalid (core::validate)
    duplicate_product,  ///< a product with the same category, service and variant exists
    amount_too_large,  ///< a price, credit, balance or spend above core::amount_minor_max (money.hpp)
    unknown_ticket,  ///< no ticket with that id or channel
    unknown_ticket_type,  ///< the ticket type is not configured
    ticket_limit_reached,  ///< the member has as many open tickets (in all, or of this type) as allowed
    ticket_cooldown,  ///< the member opened a ticket of this type too recently
    ticket_closed,  ///< the ticket is closed or deleted; this needs an open one
    ticket_not_closed,  ///< reopening, feedback and deletion of what is not closed
    ticket_already_claimed,  ///< another staff member claimed the ticket
    ticket_not_claimed,  ///< unclaim or transfer of a ticket nobody claimed
    not_participant,  ///< the caller is not the opener or a participant of the ticket
    reopen_window_closed,  ///< the ticket was closed longer ago than its type allows reopening
    confirmation_required,  ///< the opener closes their own ticket without confirming
    invalid_rating,  ///< a rating outside 1..5
    feedback_already_given,  ///< the opener already rated this ticket
    participant_limit_reached,  ///< the ticket has as many participants as allowed
    unknown_proposal,  ///< no staff proposal with that token (core/staff_proposal.hpp)
    proposal_expired,  ///< the proposal is older than its time to live, or was cancelled
    not_proposer,      ///< only the staff member who made a proposal may confirm or cancel it
    cooldown_active,   ///< the member reached a financial cooldown (core/cooldown.hpp); try again later
};

/// The last enumerator (a new rejection goes before it or moves this): the message catalog
/// (bot/messages.hpp) ships a text for every value up to it.
inline constexpr rejection last_rejection = rejection::cooldown_active;

/// A short English sentence for a rejection, suitable for showing to the user.
[[nodiscard]] inline std::string_view describe(rejection r) {
    switch (r) {
        case rejection::insufficient_funds: return "Your wallet balance is too low for this purchase.";
        case rejection::product_inactive: return "This product is no longer available.";
        case rejection::unknown_product: return "That product does not exist.";
        case rejection::price_changed: return "The price changed since this menu was opened; please open it again.";
        case rejection::invalid_amount: return "The amount must be a positive value within range.";
        case rejection::not_staff: return "Only staff members can do that.";
        case rejection::description_too_long: return "The description is too long.";
        case rejection::balance_overflow: return "That would take the balance beyond the maximum.";
        case rejection::currency_mismatch: return "The amount is in a different currency than the shop's.";
        case rejection::idempotency_conflict: return "This request was already used for something else.";
        case rejection::invalid_idempotency_key: return "The request key is not valid.";
        case rejection::out_of_stock: return "This product is out of stock.";
        case rejection::unknown_order: return "That order does not exist.";
        case rejection::not_owner: return "That belongs to another customer.";
        case rejection::forbidden_transition: return "That cannot be done in the current state of the order.";
        case rejection::refund_window_closed: return "The refund window for this order has closed.";
        case rejection::refund_amount_invalid: return "That refund amount is not possible for this order.";
        case rejection::refund_already_requested: return "A refund request for this order is already waiting for staff.";
        case rejection::unknown_refund: return "That refund request does not exist.";
        case rejection::already_decided: return "That request was already decided.";
        case rejection::unknown_payment_method: return "That payment method is not available.";
        case rejection::payment_session_exists: return "This order already has an open payment session.";
        case rejection::unknown_payment_session: return "That payment session does not exist.";
        case rejection::payment_session_expired: return "This payment session has expired; please start a new one.";
        case rejection::invalid_text: return "Some of the text is not valid.";
        case rejection::text_too_long: return "Some of the text is too long.";
        case rejection::invalid_metadata: return "The metadata is not valid.";
        case rejection::no_license_key_available: return "No license key is available for this product right now.";
        case rejection::unknown_license_key: return "That license key does not exist.";
        case rejection::invalid_license_key: return "That license key does not have the expected format.";
        case rejection::unknown_promo_code: return "That promo code does not exist.";
        case rejection::promo_inactive: return "This promo code is not active.";
        case rejection::promo_expired: return "This promo code has expired.";
        case rejection::promo_exhausted: return "This promo code has been used up.";
        case rejection::promo_exhausted_for_user: return "You have already used this promo code.";
        case rejection::promo_below_minimum_spend: return "This promo code needs a higher order value.";
        case rejection::promo_not_applicable: return "This promo code does not apply to this product.";
        case rejection::invalid_product: return "The product details are not valid.";
        case rejection::duplicate_product: return "A product with these names already exists.";
        case rejection::amount_too_large: return "The amount is above the largest amount the shop accepts.";
        case rejection::unknown_ticket: return "That ticket does not exist.";
        case rejection::unknown_ticket_type: return "That kind of ticket is not available.";
        case rejection::ticket_limit_reached: return "You already have as many open tickets as allowed; please use the one you have.";
        case rejection::ticket_cooldown: return "You opened a ticket of this kind a moment ago; please wait before opening another.";
        case rejection::ticket_closed: return "This ticket is closed.";
        case rejection::ticket_not_closed: return "This ticket is not closed.";
        case rejection::ticket_already_claimed: return "Another staff member has already claimed this ticket.";
        case rejection::ticket_not_claimed: return "Nobody has claimed this ticket.";
        case rejection::not_participant: return "Only the ticket's members and staff can do that.";
        case rejection::reopen_window_closed: return "This ticket was closed too long ago to reopen; please open a new one.";
        case rejection::confirmation_required: return "Please confirm that you want to close this ticket.";
        case rejection::invalid_rating: return "A rating is 1 to 5 stars.";
        case rejection::feedback_already_given: return "You have already rated this ticket.";
        case rejection::participant_limit_reached: return "This ticket has as many members as it can have.";
        case rejection::unknown_proposal: return "That preview is not known; run the command again.";
        case rejection::proposal_expired: return "That preview expired or was cancelled; nothing was changed. Run the command again.";
        case rejection::not_proposer: return "Only the staff member who asked for this preview can confirm it.";
        case rejection::cooldown_active: return "You have done that as often as the shop allows for now; please try again later.";
    }
    return "The request was refused.";
}

/// The stable machine name of a rejection ("insufficient_funds").
[[nodiscard]] inline std::string_view to_string(rejection r) {
    switch (r) {
        case rejection::insufficient_funds: return "insufficient_funds";
        case rejection::product_inactive: return "product_inactive";
        case rejection::unknown_product: return "unknown_product";
        case rejection::price_changed: return "price_changed";
        case rejection::invalid_amount: return "invalid_amount";
        case rejection::not_staff: return "not_staff";
        case rejection::description_too_long: return "description_too_long";
        case rejection::balance_overflow: return "balance_overflow";
        case rejection::currency_mismatch: return "currency_mismatch";
        case rejection::idempotency_conflict: return "idempotency_conflict";
        case rejection::invalid_idempotency_key: return "invalid_idempotency_key";
        case rejection::out_of_stock: return "out_of_stock";
        case rejection::unknown_order: return "unknown_order";
        case rejection::not_owner: return "not_owner";
        case rejection::forbidden_transition: return "forbidden_transition";
        case rejection::refund_window_closed: return "refund_window_closed";
        case rejection::refund_amount_invalid: return "refund_amount_invalid";
        case rejection::refund_already_requested: return "refund_already_requested";
        case rejection::unknown_refund: return "unknown_refund";
        case rejection::already_decided: return "already_decided";
        case rejection::unknown_payment_method: return "unknown_payment_method";
        case rejection::payment_session_exists: return "payment_session_exists";
        case rejection::unknown_payment_session: return "unknown_payment_session";
        case rejection::payment_session_expired: return "payment_session_expired";
        case rejection::invalid_text: return "invalid_text";
        case rejection::text_too_long: return "text_too_long";
        case rejection::invalid_metadata: return "invalid_metadata";
        case rejection::no_license_key_available: return "no_license_key_available";
        case rejection::unknown_license_key: return "unknown_license_key";
        case rejection::invalid_license_key: return "invalid_license_key";
        case rejection::unknown_promo_code: return "unknown_promo_code";
        case rejection::promo_inactive: return "promo_inactive";
        case rejection::promo_expired: return "promo_expired";
        case rejection::promo_exhausted: return "promo_exhausted";
        case rejection::promo_exhausted_for_user: return "promo_exhausted_for_user";
        case rejection::promo_below_minimum_spend: return "promo_below_minimum_spend";
        case rejection::promo_not_applicable: return "promo_not_applicable";
        case rejection::invalid_product: return "invalid_product";
        case rejection::duplicate_product: return "duplicate_product";
        case rejection::amount_too_large: return "amount_too_large";
        case rejection::unknown_ticket: return "unknown_ticket";
        case rejection::unknown_ticket_type: return "unknown_ticket_type";
        case rejection::ticket_limit_reached: return "ticket_limit_reached";
        case rejection::ticket_cooldown: return "ticket_cooldown";
        case rejection::ticket_closed: return "ticket_closed";
        case rejection::ticket_not_closed: return "ticket_not_closed";
        case rejection::ticket_already_claimed: return "ticket_already_claimed";
        case rejection::ticket_not_claimed: return "ticket_not_claimed";
        case rejection::not_participant: return "not_participant";
        case rejection::reopen_window_closed: return "reopen_window_closed";
        case rejection::confirmation_required: return "confirmation_required";
        case rejection::invalid_rating: return "invalid_rating";
        case rejection::feedback_already_given: return "feedback_already_given";
        case rejection::participant_limit_reached: return "participant_limit_reached";
        case rejection::unknown_proposal: return "unknown_proposal";
        case rejection::proposal_expired: return "proposal_expired";
        case rejection::not_proposer: return "not_proposer";
        case rejection::cooldown_active: return "cooldown_active";
    }
    return "unknown";
}

}  // namespace apexcore::core
