#include "unit_of_work.hpp"

#include "fulfilment_repositories.hpp"
#include "member_data_repository.hpp"
#include "setup_repository.hpp"
#include "money_repositories.hpp"
#include "order_repositories.hpp"
#include "outbox_repository.hpp"
#include "product_repository.hpp"
#include "proposal_repository.hpp"
#include "schedule_repository.hpp"
#include "ticket_repository.hpp"

namespace apexcore::sqlite::detail {
namespace {

/// The repositories of one unit of work, all over the same connection (one transaction).
class sqlite_uow final : public ports::unit_of_work {
public:
    sqlite_uow(connection& db, const ports::clock& clock, bool writable)
        : products_(db, clock, writable),
          wallet_(db, clock, writable),
          customers_(db, clock, writable),
          promos_(db, clock, writable),
          orders_(db, clock, writable),
          refunds_(db, clock, writable),
          sessions_(db, clock, writable),
          keys_(db, clock, writable),
          tickets_(db, clock, writable),
          outbox_(db, clock, writable),
          proposals_(db, clock, writable),
          schedule_(db, clock, writable),
          member_data_(db, clock, writable),
          setup_(db, clock, writable) {}

    ports::product_repository& products() override { return products_; }
    ports::wallet_repository& wallet() override { return wallet_; }
    ports::order_repository& orders() override { return orders_; }
    ports::idempotency_repository& idempotency() override { return wallet_; }
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
    product_repository_impl products_;
    wallet_repository_impl wallet_;  // the ledger and the idempotency keys written with it
    customer_repository_impl customers_;
    promo_repository_impl promos_;
    order_repository_impl orders_;
    refund_repository_impl refunds_;
    payment_session_repository_impl sessions_;
    license_key_repository_impl keys_;
    ticket_repository_impl tickets_;
    outbox_repository_impl outbox_;
    proposal_repository_impl proposals_;
    schedule_repository_impl schedule_;
    member_data_repository_impl member_data_;
    setup_repository_impl setup_;
};

}  // namespace

std::unique_ptr<ports::unit_of_work> make_unit_of_work(connection& db, const ports::clock& clock, bool writable) {
    return std::make_unique<sqlite_uow>(db, clock, writable);
}

}  // namespace apexcore::sqlite::detail
