#pragma once
/// @file tickets.hpp
/// The tickets feature: the support desk on the chat platform, over services::ticket_service
/// and the outbound port.
///
/// Member: presses a type's button on the ticket panel → fills the type's questions in a modal
/// → gets a private channel (only they, the staff role and the type's staff roles, and the bot
/// can see it) with an opening message: the answers, and Claim / Close / Close with reason.
/// Writing in the channel is activity; after 48 h of silence the bot posts a warning with a
/// "Keep open" button, after 49 h it closes the ticket (never while a payment waits for staff).
/// On closing, the channel is locked (members keep reading, stop writing), a closing message
/// offers Reopen / Delete to staff, the transcript (the channel's whole history, up to
/// core::transcript_messages_max messages) is rendered, kept and posted to the transcript channel,
/// and the opener gets it by DM with a request for a 1–5 rating; the channel is deleted after the
/// type's delay (default 1 h).
///
/// Commands (in a ticket channel): `/ticket add|remove user`, `/ticket claim|unclaim`,
/// `/ticket transfer user`, `/ticket close [reason]`, `/ticket reopen`, `/ticket delete`,
/// `/ticket rename subject`; anywhere, staff: `/ticket panel` (posts the panel here),
/// `/ticket stats [days]`; with the wallet and a "deposit" type, `/deposit` (a member's wallet
/// top-up: the deposit ticket's form; the ticket lists the payment methods' instructions and staff
/// credit the wallet from it once the payment arrived).
///
/// Order tickets (type key "order", with the shop's services): the opening message offers the
/// active products; picking one shows its price before and after the member's role / VIP
/// discount and an optional promo code, with "Pay with wallet" and one button per manual method; paying links the
/// order (and the payment session) to the ticket — a second press charges nothing (the ticket and
/// product make the idempotency key). Deposit tickets (type key "deposit"): staff press "Credit
/// wallet" and enter the amount; the wallet is credited once per ticket (ledger type deposit).
///
/// custom_ids (namespace "tk", every id checked again by the service): tk:open:<type>,
/// tk:form:<type> (modal), tk:claim:<id>, tk:close:<id>, tk:why:<id> → tk:reason:<id> (modal),
/// tk:confirm:<id>, tk:keep:<id>, tk:reopen:<id>, tk:delete:<id>, tk:rate:<id>:<1..5> →
/// tk:feedback:<id>:<1..5> (modal: an optional comment),
/// tk:product:<id> (select), tk:promo:<id>:<product> → tk:promocode:<id>:<product> (modal),
/// tk:wallet:<id>:<product>:<list price minor>[:<promo code>],
/// tk:method:<id>:<product>:<method index>, tk:credit:<id> → tk:amount:<id> (modal).
///
/// Staff here: the bot's staff role, or one of the ticket type's staff roles.

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/ports/transcript_store.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/payment_service.hpp>
#include <apexcore/services/ticket_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <string>
#include <vector>

namespace apexcore::bot {

/// The pure views of the tickets feature: data in, neutral messages out (unit-tested alone).
namespace ticket_views {
/// The panel: an embed and one button per type (at most 25, five rows of five).
[[nodiscard]] ports::message panel(const std::vector<core::ticket_type>& types, const localized& t = {});
/// The first message in a ticket's channel: who opened it, the answers, and the staff buttons.
[[nodiscard]] ports::message opening(const core::ticket& t, const core::ticket_type& type, const localized& text = {});
/// Posted when the ticket closes: by whom (or the sweep), the reason, Reopen / Delete.
[[nodiscard]] ports::message closed(const core::ticket& t, const localized& text = {});
/// The inactivity warning with its "Keep open" button.
[[nodiscard]] ports::message inactivity_warning(const core::ticket& t, const core::ticket_type& type, const localized& text = {});
/// The DM asking the opener for a rating (buttons 1..5).
[[nodiscard]] ports::message rating_request(const core::ticket& t, const core::ticket_type& type, const localized& text = {});
/// The overwrites of a ticket's channel: @everyone cannot see it; the opener, the participants,
/// the staff role (bot_config::staff; nullopt: none yet), the type's staff roles and the bot can.
/// With `locked`, the opener and the participants can still read but no longer write.
[[nodiscard]] std::vector<ports::overwrite> channel_overwrites(const core::ticket& t, const core::ticket_type& type,
                                                               core::guild_id guild, std::optional<core::role_id> staff_role,
                                                               core::user_id bot, bool locked);
}  // namespace ticket_views

/// The shop's services for order and deposit tickets (each may be null: that part is left out).
struct ticket_shop {
    services::wallet_service* wallet = nullptr;     ///< quotes, wallet payments, deposits
    services::catalog_service* catalog = nullptr;   ///< the products an order ticket offers
    services::payment_service* payments = nullptr;  ///< manual payment sessions
    std::vector<core::payment_method> methods{};    ///< as configured (shop_config::payment_methods)
};

/// Where transcripts go. Without an archive no transcript is made.
struct ticket_transcripts {
    ports::transcript_archive* archive = nullptr;      ///< renders and keeps them; must outlive the feature
    std::optional<core::channel_id> channel{};         ///< the transcript log channel (none: not posted)
    std::string guild_name{};                          ///< shown in the transcript's header
};

/// See the file comment. Thread-safe; `tickets` and `actions` must outlive it.
class tickets_feature final : public feature {
public:
    tickets_feature(const bot_config& config, services::ticket_service& tickets, ports::chat_actions& actions,
                    ticket_transcripts transcripts = {}, ticket_shop shop = {});

