// apexcore-admin migrate (issue 13 §5): a shop made on SQLite through the services is copied into
// an empty PostgreSQL database, and the PostgreSQL store then serves the same shop; a second copy
// into the now non-empty database is refused.
#include "../services/commerce_fixture.hpp"
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/postgresql_store.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

using namespace apexcore;
using test_support::CommerceTest;
using test_support::postgres_server;

/// Runs apexcore-admin with `args`; returns its exit code and what it printed.
std::pair<int, std::string> admin(const std::string& args) {
    const std::string log = ::testing::TempDir() + "apexcore-admin-" + std::to_string(::getpid()) + ".log";
    const int status = std::system((std::string(APEXCORE_ADMIN_PATH) + " " + args + " > " + log + " 2>&1").c_str());
    std::stringstream out;
    out << std::ifstream(log).rdbuf();
    std::remove(log.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out.str()};
}

class MigrateTest : public CommerceTest {};

TEST_F(MigrateTest, AShopIsCopiedVerifiedAndServedByPostgresAndANonEmptyTargetIsRefused) {
    fund(alice, 10000);
    fund(bob, 500);
    const auto flix = product(1000, "1 month", [](core::product& p) {
        p.stock = 5;
        p.tags = {"video", "monthly"};
        p.deliverables = {{core::deliverable_kind::account, ""}};
    });
    core::promo_code promo;
    promo.code = "SPRING";
    promo.percent = 1000;
    promo.max_uses_total = 10;
    promo.products = {flix.id};
    promo.main_categories = {"Streaming"};
    store_->transact([&](ports::unit_of_work& uow) {
        uow.promos().upsert_promo(promo);
        return ports::tx_outcome::commit;
    });
    const auto bought = buy(alice, flix, "spring");
    ASSERT_TRUE(bought.ok()) << core::to_string(bought.error());
    ASSERT_TRUE(payments_.start({alice, flix.id, "PayPal"}).ok());
    const auto ticket = tickets_.open({alice, "support", "Key problem", {"It says expired"}});
    ASSERT_TRUE(ticket.ok());
    ASSERT_TRUE(refunds_.request({{alice, false}, bought->order.id, std::nullopt, "wrong month"}).ok());
    const auto alice_balance = wallet_.balance(alice);
    const auto before = catalog_.find(flix.id);  // as SQLite reads it (the open payment reserves a unit)
    ASSERT_TRUE(before);

    const std::string url = postgres_server::shared().fresh_database();
    const auto [code, out] = admin("migrate --from " + db_.path() + " --to '" + url + "'");
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find("verified: row counts equal in 23 tables; reconcile: SQLite 2 wallets ok, PostgreSQL 2 wallets ok"),
              std::string::npos)
        << out;

    // The PostgreSQL store serves the same shop, and new rows take new ids.
    postgresql::postgresql_store moved({.url = url, .connections = 2, .clock = &clock_});
    services::wallet_service wallet(moved, config_);
    services::catalog_service catalog(moved, config_);
    services::ticket_service tickets(moved, config_);
    EXPECT_EQ(wallet.balance(alice), alice_balance);
    const auto copied = catalog.find(flix.id);
    ASSERT_TRUE(copied);
    EXPECT_EQ(copied->stock, before->stock);
    EXPECT_EQ(copied->tags, before->tags);
    EXPECT_EQ(copied->deliverables, before->deliverables);
    EXPECT_EQ(copied->deliverables, flix.deliverables);
    const auto found = tickets.find(ticket->id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->answers.size(), 1U);
    moved.read([&](ports::unit_of_work& uow) {
        const auto order = uow.orders().find_by_reference(bought->order.reference);
        ASSERT_TRUE(order);
        EXPECT_EQ(order->price_paid, bought->order.price_paid);
        const auto p = uow.promos().find_promo("spring");
        ASSERT_TRUE(p);
        EXPECT_EQ(p->products, promo.products);
        EXPECT_EQ(p->main_categories, promo.main_categories);
        EXPECT_EQ(uow.promos().usage("SPRING", alice).total, 1);
    });
    const auto again = wallet.purchase({alice, flix.id, std::nullopt});
    ASSERT_TRUE(again.ok()) << core::to_string(again.error());
    EXPECT_GT(again->order.id.value, bought->order.id.value);
    EXPECT_TRUE(moved.reconcile().ok());

    const auto [second, refused] = admin("migrate --from " + db_.path() + " --to '" + url + "'");
    EXPECT_EQ(second, 1) << refused;
    EXPECT_NE(refused.find("refused: the target holds"), std::string::npos) << refused;
    const auto [usage_code, usage] = admin("migrate --from " + db_.path());
    EXPECT_EQ(usage_code, 2) << usage;
}

}  // namespace
