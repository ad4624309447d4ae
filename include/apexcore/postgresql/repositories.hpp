#pragma once
/// @file repositories.hpp
/// The PostgreSQL store's repositories, each over one session (the caller's transaction). They
/// keep the SQLite store's contracts (ports/store.hpp) and let PostgreSQL enforce the rules a
/// second time: balances never negative, the ledger insert-only, one row per idempotency key.
/// postgresql_store (postgresql_store.hpp) assembles them into one unit of work.

#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/postgresql/database.hpp>

#include <map>

namespace apexcore::postgresql {

/// Wallet balances, the ledger and idempotency keys. append() is one statement: the wallet row
/// is moved by `amount` (or created) and the ledger row written with the resulting balance, so
/// two sessions appending to one wallet queue on its row lock and never lose an update, even at
/// READ COMMITTED. Not thread-safe (one session); `session` and `clock` must outlive it.
class money_repository final : public ports::wallet_repository, public ports::idempotency_repository {
public:
    money_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}

    /// Zero for a user never seen.
    core::money balance(core::user_id user, const core::currency& currency) override;
    /// Throws ports::store_error for an invalid draft, a balance that would go below zero
    /// (PostgreSQL's CHECK, SQLSTATE 23514) or past int64 (22003); nothing is written then. Unlike
    /// on SQLite, the refusal also ends the transaction (PostgreSQL aborts it): the services
    /// check the balance first and let a store_error end the unit of work, so they see no
    /// difference.
    core::ledger_entry append(const core::ledger_draft& draft) override;
    std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                            std::optional<core::ledger_entry_id> before) override;
    std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) override;

    std::optional<core::idempotency_record> find_key(const std::string& key) override;
    /// Throws ports::store_error when the key exists (SQLSTATE 23505).
    void record_key(const core::idempotency_record& record) override;

private:
    session& session_;
    const ports::clock& clock_;
};

/// The catalog: products, their tags, deliverables (JSONB) and stock. adjust_stock is one
/// conditional UPDATE, so concurrent buyers of the last unit cannot both take it. Searches
/// compare ASCII letters case-insensitively (ILIKE under the "C" collation), as the SQLite store
/// does, and treat % and _ literally. Not thread-safe (one session).
class product_repository final : public ports::product_repository {
public:
    product_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    std::optional<core::product> find(core::product_id id) override;
    std::vector<core::product> list_active(std::size_t limit) override;
    core::product_id insert(const core::product& p) override;
    bool update(const core::product& p) override;
    std::optional<core::product> find_by_path(const std::string& main_category, const std::string& sub_category,
                                              const std::string& service_name, const std::string& variant_name) override;
    std::vector<core::product> list_by_tag(const std::string& tag, std::size_t limit) override;
    std::vector<core::product> search_active(const std::string& text, std::size_t limit) override;
    std::vector<core::product> list_all(std::optional<core::product_id> after, std::size_t limit) override;
    std::vector<core::product> search_all(const std::string& text, std::size_t limit) override;
    std::optional<stock_change> adjust_stock(core::product_id id, std::int64_t delta) override;
    bool set_stock(core::product_id id, std::optional<std::int64_t> stock) override;

private:
    std::vector<core::product> select(const std::string& where_and_order, std::span<const param> params);
    std::vector<core::product> search(const std::string& text, std::size_t limit, bool active_only);
    void write_tags(core::product_id id, const std::vector<std::string>& tags);

    session& session_;
    const ports::clock& clock_;
};