    [[nodiscard]] std::string name() const override { return "tickets"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"tk"}; }
    /// Manage Channels and Manage Roles (channels with overwrites), the bot's abilities in each
    /// type's category, and Send Messages + Attach Files in the transcript channel.
    [[nodiscard]] std::vector<requirement> requirements() const override;
    /// tickets.sweep (warnings and closings) and tickets.delete (channels due), every minute.
    [[nodiscard]] std::vector<scheduled_job> jobs() const override;

    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    ports::interaction_response on_modal(const ports::interaction& i, const ports::modal_submit& m) override;
    void on_message(const ports::channel_message& m) override;

    /// One round of the sweep: posts the warnings, closes (locks, notifies) what is due.
    void run_sweep();
    /// One round of deletions: deletes the channels of closed tickets whose delay has passed.
    void run_deletions();

private:
    struct context;
    [[nodiscard]] services::actor actor_for(const ports::invoker& who, const core::ticket_type* type) const;
    ports::interaction_response start(const ports::interaction& i, const std::string& type);
    ports::interaction_response open(const ports::interaction& i, const core::ticket_type& type,
                                     std::vector<std::string> answers);
    ports::interaction_response in_ticket(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response act(const ports::interaction& i, const std::string& verb, core::ticket_id id,
                                    const std::string& argument);
    ports::interaction_response close(const ports::interaction& i, const core::ticket& t, std::string reason,
                                      bool confirmed);
    /// After a ticket closed: lock its channel, post the closing message, make and post the
    /// transcript, ask for a rating (with the transcript attached).
    void after_close(const core::ticket& t);
    /// The ticket's transcript from its channel's history; nullopt when it cannot be read (logged).
    [[nodiscard]] std::optional<core::transcript> build_transcript(const core::ticket& t, const core::ticket_type& type);
    [[nodiscard]] const core::ticket_type* type_of(const core::ticket& t) const;
    // Order and deposit tickets (ticket_commerce.cpp).
    /// The opening message's extra row: the product select (order) or Credit wallet (deposit).
    void add_commerce_row(const core::ticket& t, ports::message& opening);
    ports::interaction_response show_product(const ports::interaction& i, const core::ticket& t, const std::string& product,
                                             const std::string& promo = {});
    ports::interaction_response ask_promo(const ports::interaction& i, const core::ticket& t, const std::string& product);
    ports::interaction_response pay_with_wallet(const ports::interaction& i, const core::ticket& t, const std::string& argument);
    ports::interaction_response pay_by_method(const ports::interaction& i, const core::ticket& t, const std::string& argument);
    ports::interaction_response ask_deposit(const ports::interaction& i, const core::ticket& t);
    ports::interaction_response credit_deposit(const ports::interaction& i, const core::ticket& t, const std::string& amount);
    /// A warning of the "tickets" component about `ticket` (empty: none) and `order` (a
    /// reference, when given), both in the record's context.
    void log(core::ticket_id ticket, const std::string& message, std::string_view order = {}) const;

    const bot_config& config_;
    services::ticket_service& tickets_;
    ports::chat_actions& actions_;
    ticket_transcripts transcripts_;
    ticket_shop shop_;
};

}  // namespace apexcore::bot
