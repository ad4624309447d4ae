#pragma once
/// @file ticket_service.hpp
/// Ticket use cases over the store: open (with the limits), participants, claim / unclaim /
/// transfer, rename, member and staff activity, close, reopen, delete, feedback, the inactivity
/// sweep, the channels due for deletion, and staff statistics. Platform-neutral: the bot makes
/// the channel and calls attach_channel; every rule is in core/ticket.hpp, every change is one
/// store transaction with its event in the ticket's insert-only log.
///
/// Who may do what (`actor.staff` is decided by the platform: the staff role, or one of the
/// ticket type's staff roles):
///   open                      anyone (limits: per member over all types, per type, cooldown)
///   add / remove participant  staff or the opener (the opener cannot be removed)
///   claim / unclaim / transfer / delete   staff
///   rename                    staff or the opener
///   close                     staff, or the opener with `confirmed`
///   reopen                    staff any time before deletion; the opener within the type's window
///   rate                      the opener, once, after closing

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/result.hpp>
#include <apexcore/core/ticket.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace apexcore::services {

/// What a member asks for when opening a ticket.
struct open_ticket_request {
    core::user_id opener;
    std::string type;                          ///< a configured ticket type key
    std::string subject{};                     ///< <= 100 bytes, one line
    std::vector<std::string> answers{};        ///< one per question of the type, in order
    std::optional<core::order_id> order{};     ///< must be the opener's order
    std::optional<core::payment_session_id> payment_session{};  ///< must be the opener's
    std::optional<core::refund_id> refund{};   ///< must be the opener's
};

/// One staff member's figures over a period.
struct staff_ticket_stats {
    core::user_id staff;
    std::int64_t claimed = 0;
    std::int64_t closed = 0;
    std::optional<std::chrono::seconds> median_first_response{};  ///< core::median of their first answers
    std::optional<int> average_rating_centi{};  ///< average rating × 100, half up (450 = 4.50); nullopt: none
    std::int64_t ratings = 0;
};

/// Figures over a period: in all, and per staff member (by user id).
struct ticket_stats {
    std::int64_t opened = 0;
    std::int64_t closed = 0;
    std::optional<std::chrono::seconds> median_first_response{};
    std::optional<int> average_rating_centi{};
    std::int64_t ratings = 0;
    std::vector<staff_ticket_stats> staff{};  ///< by user id
};

/// What one sweep did.
struct sweep_outcome {
    std::vector<core::ticket> warned{};  ///< post the warning with a "Keep open" button
    std::vector<core::ticket> closed{};  ///< lock the channel, post the transcript, schedule deletion
    std::size_t examined = 0;            ///< silent tickets looked at
};

/// The ticket use cases. Thread-safe when the store is; no state of its own.
class ticket_service {
public:
    /// `store` must outlive the service; `config` is copied (its ticket types, policy and clock).
    ticket_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// The shop's clock's time (shop_config::clock): what the ticket rules see as now.
    [[nodiscard]] std::chrono::system_clock::time_point now() const { return config_.time().now(); }

    /// When `member` may ask for another deposit (open a "deposit" ticket) under the shop's
    /// cooldown (shop_config::cooldowns.deposits); nullopt when they may now. open() refuses a
    /// deposit ticket with cooldown_active until then.
    [[nodiscard]] std::optional<std::chrono::system_clock::time_point> deposit_cooldown_until(core::user_id member);
    /// The configured types, in config order.
    [[nodiscard]] const std::vector<core::ticket_type>& types() const { return config_.ticket_types; }
    /// The configured type with `key`; nullptr if none.
    [[nodiscard]] const core::ticket_type* find_type(std::string_view key) const { return config_.find_ticket_type(key); }

    /// Opens a ticket (status open, no channel yet). Rejections: unknown_ticket_type;
    /// invalid_text / text_too_long (subject, or an answer: a required one empty, over its
    /// question's max_length, or not printable; more answers than questions); unknown_order /
    /// unknown_payment_session / unknown_refund, not_owner (links); ticket_limit_reached (the
    /// type's max_open_per_member, or the policy's over all types); ticket_cooldown.
    [[nodiscard]] core::result<core::ticket, core::rejection> open(const open_ticket_request& request);

    /// Records the channel the platform made for an active ticket. Rejections: unknown_ticket,
    /// ticket_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> attach_channel(core::ticket_id id, core::channel_id channel);

    /// The ticket with `id`, or whose channel is `channel`.
    [[nodiscard]] std::optional<core::ticket> find(core::ticket_id id);
    [[nodiscard]] std::optional<core::ticket> find_by_channel(core::channel_id channel);
    /// The ticket's events in order.
    [[nodiscard]] std::vector<core::ticket_event> events(core::ticket_id id);

