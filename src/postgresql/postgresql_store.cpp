// ports::store over PostgreSQL (postgresql_store.hpp): the unit of work over one session, and
// the transactions around it.
#include <apexcore/postgresql/postgresql_store.hpp>

#include <apexcore/ports/reentry_guard.hpp>

#include <apexcore/postgresql/repositories.hpp>

#include "values.hpp"

namespace apexcore::postgresql {
namespace {

/// The repositories of one unit of work, all over one session (one transaction).
class postgresql_uow final : public ports::unit_of_work {
public:
    postgresql_uow(session& s, const ports::clock& clock)
        : products_(s, clock),
          money_(s, clock),
          orders_(s, clock),
          customers_(s, clock),
          promos_(s, clock),
          refunds_(s, clock),
          sessions_(s, clock),
          keys_(s, clock),
          tickets_(s),
          outbox_(s, clock),
          proposals_(s),
          schedule_(s),
          member_data_(s, clock),
          setup_(s, clock) {}

    ports::product_repository& products() override { return products_; }
    ports::wallet_repository& wallet() override { return money_; }
    ports::order_repository& orders() override { return orders_; }
    ports::idempotency_repository& idempotency() override { return money_; }
    ports::customer_repository& customers() override { return customers_; }
    ports::promo_repository& promos() override { return promos_; }
    ports::refund_repository& refunds() override { return refunds_; }
    ports::payment_session_repository& payment_sessions() override { return sessions_; }
    ports::license_key_repository& license_keys() override { return keys_; }
    ports::ticket_repository& tickets() override { return tickets_; }
    ports::outbox_repository& outbox() override { return outbox_; }
    ports::proposal_repository& proposals() override { return proposals_; }
    ports::schedule_repository& schedule() override { return schedule_; }
    ports::member_data_repository& member_data() override { return member_data_; }
    ports::setup_repository& setup() override { return setup_; }

private:
    product_repository products_;
    money_repository money_;  // the ledger and the idempotency keys written with it
    order_repository orders_;
    customer_repository customers_;
    promo_repository promos_;
    refund_repository refunds_;
    payment_session_repository sessions_;
    license_key_repository keys_;
    ticket_repository tickets_;
    outbox_repository outbox_;
    proposal_repository proposals_;
    schedule_repository schedule_;
    member_data_repository member_data_;
    setup_repository setup_;
};

/// Thrown through session::transaction to roll back a unit of work that asked for it.
struct rollback_requested {};

using inside_unit_of_work = ports::reentry_guard<postgresql_store>;

}  // namespace

struct postgresql_store::impl {
    explicit impl(const store_options& o)
        : db(database_options{o.url, o.connections, o.connect_timeout}), clock(o.clock ? o.clock : &system_clock), attempts(o.attempts) {}
    database db;
    ports::system_clock system_clock;
    const ports::clock* clock;
    int attempts;
};

postgresql_store::postgresql_store(store_options options) {
    if (options.attempts < 1) throw std::invalid_argument("postgresql_store: attempts must be at least 1");
    impl_ = std::make_unique<impl>(options);
    impl_->db.migrate();
}

postgresql_store::~postgresql_store() = default;

database& postgresql_store::db() { return impl_->db; }

void postgresql_store::transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) {
    const inside_unit_of_work guard;
    try {
        impl_->db.repeatable_read(
            [&](session& s) {
                postgresql_uow uow(s, *impl_->clock);
                if (work(uow) == ports::tx_outcome::rollback) throw rollback_requested{};
            },
            impl_->attempts);
    } catch (const rollback_requested&) {
        // rolled back by session::transaction, as asked
    }
}

void postgresql_store::read(const std::function<void(ports::unit_of_work&)>& work) {
    const inside_unit_of_work guard;
    impl_->db.with([&](session& s) {
        s.transaction(
            [&](session& tx) {
                tx.exec_script("SET TRANSACTION READ ONLY");
                tx.allow_writes(false);  // the session is this call's alone: nothing to reset
                postgresql_uow uow(tx, *impl_->clock);
                work(uow);
            },
            "REPEATABLE READ");
    });
}

ports::reconcile_report postgresql_store::reconcile() {
    const inside_unit_of_work guard;
    ports::reconcile_report report;
    impl_->db.with([&](session& s) {
        s.transaction(
            [&](session& tx) {
                const auto r = tx.exec(
                    "SELECT w.user_id, w.balance_minor,"
                    " COALESCE((SELECT SUM(l.amount_minor) FROM wallet_ledger l WHERE l.user_id = w.user_id AND l.currency = w.currency), 0),"
                    " COALESCE((SELECT l.balance_after_minor FROM wallet_ledger l WHERE l.user_id = w.user_id AND l.currency = w.currency"
                    "           ORDER BY l.id DESC LIMIT 1), 0)"
                    " FROM wallets w ORDER BY w.user_id, w.currency");
                for (int i = 0; i < r.rows(); ++i) {
                    ++report.users_checked;
                    const std::int64_t balance = r.int64(i, 1);
                    const std::int64_t sum = r.int64(i, 2);
                    const std::int64_t last = r.int64(i, 3);
                    if (balance != sum || balance != last) {
                        report.mismatches.push_back({core::user_id{detail::from_db(r.int64(i, 0))}, balance, sum, last});
                    }
                }
            },
            "REPEATABLE READ");
    });
    return report;
}

}  // namespace apexcore::postgresql