/// Orders: references, status compare-and-set, delivery, refunds, warranties, metadata (JSONB)
/// and the sales figures. Not thread-safe (one session).
class order_repository final : public ports::order_repository {
public:
    order_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    /// Throws ports::store_error for a reference in use (SQLSTATE 23505).
    core::order insert(const core::order_draft& draft) override;
    std::optional<core::order> find(core::order_id id) override;
    std::optional<core::order> find_by_reference(const std::string& reference) override;
    std::vector<std::chrono::system_clock::time_point> order_times_since(core::user_id customer,
                                                                        std::chrono::system_clock::time_point since,
                                                                        std::size_t limit) override;
    std::vector<core::order> list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) override;
    /// One UPDATE … WHERE status = from: of two sessions, one moves the order.
    bool set_status(core::order_id id, core::order_status from, core::order_status to) override;
    void set_delivery(core::order_id id, const std::string& delivery, std::chrono::system_clock::time_point at,
                      std::optional<std::chrono::system_clock::time_point> warranty_expires_at) override;
    void add_refunded(core::order_id id, const core::money& gross, core::order_status status) override;
    void renew_warranty(core::order_id id, std::chrono::system_clock::time_point new_expiry,
                        std::chrono::system_clock::time_point renewed_at) override;
    /// Five queries in the caller's transaction (one snapshot under database::serializable). Days are UTC days
    /// (created_at_ms / 86,400,000).
    ports::sales_figures sales(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to,
                               std::size_t top) override;
    std::vector<core::order> list_between(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to,
                                          std::optional<core::order_id> after, std::size_t limit) override;
    std::vector<core::order> warranty_expiring(std::chrono::system_clock::time_point from,
                                               std::chrono::system_clock::time_point to, std::size_t limit) override;

private:
    std::vector<core::order> select(const std::string& where_and_order, std::span<const param> params);
    std::string now_text() const;

    session& session_;
    const ports::clock& clock_;
};

/// The outbox. claim_due takes the due entries with FOR UPDATE SKIP LOCKED: dispatchers in
/// several processes sharing the database each get different entries, none waits for another,
/// and an entry whose lease ends unsent is claimed again. Not thread-safe (one session).
class outbox_repository final : public ports::outbox_repository {
public:
    outbox_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    std::optional<ports::outbox_enqueued> enqueue(const core::outbox_draft& draft, std::int64_t max_pending) override;
    std::vector<core::outbox_entry> claim_due(std::chrono::system_clock::time_point now,
                                              std::chrono::system_clock::time_point lease_until, std::size_t limit) override;
    bool mark_sent(core::outbox_id id, std::chrono::system_clock::time_point at, std::optional<core::channel_id> channel,
                   std::optional<core::message_id> message, const std::string& note) override;
    bool reschedule(core::outbox_id id, std::chrono::system_clock::time_point next_attempt, const std::string& error,
                    bool count_attempt) override;
    bool mark_failed(core::outbox_id id, const std::string& error) override;
    std::optional<core::outbox_entry> find_outbox(core::outbox_id id) override;
    core::outbox_stats outbox_stats() override;
    std::size_t purge_sent(std::chrono::system_clock::time_point before, std::size_t limit) override;

private:
    std::vector<core::outbox_entry> read(const result& r);

    session& session_;
    const ports::clock& clock_;
};

/// Refund requests. A second request for an order with one awaiting a decision is refused by
/// the database (a unique partial index); decide() is a compare-and-set on `requested`. Not
/// thread-safe (one session).
class refund_repository final : public ports::refund_repository {
public:
    refund_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    /// Throws ports::store_error when the order has a request awaiting a decision (23505).
    core::refund insert_refund(const core::refund& r) override;
    std::optional<core::refund> find_refund(core::refund_id id) override;
    std::optional<core::refund> pending_for(core::order_id order) override;
    std::vector<std::chrono::system_clock::time_point> request_times_since(core::user_id customer,
                                                                          std::chrono::system_clock::time_point since,
                                                                          std::size_t limit) override;
    std::vector<core::refund> list_pending(std::size_t limit) override;
    bool decide(const core::refund& decided) override;

private:
    std::vector<core::refund> select(const std::string& where_and_order, std::span<const param> params);

    session& session_;
    const ports::clock& clock_;
};

