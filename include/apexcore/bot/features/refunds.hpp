#pragma once
/// @file refunds.hpp
/// The refunds feature (issue "The storefront" §4, issue "Running the shop" §5):
///   /refund reference    the customer's preview: what would come back to the wallet, the fee, and
///                        until when they may ask; "Request refund" opens a modal for the reason
///   staff review         the request is posted to the orders log channel (the notifications
///                        feature renders "refund.requested" with Approve / Reject buttons); staff
///                        decide there — Reject asks for the reason in a modal — and the post turns
///                        into the decision. The member is told by DM (refund.approved / rejected).
///   /refunds             staff: the queue — the 5 oldest waiting requests with Approve / Reject
///                        each (the same buttons as the log post), for shops without an orders
///                        log channel or staff who missed a post.
/// custom_ids (namespace "rf"): "rf:r:<order id>" Request refund, "rf:m:<order id>" its modal,
/// "rf:a:<refund id>" Approve, "rf:x:<refund id>" Reject, "rf:y:<refund id>" its modal. Ids are
/// only requests: the refund service re-checks owner, window, staff and state.

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/order_service.hpp>
#include <apexcore/services/refund_service.hpp>

namespace apexcore::bot {

/// /refund and the review buttons. Thread-safe; the services must outlive it.
class refunds_feature final : public feature {
public:
    refunds_feature(const bot_config& config, services::refund_service& refunds, services::order_service& orders);

    [[nodiscard]] std::string name() const override { return "refunds"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"rf"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    ports::interaction_response on_modal(const ports::interaction& i, const ports::modal_submit& m) override;

    /// How many requests /refunds shows at once (a message holds 5 rows of buttons).
    static constexpr std::size_t queue_shown = 5;

private:
    /// Staff: /refunds — the oldest waiting requests, each with Approve / Reject ("rf:a:" / "rf:x:").
    ports::interaction_response queue(const ports::interaction& i);
    ports::interaction_response preview(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response approve(const ports::interaction& i, core::refund_id id);
    /// The member's answer to a refusal; a cooldown says when they may ask again.
    ports::interaction_response refusal(const ports::interaction& i, core::rejection why);

    const bot_config& config_;
    services::refund_service& refunds_;
    services::order_service& orders_;
};

}  // namespace apexcore::bot
