#pragma once
/// @file store.hpp
/// The storage port: repositories reached through a unit of work. Every write happens inside
/// `store::transact`, which the adapter runs as one database transaction (SQLite: BEGIN
/// IMMEDIATE ... COMMIT) — it either fully happens or leaves nothing. Another store (PostgreSQL,
/// in-memory) implements these interfaces without touching core or services.

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/idempotency.hpp>
#include <apexcore/core/ledger.hpp>
#include <apexcore/core/license_key.hpp>
#include <apexcore/core/order.hpp>
#include <apexcore/core/outbox.hpp>
#include <apexcore/core/payment.hpp>
#include <apexcore/core/pricing.hpp>
#include <apexcore/core/refund.hpp>
#include <apexcore/core/staff_proposal.hpp>
#include <apexcore/core/ticket.hpp>
#include <apexcore/core/vip.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace apexcore::ports {

/// Thrown by a store for failures that are not domain rejections: I/O errors, a locked database
/// after the busy timeout, a constraint the domain should have prevented. The transaction in
/// flight is rolled back before it propagates.
class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Products of the catalog.
class product_repository {
public:
    virtual ~product_repository() = default;
    /// The product with `id`, active or not; nullopt if there is none.
    virtual std::optional<core::product> find(core::product_id id) = 0;
    /// Active products ordered by main category, sub category, service, variant; at most `limit`.
    virtual std::vector<core::product> list_active(std::size_t limit) = 0;
    /// Inserts a validated product (`core::validate`) with its tags and deliverables and returns
    /// its new id; `p.id` is ignored.
    virtual core::product_id insert(const core::product& p) = 0;
    /// Replaces every field of product `p.id` (validated) except stock, which only
    /// `adjust_stock` changes. Returns false when there is no such product.
    virtual bool update(const core::product& p) = 0;
    /// The product with exactly these four names, active or not; nullopt if none.
    virtual std::optional<core::product> find_by_path(const std::string& main_category, const std::string& sub_category,
                                                      const std::string& service_name,
                                                      const std::string& variant_name) = 0;
    /// Active products carrying `tag`, in display order, at most `limit`.
    virtual std::vector<core::product> list_by_tag(const std::string& tag, std::size_t limit) = 0;
    /// Active products whose names (service, variant, categories) contain `text`, or one of
    /// whose tags starts with it — ASCII letters compared case-insensitively — in display order,
    /// at most `limit`. `text` is matched literally (no wildcards).
    virtual std::vector<core::product> search_active(const std::string& text, std::size_t limit) = 0;
    /// Every product, active or not, by id, strictly after `after` (paging), at most `limit`:
    /// the catalog export.
    virtual std::vector<core::product> list_all(std::optional<core::product_id> after, std::size_t limit) = 0;
    /// Like search_active, but inactive products match too (staff switching one back on).
    virtual std::vector<core::product> search_all(const std::string& text, std::size_t limit) = 0;
    /// The outcome of adjust_stock: the stock before and after (equal when refused).
    struct stock_change {
        std::int64_t before = 0;
        std::int64_t after = 0;
        bool refused = false;  ///< the change would make the stock negative; nothing changed
    };
    /// Adds `delta` units (negative to take) to a counted stock, only if the result stays >= 0
    /// and fits int64 (otherwise `refused`, nothing changed). nullopt when the product has
    /// unlimited stock or does not exist. Atomic inside the write transaction.
    virtual std::optional<stock_change> adjust_stock(core::product_id id, std::int64_t delta) = 0;
    /// Sets a product's stock: a count >= 0, or nullopt for unlimited. False for an unknown id.
    virtual bool set_stock(core::product_id id, std::optional<std::int64_t> stock) = 0;
};

/// Wallet balances and the insert-only ledger.
class wallet_repository {
public:
    virtual ~wallet_repository() = default;
    /// The user's current balance in `currency`; zero for a user never seen.
    virtual core::money balance(core::user_id user, const core::currency& currency) = 0;
    /// Appends one ledger row and moves the balance by `draft.amount` in the same transaction;
    /// returns the stored row with `balance_after`. Preconditions (checked by the service):
    /// `core::validate(draft)` passed and the resulting balance is >= 0 and fits int64. Throws
    /// store_error if a precondition is broken (the transaction then rolls back).
    virtual core::ledger_entry append(const core::ledger_draft& draft) = 0;
    /// The user's newest `limit` rows, newest first, strictly older than `before` when given.
    virtual std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                                    std::optional<core::ledger_entry_id> before) = 0;
    /// One ledger row by id; nullopt if there is none.
    virtual std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) = 0;
};