    /// Adds a member (staff or opener). Rejections: unknown_ticket, ticket_closed, not_participant
    /// (caller), participant_limit_reached. Adding the opener or a present member changes nothing.
    [[nodiscard]] core::result<core::ticket, core::rejection> add_participant(const actor& by, core::ticket_id id,
                                                                              core::user_id who);
    /// Removes an added member (staff or opener). Rejections: unknown_ticket, ticket_closed,
    /// not_participant (caller, or `who` is the opener or not a member).
    [[nodiscard]] core::result<core::ticket, core::rejection> remove_participant(const actor& by, core::ticket_id id,
                                                                                 core::user_id who);
    /// Staff takes the ticket. Rejections: not_staff, unknown_ticket, ticket_closed,
    /// ticket_already_claimed (by someone else; claiming one's own claim again changes nothing).
    [[nodiscard]] core::result<core::ticket, core::rejection> claim(const actor& by, core::ticket_id id);
    /// Staff releases the claim. Rejections: not_staff, unknown_ticket, ticket_closed, ticket_not_claimed.
    [[nodiscard]] core::result<core::ticket, core::rejection> unclaim(const actor& by, core::ticket_id id);
    /// Staff hands the ticket to staff member `to` (claimed by `to` afterwards, claimed or not
    /// before). Rejections: not_staff, unknown_ticket, ticket_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> transfer(const actor& by, core::ticket_id id, core::user_id to);
    /// Changes the subject (staff or opener). Rejections: unknown_ticket, ticket_closed,
    /// not_participant, invalid_text, text_too_long.
    [[nodiscard]] core::result<core::ticket, core::rejection> rename(const actor& by, core::ticket_id id, std::string subject);

    /// A message by `author` in the ticket's channel: staff activity (the first one is the first
    /// staff response) or member activity (clears an inactivity warning). Authors who are
    /// neither change nothing. Rejections: unknown_ticket, ticket_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> record_activity(core::ticket_id id, const actor& author);
    /// "Keep open" on the inactivity warning (a member of the ticket or staff): the member's
    /// clock restarts. Rejections: unknown_ticket, ticket_closed, not_participant.
    [[nodiscard]] core::result<core::ticket, core::rejection> keep_open(const actor& by, core::ticket_id id);

    /// Closes the ticket with a reason (<= 500 bytes, may be empty). Rejections: unknown_ticket,
    /// ticket_closed, not_participant (neither staff nor opener), confirmation_required (the
    /// opener without `confirmed`), invalid_text, text_too_long.
    [[nodiscard]] core::result<core::ticket, core::rejection> close(const actor& by, core::ticket_id id, std::string reason,
                                                                    bool confirmed);
    /// Reopens a closed ticket (unclaimed, warning cleared, the member's clock restarted).
    /// Rejections: unknown_ticket, ticket_not_closed (also when deleted), not_participant,
    /// reopen_window_closed (the opener after the type's window), ticket_limit_reached.
    [[nodiscard]] core::result<core::ticket, core::rejection> reopen(const actor& by, core::ticket_id id);
    /// Marks a closed ticket deleted (the platform then deletes the channel). Rejections:
    /// not_staff, unknown_ticket, ticket_not_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> remove(const actor& by, core::ticket_id id);
    /// Links an active ticket to the order (and payment session) made from it — an order ticket
    /// paid in the ticket. Not an event (the order has its own history). Rejections:
    /// unknown_ticket, ticket_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> link_order(core::ticket_id id, core::order_id order,
                                                                         std::optional<core::payment_session_id> session);
    /// Closes an active ticket that could not be set up on the platform (its channel could not be
    /// made), so it neither lingers nor counts against the member's limits. No closer is
    /// recorded. Rejections: unknown_ticket, ticket_closed, invalid_text, text_too_long.
    [[nodiscard]] core::result<core::ticket, core::rejection> abandon(core::ticket_id id, std::string reason);
    /// Marks a closed ticket deleted once its channel was deleted on schedule (no actor: the
    /// scheduler). Rejections: unknown_ticket, ticket_not_closed.
    [[nodiscard]] core::result<core::ticket, core::rejection> expire(core::ticket_id id);
    /// The opener's rating (1..5) and comment (<= 1000 bytes) of a closed ticket. Rejections:
    /// unknown_ticket, not_owner (not the opener), ticket_not_closed, invalid_rating,
    /// feedback_already_given, invalid_text, text_too_long.
    [[nodiscard]] core::result<core::ticket, core::rejection> rate(const actor& by, core::ticket_id id, int rating,
                                                                   std::string comment);

    /// Warns and closes silent tickets (core::sweep_decision; a ticket whose order or session has
    /// a live payment session is left alone). Looks at up to `limit` silent tickets, oldest id
    /// first, each change in its own transaction (a sweep interrupted half-way loses nothing).
    sweep_outcome sweep(std::size_t limit = 10000);
    /// Closed tickets whose type's delete_after_close has passed, at most `limit`.
    [[nodiscard]] std::vector<core::ticket> due_for_deletion(std::size_t limit = 100);

    /// Figures over [from, to) (ports::ticket_figures), with medians and averages computed.
    [[nodiscard]] ticket_stats stats(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to);

private:
    using outcome = core::result<core::ticket, core::rejection>;
    /// Loads the ticket, runs `change` on a copy and writes it back with `event` (compare-and-set
    /// on the status read), all in one transaction.
    template <class Change>
    outcome change(core::ticket_id id, core::ticket_event event, Change&& change);

    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
