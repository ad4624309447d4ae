#pragma once
// Private to the in-memory store (memory_store.hpp): the shop's rows, and one unit of work over
// them that implements every repository interface of ports/store.hpp.
#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace apexcore::memory::detail {

using time_point = std::chrono::system_clock::time_point;

/// A promo code's redemption.
struct redemption {
    std::string code;  ///< the stored code's spelling
    core::user_id user;
    core::order_id order;
    core::money discount;
    time_point at;
};

/// A member's erasure on record.
struct erasure {
    core::user_id user;
    core::user_id staff;
    time_point at;
};

/// Every row of one shop, by the SQL stores' tables. Copied whole for a unit of work.
struct shop {
    std::map<std::int64_t, core::product> products;
    std::map<std::pair<std::uint64_t, std::string>, std::int64_t> wallets;  ///< (user, currency code) -> balance
    std::map<std::int64_t, core::ledger_entry> ledger;
    std::map<std::string, core::idempotency_record> keys;
    std::map<std::int64_t, core::order> orders;
    std::map<std::uint64_t, core::customer_profile> customers;
    std::map<std::string, core::promo_code> promos;  ///< by ASCII-lowercased code
    std::vector<redemption> redemptions;
    std::map<std::int64_t, core::refund> refunds;
    std::map<std::int64_t, core::payment_session> sessions;
    std::vector<core::payment_session_event> session_events;
    std::map<std::int64_t, core::license_key> license_keys;
    std::map<std::int64_t, core::ticket> tickets;
    std::vector<core::ticket_event> ticket_events;
    std::map<std::int64_t, core::outbox_entry> outbox;
    std::map<std::string, core::staff_proposal> proposals;
    std::map<std::string, ports::scheduled_job_state> jobs;
    std::map<std::string, ports::setup_record> setup;
    std::vector<erasure> erasures;
    /// The next id of each kind, from 1, as the SQL stores' sequences.
    std::int64_t next_product = 1, next_ledger = 1, next_order = 1, next_refund = 1, next_session = 1, next_key = 1,
                 next_ticket = 1, next_outbox = 1;
};