/// Idempotency keys of money movements (core/idempotency.hpp). Recorded in the same transaction
/// as the movement, so a key exists exactly when its movement happened.
class idempotency_repository {
public:
    virtual ~idempotency_repository() = default;
    /// The record for `key`; nullopt when the key was never used.
    virtual std::optional<core::idempotency_record> find_key(const std::string& key) = 0;
    /// Records a key; throws store_error if it already exists (callers look it up first, inside
    /// the same write transaction).
    virtual void record_key(const core::idempotency_record& record) = 0;
};

/// One product's sales in a period (sales_figures::top_products).
struct product_sales {
    core::product_id product;
    std::int64_t orders = 0;
    std::int64_t revenue_minor = 0;
};

/// Sales over [from, to), in the shop's minor units (order_repository::sales). An order counts
/// when it was created in the period and paid (paid, delivered, partially_refunded or refunded:
/// money that came in, whatever happened to it since); refunds count when they were approved in
/// the period.
struct sales_figures {
    std::int64_t revenue_minor = 0;   ///< what the counted orders paid
    std::int64_t orders = 0;          ///< counted orders
    std::int64_t refunds = 0;         ///< refunds approved in the period
    std::int64_t refunded_minor = 0;  ///< their gross amounts
    std::int64_t new_customers = 0;   ///< members whose first counted order ever is in the period
    /// Revenue per UTC day, oldest first: (days since the epoch, minor units); days without sales
    /// are left out.
    std::vector<std::pair<std::int64_t, std::int64_t>> revenue_by_day{};
    std::vector<product_sales> top_products{};  ///< by revenue, then orders, at most `top` of sales()
};

/// Orders.
class order_repository {
public:
    virtual ~order_repository() = default;
    /// Inserts an order and returns the stored row. `draft.reference` must be unique (the store
    /// refuses a duplicate with store_error; callers check `find_by_reference` first).
    virtual core::order insert(const core::order_draft& draft) = 0;
    /// The order with `id`; nullopt if there is none.
    virtual std::optional<core::order> find(core::order_id id) = 0;
    /// The order with public reference `reference` (normalised form); nullopt if none.
    virtual std::optional<core::order> find_by_reference(const std::string& reference) = 0;
    /// When the customer's orders made after `since` were made, oldest first, at most `limit`
    /// (financial cooldowns, core/cooldown.hpp).
    virtual std::vector<std::chrono::system_clock::time_point> order_times_since(core::user_id customer,
                                                                                std::chrono::system_clock::time_point since,
                                                                                std::size_t limit) = 0;
    /// The customer's orders, newest first, at most `limit`; with `before`, only orders older
    /// than that one (paging: the next page starts after the last order shown).
    virtual std::vector<core::order> list_for(core::user_id customer, std::size_t limit,
                                              std::optional<core::order_id> before = std::nullopt) = 0;
    /// Moves order `id` from `from` to `to` only if it is still in `from` (compare-and-set).
    /// Returns false when it was not (or does not exist). Callers check core::can_transition.
    virtual bool set_status(core::order_id id, core::order_status from, core::order_status to) = 0;
    /// Records delivery: the delivered text, the time and the warranty end (nullopt = none).
    virtual void set_delivery(core::order_id id, const std::string& delivery, std::chrono::system_clock::time_point at,
                              std::optional<std::chrono::system_clock::time_point> warranty_expires_at) = 0;
    /// Adds `gross` to the order's refunded total and sets its status.
    virtual void add_refunded(core::order_id id, const core::money& gross, core::order_status status) = 0;
    /// Records a warranty renewal: new expiry, renewal count + 1, renewal time.
    virtual void renew_warranty(core::order_id id, std::chrono::system_clock::time_point new_expiry,
                                std::chrono::system_clock::time_point renewed_at) = 0;
    /// Sales over [from, to) (sales_figures), with the `top` best-selling products.
    virtual sales_figures sales(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to,
                                std::size_t top) = 0;
    /// Orders created in [from, to), by id, strictly after `after` (paging), at most `limit`: the
    /// orders CSV export.
    virtual std::vector<core::order> list_between(std::chrono::system_clock::time_point from,
                                                  std::chrono::system_clock::time_point to, std::optional<core::order_id> after,
                                                  std::size_t limit) = 0;
    /// Delivered orders whose warranty ends in [from, to), soonest first, at most `limit`.
    virtual std::vector<core::order> warranty_expiring(std::chrono::system_clock::time_point from,
                                                       std::chrono::system_clock::time_point to, std::size_t limit) = 0;
};