/// Customers' lifetime spend and the tier roles recorded for them. Not thread-safe (one session).
class customer_repository final : public ports::customer_repository {
public:
    customer_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    /// A zero profile for a customer never seen.
    core::customer_profile profile(core::user_id user) override;
    /// Saturates at 0 and at core::amount_minor_max, as the SQLite store does.
    void add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) override;
    void apply_roles(core::user_id user, const core::tier_changes& changes) override;

private:
    session& session_;
    const ports::clock& clock_;
};

/// Due times of the scheduled jobs. claim_job is one compare-and-set UPDATE: of the processes
/// sharing the database, exactly one claims each due time, and when the one that ran a job dies,
/// the next due time is claimed by another (no leader to elect). Not thread-safe (one session).
class schedule_repository final : public ports::schedule_repository {
public:
    explicit schedule_repository(session& s) : session_(s) {}
    void ensure_job(const std::string& name, std::chrono::system_clock::time_point first_due) override;
    bool claim_job(const std::string& name, std::chrono::system_clock::time_point now,
                   std::chrono::system_clock::time_point next_due) override;
    void finish_job(const std::string& name, std::chrono::system_clock::time_point at, const std::string& error) override;
    std::vector<ports::scheduled_job_state> jobs() override;

private:
    session& session_;
};

/// Promo codes, matched case-insensitively (ASCII letters) as on SQLite, and their redemptions.
/// Not thread-safe (one session).
class promo_repository final : public ports::promo_repository {
public:
    promo_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    std::optional<core::promo_code> find_promo(const std::string& code) override;
    /// A code that differs only in case replaces the stored one, which keeps its spelling.
    void upsert_promo(const core::promo_code& promo) override;
    core::promo_usage usage(const std::string& code, core::user_id user) override;
    std::vector<core::promo_code> list_promos(std::size_t limit) override;
    bool delete_unused_promo(const std::string& code) override;
    void record_redemption(const std::string& code, core::user_id user, core::order_id order, const core::money& discount) override;

private:
    session& session_;
    const ports::clock& clock_;
};

/// The license key inventory. take_available picks the oldest available key with FOR UPDATE
/// SKIP LOCKED: two buyers, in one process or two, get different keys and neither waits. Not
/// thread-safe (one session).
class license_key_repository final : public ports::license_key_repository {
public:
    license_key_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    bool insert_key(core::product_id product, const std::string& key) override;
    bool key_exists(const std::string& key) override;
    std::optional<core::license_key> take_available(core::product_id product, core::license_key_status to,
                                                    std::optional<core::order_id> order, std::optional<core::user_id> customer,
                                                    std::optional<core::user_id> requested_by) override;
    std::optional<core::license_key> find_key_by_id(core::license_key_id id) override;
    std::optional<core::license_key> key_for_order(core::order_id order) override;
    bool move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                  std::optional<core::order_id> order, std::optional<core::user_id> customer) override;
    /// `text` is matched literally (strpos), as on SQLite.
    std::vector<core::license_key> search_keys(const std::string& text, std::optional<core::product_id> product,
                                               std::optional<core::license_key_status> status, std::size_t limit) override;
    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> key_stats() override;

private:
    std::vector<core::license_key> select(const std::string& where_and_order, std::span<const param> params);

    session& session_;
    const ports::clock& clock_;
};

/// Payment sessions and their insert-only audit trail. One live (open or submitted) session per
/// order is enforced by a unique partial index; update_session is a compare-and-set on the
/// status. Not thread-safe (one session).
class payment_session_repository final : public ports::payment_session_repository {
public:
    payment_session_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    /// Throws ports::store_error when the order has a live session (23505).
    core::payment_session insert_session(const core::payment_session& s) override;
    std::optional<core::payment_session> find_session(core::payment_session_id id) override;
    std::optional<core::payment_session> live_for(core::order_id order) override;
    bool update_session(const core::payment_session& s, core::payment_session_status expected) override;
    std::vector<core::payment_session> expired_open(std::chrono::system_clock::time_point now, std::size_t limit) override;
    std::vector<core::payment_session> list_submitted(std::size_t limit) override;
    void audit(const core::payment_session_event& e) override;
    std::vector<core::payment_session_event> audit_trail(core::payment_session_id id) override;

private:
    std::vector<core::payment_session> select(const std::string& where_and_order, std::span<const param> params);