/// One unit of work: every repository over one shop (the writer's copy, or the shop as a read
/// sees it). Not thread-safe.
class unit final : public ports::unit_of_work,
                   public ports::product_repository,
                   public ports::wallet_repository,
                   public ports::idempotency_repository,
                   public ports::order_repository,
                   public ports::customer_repository,
                   public ports::promo_repository,
                   public ports::refund_repository,
                   public ports::payment_session_repository,
                   public ports::license_key_repository,
                   public ports::ticket_repository,
                   public ports::outbox_repository,
                   public ports::proposal_repository,
                   public ports::schedule_repository,
                   public ports::member_data_repository,
                   public ports::setup_repository {
public:
    unit(shop& s, const ports::clock& clock, bool writable) : shop_(s), clock_(clock), writable_(writable) {}

    // unit_of_work
    ports::product_repository& products() override { return *this; }
    ports::wallet_repository& wallet() override { return *this; }
    ports::order_repository& orders() override { return *this; }
    ports::idempotency_repository& idempotency() override { return *this; }
    ports::customer_repository& customers() override { return *this; }
    ports::promo_repository& promos() override { return *this; }
    ports::refund_repository& refunds() override { return *this; }
    ports::payment_session_repository& payment_sessions() override { return *this; }
    ports::license_key_repository& license_keys() override { return *this; }
    ports::ticket_repository& tickets() override { return *this; }
    ports::outbox_repository& outbox() override { return *this; }
    ports::proposal_repository& proposals() override { return *this; }
    ports::schedule_repository& schedule() override { return *this; }
    ports::member_data_repository& member_data() override { return *this; }
    ports::setup_repository& setup() override { return *this; }

    // products (catalog.cpp)
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

    // wallet and idempotency keys (catalog.cpp)
    core::money balance(core::user_id user, const core::currency& currency) override;
    core::ledger_entry append(const core::ledger_draft& draft) override;
    std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit, std::optional<core::ledger_entry_id> before) override;
    std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) override;
    std::optional<core::idempotency_record> find_key(const std::string& key) override;
    void record_key(const core::idempotency_record& record) override;

    // orders (catalog.cpp)
    core::order insert(const core::order_draft& draft) override;
    std::optional<core::order> find(core::order_id id) override;
    std::optional<core::order> find_by_reference(const std::string& reference) override;
    std::vector<time_point> order_times_since(core::user_id customer, time_point since, std::size_t limit) override;
    std::vector<core::order> list_for(core::user_id customer, std::size_t limit, std::optional<core::order_id> before) override;
    bool set_status(core::order_id id, core::order_status from, core::order_status to) override;
    void set_delivery(core::order_id id, const std::string& delivery, time_point at, std::optional<time_point> warranty_expires_at) override;
    void add_refunded(core::order_id id, const core::money& gross, core::order_status status) override;
    void renew_warranty(core::order_id id, time_point new_expiry, time_point renewed_at) override;
    ports::sales_figures sales(time_point from, time_point to, std::size_t top) override;
    std::vector<core::order> list_between(time_point from, time_point to, std::optional<core::order_id> after, std::size_t limit) override;
    std::vector<core::order> warranty_expiring(time_point from, time_point to, std::size_t limit) override;

    // customers, promo codes, refunds (catalog.cpp)
    core::customer_profile profile(core::user_id user) override;
    void add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) override;
    void apply_roles(core::user_id user, const core::tier_changes& changes) override;
    std::optional<core::promo_code> find_promo(const std::string& code) override;
    void upsert_promo(const core::promo_code& promo) override;
    core::promo_usage usage(const std::string& code, core::user_id user) override;
    std::vector<core::promo_code> list_promos(std::size_t limit) override;
    bool delete_unused_promo(const std::string& code) override;
    void record_redemption(const std::string& code, core::user_id user, core::order_id order, const core::money& discount) override;
    core::refund insert_refund(const core::refund& r) override;
    std::optional<core::refund> find_refund(core::refund_id id) override;
    std::optional<core::refund> pending_for(core::order_id order) override;
    std::vector<time_point> request_times_since(core::user_id customer, time_point since, std::size_t limit) override;
    std::vector<core::refund> list_pending(std::size_t limit) override;
    bool decide(const core::refund& decided) override;

    // payment sessions, license keys (fulfilment.cpp)
    core::payment_session insert_session(const core::payment_session& s) override;
    std::optional<core::payment_session> find_session(core::payment_session_id id) override;
    std::optional<core::payment_session> live_for(core::order_id order) override;
    bool update_session(const core::payment_session& s, core::payment_session_status expected) override;
    std::vector<core::payment_session> expired_open(time_point now, std::size_t limit) override;
    std::vector<core::payment_session> list_submitted(std::size_t limit) override;
    void audit(const core::payment_session_event& e) override;
    std::vector<core::payment_session_event> audit_trail(core::payment_session_id id) override;
    bool insert_key(core::product_id product, const std::string& key) override;
    bool key_exists(const std::string& key) override;
    std::optional<core::license_key> take_available(core::product_id product, core::license_key_status to,
                                                    std::optional<core::order_id> order, std::optional<core::user_id> customer,
                                                    std::optional<core::user_id> requested_by) override;
    std::optional<core::license_key> find_key_by_id(core::license_key_id id) override;
    std::optional<core::license_key> key_for_order(core::order_id order) override;
    bool move_key(core::license_key_id id, core::license_key_status from, core::license_key_status to,
                  std::optional<core::order_id> order, std::optional<core::user_id> customer) override;
    std::vector<core::license_key> search_keys(const std::string& text, std::optional<core::product_id> product,
                                               std::optional<core::license_key_status> status, std::size_t limit) override;
    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> key_stats() override;

    // tickets (fulfilment.cpp)
    core::ticket insert_ticket(const core::ticket& t) override;
    std::optional<core::ticket> find_ticket(core::ticket_id id) override;
    std::optional<core::ticket> find_by_channel(core::channel_id channel) override;
    std::int64_t count_active(core::user_id opener, const std::optional<std::string>& type) override;
    std::optional<time_point> last_opened(core::user_id opener, const std::string& type) override;
    std::vector<time_point> opened_times_since(core::user_id opener, const std::string& type, time_point since, std::size_t limit) override;
    bool update_ticket(const core::ticket& t, core::ticket_status expected) override;
    std::vector<core::ticket> list_silent(time_point silent_since, std::optional<core::ticket_id> after, std::size_t limit) override;
    std::vector<core::ticket> list_closed_before(const std::string& type, time_point closed_before, std::size_t limit) override;
    void append_event(const core::ticket_event& e) override;
    std::vector<core::ticket_event> ticket_events(core::ticket_id id) override;
    ports::ticket_figures figures(time_point from, time_point to) override;

    // outbox, proposals, schedule, setup (operations.cpp)
    std::optional<ports::outbox_enqueued> enqueue(const core::outbox_draft& draft, std::int64_t max_pending) override;
    std::vector<core::outbox_entry> claim_due(time_point now, time_point lease_until, std::size_t limit) override;
    bool mark_sent(core::outbox_id id, time_point at, std::optional<core::channel_id> channel, std::optional<core::message_id> message,
                   const std::string& note) override;
    bool reschedule(core::outbox_id id, time_point next_attempt, const std::string& error, bool count_attempt) override;
    bool mark_failed(core::outbox_id id, const std::string& error) override;
    std::optional<core::outbox_entry> find_outbox(core::outbox_id id) override;
    core::outbox_stats outbox_stats() override;
    std::size_t purge_sent(time_point before, std::size_t limit) override;
    bool insert_proposal(const core::staff_proposal& p) override;
    std::optional<core::staff_proposal> find_proposal(const std::string& token) override;
    bool cancel_proposal(const std::string& token) override;
    std::size_t purge_proposals(time_point before, std::size_t limit) override;
    void ensure_job(const std::string& name, time_point first_due) override;
    bool claim_job(const std::string& name, time_point now, time_point next_due) override;
    void finish_job(const std::string& name, time_point at, const std::string& error) override;
    std::vector<ports::scheduled_job_state> jobs() override;
    std::vector<ports::setup_record> setup_records() override;
    void record_setup(const ports::setup_record& r) override;

    // member data (operations.cpp)
    std::string export_member(core::user_id user, std::size_t max_bytes) override;
    ports::erasure_report forget_member(core::user_id user, core::user_id staff) override;
    std::optional<time_point> forgotten_at(core::user_id user) override;

private:
    /// Throws ports::store_error inside a read.
    void require_writable() const;
    /// The clock's time in whole milliseconds (as the SQL stores keep it).
    [[nodiscard]] time_point now() const;

    shop& shop_;
    const ports::clock& clock_;
    bool writable_;
};

/// A time in whole milliseconds.
inline time_point to_ms(time_point t) { return std::chrono::time_point_cast<std::chrono::milliseconds>(t); }

/// At most `limit` of `items` (already ordered).
template <class T>
std::vector<T> first_n(std::vector<T> items, std::size_t limit) {
    if (items.size() > limit) items.resize(limit);
    return items;
}

}  // namespace apexcore::memory::detail