/// Customers' VIP standing: lifetime spend, completed purchases and held tier roles.
class customer_repository {
public:
    virtual ~customer_repository() = default;
    /// The customer's profile; a zero profile for a customer never seen.
    virtual core::customer_profile profile(core::user_id user) = 0;
    /// Adds `spend_delta_minor` (negative for refunds; |delta| <= core::amount_minor_max) to
    /// lifetime spend, saturating at 0 and at core::amount_minor_max (money.hpp: the sum never
    /// overflows), and `purchases_delta` to completed purchases, creating the row if needed.
    virtual void add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) = 0;
    /// Records role grants and revocations (what the chat layer is asked to perform).
    virtual void apply_roles(core::user_id user, const core::tier_changes& changes) = 0;
};

/// Promo codes and their redemptions.
class promo_repository {
public:
    virtual ~promo_repository() = default;
    /// The code, matched case-insensitively; nullopt if none.
    virtual std::optional<core::promo_code> find_promo(const std::string& code) = 0;
    /// Inserts or replaces a code (matched case-insensitively).
    virtual void upsert_promo(const core::promo_code& promo) = 0;
    /// How often the code was redeemed, in total and by `user`.
    virtual core::promo_usage usage(const std::string& code, core::user_id user) = 0;
    /// Codes in name order (case-insensitive), at most `limit`.
    virtual std::vector<core::promo_code> list_promos(std::size_t limit) = 0;
    /// Deletes a code that was never redeemed; false when it does not exist or was redeemed
    /// (redemptions keep their code: deactivate it instead).
    virtual bool delete_unused_promo(const std::string& code) = 0;
    /// Records one redemption by `user` for `order`.
    virtual void record_redemption(const std::string& code, core::user_id user, core::order_id order,
                                   const core::money& discount) = 0;
};

/// Refund requests.
class refund_repository {
public:
    virtual ~refund_repository() = default;
    /// Stores a new request (status requested) and returns it with its id.
    virtual core::refund insert_refund(const core::refund& r) = 0;
    /// The request with `id`; nullopt if none.
    virtual std::optional<core::refund> find_refund(core::refund_id id) = 0;
    /// The order's request awaiting a decision, if any.
    virtual std::optional<core::refund> pending_for(core::order_id order) = 0;
    /// When the customer's refund requests made after `since` were made, oldest first, at most `limit`.
    virtual std::vector<std::chrono::system_clock::time_point> request_times_since(core::user_id customer,
                                                                                  std::chrono::system_clock::time_point since,
                                                                                  std::size_t limit) = 0;
    /// Requests awaiting a decision, oldest first, at most `limit`.
    virtual std::vector<core::refund> list_pending(std::size_t limit) = 0;
    /// Records a decision on a request that is still `requested`: status, staff, reason, fee,
    /// credit row and time. Returns false if it was already decided.
    virtual bool decide(const core::refund& decided) = 0;
};

