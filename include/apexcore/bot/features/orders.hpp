#pragma once
/// @file orders.hpp
/// The orders feature, for customers: `/orders` (their orders, newest first, 10 a page with
/// "Older") and
/// `/order show reference` (one order: product, price paid, status, dates, warranty, and what was
/// delivered — the license key, code or payload — so a delivery is never lost after the receipt
/// is gone). Answers are ephemeral: only the asker sees them. A member sees only their own
/// orders; staff see any (order_service checks both). A reference is read as members type it
/// (case, spaces, O/0 and I/L/1 forgiven; core/order_reference.hpp). When the shop sends DMs, the
/// member's own delivered order has "Send to my DMs" ("od:dm:<order id>"): the delivery is sent
/// again through the outbox, at most once per 10 minutes (order_service::resend_delivery).
/// Staff:
/// - `/order status references status [note]` — one order or several (up to 25 references,
///   separated by spaces or commas) marked `delivered` (the note is what was handed over) or
///   `cancelled` (unpaid orders only; the stock and key go back); one line per reference says
///   what happened to it (order_service::deliver / cancel);
/// - `/order complete user product [price] [payment]` — an order paid outside the bot (a bank
///   transfer, cash) created and completed at once: stock, key and delivery as a purchase, no
///   ledger row (order_service::create_manual); `payment` is kept with the order;
/// - `/warranty renew reference` extends a delivered order's warranty.

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/order_service.hpp>

namespace apexcore::bot {

/// /orders and /order. Thread-safe; the services must outlive it.
class orders_feature final : public feature {
public:
    /// `refunds`: the bot also has the refunds feature, so /order offers "Request refund" on the
    /// member's own refundable orders.
    orders_feature(const bot_config& config, services::order_service& orders, services::catalog_service& catalog,
                   bool refunds = false);

    [[nodiscard]] std::string name() const override { return "orders"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"od"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    /// "Send to my DMs".
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    /// Products for /order complete (staff).
    ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) override;
    /// "orders.warranty_notices" every hour: the "your warranty ends soon" DMs that fell due
    /// (services::order_service::queue_warranty_notices; each sent once).
    [[nodiscard]] std::vector<scheduled_job> jobs() const override;

    /// How many orders /orders lists.
    static constexpr std::size_t listed_max = 10;
    /// How many references one /order status takes.
    static constexpr std::size_t bulk_max = 25;

private:
    ports::interaction_response show(const ports::interaction& i, const ports::command_invocation& c);
    /// Staff: /warranty renew reference — the warranty extended by the product's duration from the
    /// later of now and its current end (services::order_service::renew_warranty).
    ports::interaction_response renew(const ports::interaction& i, const ports::command_invocation& c);
    /// Staff: /order status (order_staff.cpp).
    ports::interaction_response set_status(const ports::interaction& i, const ports::command_invocation& c);
    /// Staff: /order complete (order_staff.cpp).
    ports::interaction_response complete(const ports::interaction& i, const ports::command_invocation& c);
    /// A page of the asker's orders, older than `before` when set, with "Older" ("od:o:<order id>").
    ports::interaction_response list(const ports::interaction& i, std::optional<core::order_id> before);
    [[nodiscard]] std::string product_name(core::product_id id);

    const bot_config& config_;
    services::order_service& orders_;
    services::catalog_service& catalog_;
    bool refunds_ = false;
};

}  // namespace apexcore::bot
