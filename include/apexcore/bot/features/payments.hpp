#pragma once
/// @file payments.hpp
/// The payments feature: paying by a configured manual method (PayPal, a bank transfer, …) from the
/// storefront, and staff checking the payment (issue "The storefront" §3).
///   Pay by <method>   a button on the product card (views.hpp pay_by_method_button): starts a
///                     payment session — the order is created (pending payment) and one unit and
///                     key reserved — and turns the card into the session: the method's
///                     instructions, the amount, the order reference and "Pay before"; with
///                     "Send proof" (a modal: link, transaction id, notes) and "Cancel payment".
///                     The card's checkout token keys the session: a second press shows the same one.
///   /proof reference file|link [transaction]
///                     sends the proof of an order's payment: a screenshot or PDF uploaded as an
///                     attachment (image/* or application/pdf, at most `proof_bytes_max`) or an
///                     https link. After a rejection it opens a new session for the same order.
///   staff review      the submitted proof is posted to the payments log channel (the
///                     notifications feature renders "payment.submitted" with Approve / Reject,
///                     views.hpp payment_review_row); Reject asks for the reason in a modal; the
///                     post becomes the decision and the member is told by DM (payment.approved
///                     with the delivery, or payment.rejected with the reason).
///   payments.expire   scheduled every minute: sessions past their time limit are expired, the
///                     order cancelled, stock and key released, the member told.
/// custom_ids (namespace "pm"): "pm:s:<product>:<list price>:<checkout>:<method>" start,
/// "pm:p:<session>" Send proof, "pm:q:<session>" its modal, "pm:c:<session>" Cancel,
/// "pm:a:<session>" Approve, "pm:x:<session>" Reject, "pm:y:<session>" its modal. An id is only a
/// request: the payment service re-checks owner, staff, state and expiry.

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/order_service.hpp>
#include <apexcore/services/payment_service.hpp>

#include <cstdint>
#include <vector>

namespace apexcore::bot {

/// The largest proof file /proof accepts by default: 8 MiB (Discord's own upload limit is 10 MiB
/// per file unless boosted, REFERENCE.md "Uploading Files").
inline constexpr std::uint64_t proof_bytes_max_default = 8ULL * 1024 * 1024;

/// Pay by method, /proof, and the staff review. Thread-safe; the services must outlive it.
class payments_feature final : public feature {
public:
    /// `methods`: the shop's payment methods (shop_config::payment_methods), for their instructions.
    payments_feature(const bot_config& config, services::payment_service& payments, services::order_service& orders,
                     std::vector<core::payment_method> methods, std::uint64_t proof_bytes_max = proof_bytes_max_default);

    [[nodiscard]] std::string name() const override { return "payments"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"pm"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    ports::interaction_response on_modal(const ports::interaction& i, const ports::modal_submit& m) override;
    /// payments.expire, every minute.
    [[nodiscard]] std::vector<scheduled_job> jobs() const override;

private:
    ports::interaction_response start(const ports::interaction& i, std::string_view argument);
    ports::interaction_response proof_command(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response submit(const ports::interaction& i, core::payment_session_id session,
                                       const services::payment_proof& proof, bool update);
    ports::interaction_response cancel(const ports::interaction& i, core::payment_session_id session);
    ports::interaction_response approve(const ports::interaction& i, core::payment_session_id session);
    ports::interaction_response reject(const ports::interaction& i, core::payment_session_id session, const std::string& reason);
    /// Approve (no reason) or reject (with the reason) by staff; the review post becomes the decision.
    ports::interaction_response decide(const ports::interaction& i, core::payment_session_id session,
                                       const std::optional<std::string>& rejection_reason);
    /// The session as the member sees it: instructions, amount, deadline, Send proof / Cancel.
    [[nodiscard]] ports::message session_view(const services::payment_view& view, const localized& t) const;

    const bot_config& config_;
    services::payment_service& payments_;
    services::order_service& orders_;
    std::vector<core::payment_method> methods_;
    std::uint64_t proof_bytes_max_;
};

}  // namespace apexcore::bot