/// Persistent payment sessions and their audit trail.
class payment_session_repository {
public:
    virtual ~payment_session_repository() = default;
    /// Stores a new session and returns it with its id. The store refuses a second live session
    /// for the same order (store_error); callers check `live_for` first.
    virtual core::payment_session insert_session(const core::payment_session& s) = 0;
    /// The session with `id`; nullopt if none.
    virtual std::optional<core::payment_session> find_session(core::payment_session_id id) = 0;
    /// The order's open or submitted session, if any.
    virtual std::optional<core::payment_session> live_for(core::order_id order) = 0;
    /// Writes every field of `s` if the stored status is still `expected` (compare-and-set).
    virtual bool update_session(const core::payment_session& s, core::payment_session_status expected) = 0;
    /// Open sessions whose expiry is <= now, oldest first, at most `limit`.
    virtual std::vector<core::payment_session> expired_open(std::chrono::system_clock::time_point now,
                                                            std::size_t limit) = 0;
    /// Sessions that are submitted (awaiting staff), oldest first, at most `limit`.
    virtual std::vector<core::payment_session> list_submitted(std::size_t limit) = 0;
    /// Appends one audit event.
    virtual void audit(const core::payment_session_event& e) = 0;
    /// The session's audit events in order.
    virtual std::vector<core::payment_session_event> audit_trail(core::payment_session_id id) = 0;
};

/// License key inventory.
class license_key_repository {
public:
    virtual ~license_key_repository() = default;
    /// Inserts an available key; false (nothing written) when the key text already exists.
    virtual bool insert_key(core::product_id product, const std::string& key) = 0;
    /// Whether this key text exists (for any product).
    virtual bool key_exists(const std::string& key) = 0;
    /// Atomically takes the oldest available key of `product` and moves it to `to` (reserved,
    /// used or requested) with its order / customer / requester. nullopt when none is available.
    /// Inside a write transaction no other caller can take the same key.
    virtual std::optional<core::license_key> take_available(core::product_id product, core::license_key_status to,
                                                            std::optional<core::order_id> order,
                                                            std::optional<core::user_id> customer,
                                                            std::optional<core::user_id> requested_by) = 0;
    /// The key with `id`; nullopt if none.
    virtual std::optional<core::license_key> find_key_by_id(core::license_key_id id) = 0;
    /// The key reserved for or delivered with `order`, if any.
    virtual std::optional<core::license_key> key_for_order(core::order_id order) = 0;
    /// Moves a key from `from` to `to` (compare-and-set) and sets its order / customer; moving to
    /// available clears order, customer and requester. False when it was not in `from`.
    virtual bool move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                          std::optional<core::order_id> order, std::optional<core::user_id> customer) = 0;
    /// Keys whose text contains `text` (empty = any), optionally of one product and one status,
    /// in id order, at most `limit`.
    virtual std::vector<core::license_key> search_keys(const std::string& text, std::optional<core::product_id> product,
                                                       std::optional<core::license_key_status> status,
                                                       std::size_t limit) = 0;
    /// Counts per product and status.
    virtual std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> key_stats() = 0;
};

/// One staff member's figures over a period (ticket_repository::figures).
struct staff_ticket_figures {
    std::int64_t claimed = 0;   ///< claims (and transfers to them) in the period
    std::int64_t closed = 0;    ///< tickets they closed in the period
    std::vector<std::chrono::seconds> first_responses{};  ///< their first answers, on tickets opened in the period
    std::int64_t ratings_sum = 0;    ///< ratings of tickets they handled (claimed, else first answered) opened in the period
    std::int64_t ratings_count = 0;
};

/// Ticket figures over [from, to): per staff member and in all.
struct ticket_figures {
    std::int64_t opened = 0;        ///< tickets opened in the period
    std::int64_t closed = 0;        ///< closings in the period (staff, opener or sweep)
    std::vector<std::chrono::seconds> first_responses{};  ///< every first staff answer, tickets opened in the period
    std::int64_t ratings_sum = 0;
    std::int64_t ratings_count = 0;
    std::map<core::user_id, staff_ticket_figures> staff{};
};

