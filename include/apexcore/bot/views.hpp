#pragma once
/// @file views.hpp
/// Views two features share (DESIGN.md: a feature never depends on another; what they share goes
/// here). Pure functions from data to the neutral message model.

#include <apexcore/core/refund.hpp>
#include <apexcore/ports/message.hpp>

namespace apexcore::bot {

/// The Approve / Reject row of a refund request's post in the orders log: "rf:a:<refund id>" and
/// "rf:x:<refund id>", handled by the refunds feature, rendered by the notifications feature.
[[nodiscard]] ports::action_row refund_review_row(core::refund_id id);

}  // namespace apexcore::bot