    session& session_;
    const ports::clock& clock_;
};

/// Staff proposals: wallet changes previewed and waiting for their one-time Confirm. Not
/// thread-safe (one session).
class proposal_repository final : public ports::proposal_repository {
public:
    explicit proposal_repository(session& s) : session_(s) {}
    /// False (nothing written) when the token is stored already.
    bool insert_proposal(const core::staff_proposal& p) override;
    std::optional<core::staff_proposal> find_proposal(const std::string& token) override;
    bool cancel_proposal(const std::string& token) override;
    std::size_t purge_proposals(std::chrono::system_clock::time_point before, std::size_t limit) override;

private:
    session& session_;
};

/// What /setup made. Not thread-safe (one session).
class setup_repository final : public ports::setup_repository {
public:
    setup_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    std::vector<ports::setup_record> setup_records() override;
    /// Writes or replaces the record of `r.name`; updated_at is the clock's time.
    void record_setup(const ports::setup_record& r) override;

private:
    session& session_;
    const ports::clock& clock_;
};

/// Support tickets, their participants and answers, and the event log (insert-only in the
/// database; a note may only be blanked, for an erasure). update_ticket is a compare-and-set on
/// the status. Reading tickets takes three round trips whatever their number (the rows, then
/// every participant and every answer of them). Not thread-safe (one session).
class ticket_repository final : public ports::ticket_repository {
public:
    explicit ticket_repository(session& s) : session_(s) {}
    core::ticket insert_ticket(const core::ticket& t) override;
    std::optional<core::ticket> find_ticket(core::ticket_id id) override;
    std::optional<core::ticket> find_by_channel(core::channel_id channel) override;
    std::int64_t count_active(core::user_id opener, const std::optional<std::string>& type) override;
    std::optional<std::chrono::system_clock::time_point> last_opened(core::user_id opener, const std::string& type) override;
    std::vector<std::chrono::system_clock::time_point> opened_times_since(core::user_id opener, const std::string& type,
                                                                          std::chrono::system_clock::time_point since,
                                                                          std::size_t limit) override;
    bool update_ticket(const core::ticket& t, core::ticket_status expected) override;
    std::vector<core::ticket> list_silent(std::chrono::system_clock::time_point silent_since, std::optional<core::ticket_id> after,
                                          std::size_t limit) override;
    std::vector<core::ticket> list_closed_before(const std::string& type, std::chrono::system_clock::time_point closed_before,
                                                 std::size_t limit) override;
    void append_event(const core::ticket_event& e) override;
    std::vector<core::ticket_event> ticket_events(core::ticket_id id) override;
    ports::ticket_figures figures(std::chrono::system_clock::time_point from, std::chrono::system_clock::time_point to) override;

private:
    std::vector<core::ticket> select(const std::string& where_and_order, std::span<const param> params);
    void write_participants(const core::ticket& t);

    session& session_;
};

/// A member's data requests: the export (built by the server as JSON: ids as strings of digits,
/// JSONB columns as their text, the same document shape as the SQLite store's) and the erasure.
/// Not thread-safe (one session).
class member_data_repository final : public ports::member_data_repository {
public:
    member_data_repository(session& s, const ports::clock& clock) : session_(s), clock_(clock) {}
    std::string export_member(core::user_id user, std::size_t max_bytes) override;
    ports::erasure_report forget_member(core::user_id user, core::user_id staff) override;
    std::optional<std::chrono::system_clock::time_point> forgotten_at(core::user_id user) override;

private:
    std::string rows_of(std::string_view table, std::string_view where, const std::string& member);

    session& session_;
    const ports::clock& clock_;
};

}  // namespace apexcore::postgresql