/// Support tickets, their participants, answers and insert-only event log.
class ticket_repository {
public:
    virtual ~ticket_repository() = default;
    /// Stores a new ticket with its participants and answers; returns it with its id.
    virtual core::ticket insert_ticket(const core::ticket& t) = 0;
    /// The ticket with `id`; nullopt if none.
    virtual std::optional<core::ticket> find_ticket(core::ticket_id id) = 0;
    /// The ticket whose channel is `channel` (any status); nullopt if none.
    virtual std::optional<core::ticket> find_by_channel(core::channel_id channel) = 0;
    /// The member's open or claimed tickets, of one type or (nullopt) of all.
    virtual std::int64_t count_active(core::user_id opener, const std::optional<std::string>& type) = 0;
    /// When the member last opened a ticket of `type` (tickets closed before they had a channel
    /// do not count); nullopt if never.
    virtual std::optional<std::chrono::system_clock::time_point> last_opened(core::user_id opener, const std::string& type) = 0;
    /// When the opener's tickets of `type` opened after `since` were opened, oldest first, at
    /// most `limit` (the deposits cooldown, core/cooldown.hpp; same exclusion as last_opened).
    virtual std::vector<std::chrono::system_clock::time_point> opened_times_since(core::user_id opener, const std::string& type,
                                                                                  std::chrono::system_clock::time_point since,
                                                                                  std::size_t limit) = 0;
    /// Writes every mutable field of `t` (status, channel, subject, claim, activity times,
    /// warning, closing, links, rating) and replaces its participants, if the stored status is
    /// still `expected` (compare-and-set). False when it was not (or no such ticket).
    virtual bool update_ticket(const core::ticket& t, core::ticket_status expected) = 0;
    /// Open or claimed tickets whose member has been silent since `silent_since` or earlier,
    /// by id, strictly after `after` (paging), at most `limit`: the sweep's candidates.
    virtual std::vector<core::ticket> list_silent(std::chrono::system_clock::time_point silent_since,
                                                  std::optional<core::ticket_id> after, std::size_t limit) = 0;
    /// Closed tickets of `type` closed at or before `closed_before`, oldest first, at most `limit`
    /// (their channels are due for deletion).
    virtual std::vector<core::ticket> list_closed_before(const std::string& type,
                                                         std::chrono::system_clock::time_point closed_before,
                                                         std::size_t limit) = 0;
    /// Appends one event (insert-only: the store refuses updates and deletions).
    virtual void append_event(const core::ticket_event& e) = 0;
    /// The ticket's events in order.
    virtual std::vector<core::ticket_event> ticket_events(core::ticket_id id) = 0;
    /// Figures over [from, to) (see ticket_figures), computed by the store.
    virtual ticket_figures figures(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to) = 0;
};

/// Staff proposals (core/staff_proposal.hpp): previews waiting for their Confirm.
class proposal_repository {
public:
    virtual ~proposal_repository() = default;
    /// Stores a new proposal; false (nothing written) when its token is already stored.
    virtual bool insert_proposal(const core::staff_proposal& p) = 0;
    /// The proposal with `token`; nullopt if none.
    virtual std::optional<core::staff_proposal> find_proposal(const std::string& token) = 0;
    /// Marks it cancelled; false when there is no such proposal.
    virtual bool cancel_proposal(const std::string& token) = 0;
    /// Deletes at most `limit` proposals that expired before `before`; returns how many.
    virtual std::size_t purge_proposals(std::chrono::system_clock::time_point before, std::size_t limit) = 0;
};

/// A scheduled job's state in the store (bot::scheduler with a store).
struct scheduled_job_state {
    std::string name;
    std::chrono::system_clock::time_point next_due{};
    std::optional<std::chrono::system_clock::time_point> last_started;
    std::optional<std::chrono::system_clock::time_point> last_finished;
    std::string last_error;  ///< empty when the last run succeeded
    std::int64_t runs = 0;
};

/// Due times of the scheduled jobs, kept in the store so that a restart neither runs a job early
/// nor forgets one that fell due meanwhile, and several processes sharing the store run each job
/// at most once per due time.
class schedule_repository {
public:
    virtual ~schedule_repository() = default;
    /// Adds `name` due at `first_due` unless it is already known (then nothing changes).
    virtual void ensure_job(const std::string& name, std::chrono::system_clock::time_point first_due) = 0;
    /// Claims the run of `name` that is due at `now`: when its next due time is <= now, moves it to
    /// `next_due`, counts the run and returns true — once per due time, whoever asks (compare-and-set).
    virtual bool claim_job(const std::string& name, std::chrono::system_clock::time_point now,
                           std::chrono::system_clock::time_point next_due) = 0;
    /// Records how a claimed run ended (`error` empty: it succeeded; clipped to 300 bytes).
    virtual void finish_job(const std::string& name, std::chrono::system_clock::time_point at, const std::string& error) = 0;
    /// Every job, by name.
    virtual std::vector<scheduled_job_state> jobs() = 0;
};

