#pragma once
/// @file views.hpp
/// Views two features share (DESIGN.md: a feature never depends on another; what they share goes
/// here). Pure functions from data to the neutral message model.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/license_key.hpp>
#include <apexcore/core/payment.hpp>
#include <apexcore/core/refund.hpp>
#include <apexcore/ports/message.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace apexcore::bot {

/// A mention of a member in message text: "<@id>" (Discord's markup, REFERENCE.md §Message
/// formatting; shown as the member's name to whoever reads it).
[[nodiscard]] std::string mention(core::user_id user);

/// A size for people: "1.2 MB", "640 kB", "12 B" (decimal units, one decimal from MB up).
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

/// A time shown in each reader's own time zone and language: "<t:SECONDS:STYLE>" with `style`
/// 'f' (date and time), 'D' (date), 't' (time) or 'R' (relative, "in 3 days").
[[nodiscard]] std::string discord_time(std::chrono::system_clock::time_point at, char style);

/// The "Request refund" button of an order (the refunds feature opens its form; "rf:r:<order id>").
[[nodiscard]] ports::button refund_request_button(core::order_id order);

/// The Approve / Reject row of a refund request's post in the orders log: "rf:a:<refund id>" and
/// "rf:x:<refund id>", handled by the refunds feature, rendered by the notifications feature.
[[nodiscard]] ports::action_row refund_review_row(core::refund_id id);

/// The Approve / Decline row of a key request's post in the orders log: "kq:a:<key id>" and
/// "kq:d:<key id>", handled by the keys feature, rendered by the notifications feature.
[[nodiscard]] ports::action_row key_review_row(core::license_key_id id);

/// A product card's "Pay by <method>" button (the payments feature starts a payment session:
/// "pm:s:<product id>:<list price, minor units>:<checkout token>:<method name>"). The method name
/// is 1..32 of [A-Za-z0-9 _-] (core::validate(payment_method)), so the id stays within Discord's
/// 100 characters (REFERENCE.md §4).
[[nodiscard]] ports::button pay_by_method_button(core::product_id product, std::int64_t list_price_minor,
                                                 core::interaction_id checkout, std::string_view method);

/// The Approve / Reject row of a submitted payment's post in the payments log: "pm:a:<session>"
/// and "pm:x:<session>", handled by the payments feature, rendered by the notifications feature.
[[nodiscard]] ports::action_row payment_review_row(core::payment_session_id session);

}  // namespace apexcore::bot