/// What outbox_repository::enqueue did.
struct outbox_enqueued {
    core::outbox_id id;      ///< the new entry, or the stored one with the same dedup key
    bool duplicate = false;  ///< true: nothing was written (the dedup key was already stored)
};

/// The outbox (core/outbox.hpp): events to post or DM, written in the transaction of the
/// decision they report, claimed and sent by a dispatcher.
class outbox_repository {
public:
    virtual ~outbox_repository() = default;
    /// Writes a valid draft (core::is_valid) as a pending entry due at once, unless about
    /// `max_pending` entries are already pending (the store may over-count slightly, never
    /// under-count): then nothing is written and nullopt is returned, so a long outage cannot
    /// grow the store without bound. A draft whose dedup_key is already stored is not written
    /// either: the stored entry's id is returned, marked duplicate. Throws store_error for an
    /// invalid draft.
    virtual std::optional<outbox_enqueued> enqueue(const core::outbox_draft& draft, std::int64_t max_pending) = 0;
    /// Pending entries due at `now` (next attempt <= now), oldest due first, at most `limit`;
    /// each is leased: its next attempt moves to `lease_until`, so another dispatcher (or this
    /// one after a crash) takes it only when the lease ends without a send being recorded.
    virtual std::vector<core::outbox_entry> claim_due(std::chrono::system_clock::time_point now,
                                                      std::chrono::system_clock::time_point lease_until,
                                                      std::size_t limit) = 0;
    /// Records a send of a pending entry: status sent, where it went, `note` (e.g. how a fallback
    /// was used; may be empty). False when the entry is not pending.
    virtual bool mark_sent(core::outbox_id id, std::chrono::system_clock::time_point at,
                           std::optional<core::channel_id> channel, std::optional<core::message_id> message,
                           const std::string& note) = 0;
    /// Records a failed attempt of a pending entry and when to try again; `count_attempt` false
    /// puts a claimed entry back without counting (it was not tried). False when not pending.
    virtual bool reschedule(core::outbox_id id, std::chrono::system_clock::time_point next_attempt,
                            const std::string& error, bool count_attempt) = 0;
    /// Gives up on a pending entry: status failed with `error`. False when not pending.
    virtual bool mark_failed(core::outbox_id id, const std::string& error) = 0;
    /// One entry; nullopt if none.
    virtual std::optional<core::outbox_entry> find_outbox(core::outbox_id id) = 0;
    /// Counts and the oldest pending entry.
    virtual core::outbox_stats outbox_stats() = 0;
    /// Deletes at most `limit` sent entries sent before `before` (the outbox is not a ledger:
    /// the log channel and the member keep the message); returns how many.
    virtual std::size_t purge_sent(std::chrono::system_clock::time_point before, std::size_t limit) = 0;
};

/// What forgetting a member changed (member_data_repository::forget_member): counts of rows.
struct erasure_report {
    std::int64_t orders = 0;     ///< orders whose answers to the product's questions were removed
    std::int64_t payments = 0;   ///< payment sessions whose proof link, contact, transaction id, notes and reasons were blanked
    std::int64_t refunds = 0;    ///< refund requests whose reasons were blanked
    std::int64_t tickets = 0;    ///< tickets whose subject, answers, event notes, closing reason and comment were blanked
    std::int64_t messages = 0;   ///< DMs and role changes for them removed from the outbox
    std::int64_t proposals = 0;  ///< staff previews about them removed
};

/// Everything stored about one member, for their data requests (export, erasure). The ledger,
/// the orders' amounts and statuses, license keys and the member's id stay: they are the shop's
/// accounting records and must keep reconciling (store::reconcile); what the member wrote or
/// handed in is what is erased.
class member_data_repository {
public:
    virtual ~member_data_repository() = default;
    /// Every row that concerns `user`, as one JSON object:
    /// {"member": "<id>", "tables": {"<table>": [{"<column>": value, …}, …], …}} — every column of
    /// every table holding the member's rows (their wallet, ledger, orders, tickets, payments,
    /// refunds, promo uses, outbox messages, erasures), ids as strings of digits (snowflakes exceed
    /// JSON's exact integers). Throws store_error when the document would exceed `max_bytes`.
    virtual std::string export_member(core::user_id user, std::size_t max_bytes) = 0;
    /// Erases what the member wrote or handed in (see erasure_report) and records the erasure
    /// (who, when) insert-only. Idempotent: a second call finds nothing more to blank.
    virtual erasure_report forget_member(core::user_id user, core::user_id staff) = 0;
    /// When the member was last forgotten; nullopt if never.
    virtual std::optional<std::chrono::system_clock::time_point> forgotten_at(core::user_id user) = 0;
};

/// One thing /setup made in the guild (bot::setup_feature), by its name in the blueprint
/// ("channel.storefront", "log.orders", "message.shop_panel").
struct setup_record {
    std::string name;                     ///< 1..64 bytes
    std::string kind;                     ///< "category", "channel", "role" or "message"
    std::uint64_t id = 0;                 ///< the platform's id (a snowflake)
    std::optional<std::uint64_t> parent;  ///< a message's channel, a channel's category
    std::chrono::system_clock::time_point updated_at{};
};

/// What /setup made, so a second run repairs what is missing instead of making it twice.
class setup_repository {
public:
    virtual ~setup_repository() = default;
    /// Every record, by name.
    virtual std::vector<setup_record> setup_records() = 0;
    /// Writes (or replaces) the record of `r.name`; updated_at is the store's time.
    virtual void record_setup(const setup_record& r) = 0;
};

/// The repositories visible inside one transaction. Each accessor returns a repository bound to
/// this unit of work; it must not be used after `work` returns.
class unit_of_work {
public:
    virtual ~unit_of_work() = default;
    virtual product_repository& products() = 0;
    virtual wallet_repository& wallet() = 0;
    virtual order_repository& orders() = 0;
    virtual idempotency_repository& idempotency() = 0;
    virtual customer_repository& customers() = 0;
    virtual promo_repository& promos() = 0;
    virtual refund_repository& refunds() = 0;
    virtual payment_session_repository& payment_sessions() = 0;
    virtual license_key_repository& license_keys() = 0;
    virtual ticket_repository& tickets() = 0;
    virtual outbox_repository& outbox() = 0;
    virtual proposal_repository& proposals() = 0;
    virtual schedule_repository& schedule() = 0;
    virtual member_data_repository& member_data() = 0;
    virtual setup_repository& setup() = 0;
};

/// The outcome of `store::reconcile`: every user whose balance disagrees with their ledger.
struct reconcile_report {
    /// One disagreeing user: stored balance vs. sum of ledger amounts vs. newest balance_after.
    struct mismatch {
        core::user_id user;
        std::int64_t balance_minor = 0;
        std::int64_t ledger_sum_minor = 0;
        std::int64_t last_balance_after_minor = 0;
    };
    std::size_t users_checked = 0;
    std::vector<mismatch> mismatches;
    [[nodiscard]] bool ok() const { return mismatches.empty(); }
};

/// Whether `store::transact` should commit the work or roll it back.
enum class tx_outcome { commit, rollback };

/// A transactional store.
class store {
public:
    virtual ~store() = default;
    /// Runs `work` in one write transaction. Commits when it returns tx_outcome::commit, rolls
    /// back when it returns rollback or throws (the exception then propagates). Safe to call from
    /// several threads; concurrent writers are serialised by the store. Returns only after a
    /// committed `work` is durable. A store may run `work` on another thread and batch several
    /// callers' work into one commit (group commit), each isolated by a savepoint; `work` must
    /// therefore not call back into the store.
    virtual void transact(const std::function<tx_outcome(unit_of_work&)>& work) = 0;
    /// Runs `work` against a consistent read snapshot; writes inside it are an error.
    virtual void read(const std::function<void(unit_of_work&)>& work) = 0;
    /// Proves for every user: balance == sum(ledger amounts) == newest row's balance_after.
    virtual reconcile_report reconcile() = 0;
};

}  // namespace apexcore::ports
