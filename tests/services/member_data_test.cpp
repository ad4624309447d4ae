// A member's data requests (issue 12 §9): everything stored about them exported, and what they
// wrote or handed in erased — with the ledger kept, balanced and reconciling.
#include "commerce_fixture.hpp"

#include <apexcore/services/outbox_service.hpp>

namespace {

using namespace apexcore;
using test_support::CommerceTest;

class MemberDataTest : public CommerceTest {
protected:
    /// Alice buys with answers, pays another order by PayPal with a proof, asks for a refund and
    /// opens a support ticket: something she wrote is in every table forget touches.
    void alice_uses_the_shop() {
        fund(alice, 5000);
        const auto flix = product(1000);
        services::purchase_request r{alice, flix.id, std::nullopt};
        r.metadata["answer: Your in-game name"] = "Kestrel-Secret";
        const auto bought = wallet_.purchase(r);
        ASSERT_TRUE(bought.ok()) << core::to_string(bought.error());
        const auto paid = payments_.start({alice, flix.id, "PayPal"});
        ASSERT_TRUE(paid.ok());
        ASSERT_TRUE(payments_.submit(alice, paid->session.id,
                                     {"TX-PRIVATE-1", "alice@example.com", "paid from my mum's account", "https://cdn.example/p.png"})
                        .ok());
        ASSERT_TRUE(refunds_.request({{alice, false}, bought->order.id, std::nullopt, "I bought the wrong month"}).ok());
        ASSERT_TRUE(tickets_.open({alice, "support", "Key problem", {"My address is 1 Private Road"}}).ok());
        fund(bob, 100);  // someone else, untouched by Alice's requests
    }
};

TEST_F(MemberDataTest, AnExportHoldsEverythingStoredAboutTheMemberAndNothingAboutOthers) {
    alice_uses_the_shop();
    EXPECT_EQ(members_.export_data(not_staff, alice).error(), core::rejection::not_staff);
    const auto json = members_.export_data(staff, alice);
    ASSERT_TRUE(json.ok());
    for (const char* expected : {"\"member\":\"100000000000000001\"", "\"wallet_ledger\":[{", "Kestrel-Secret", "TX-PRIVATE-1",
                                 "alice@example.com", "I bought the wrong month", "1 Private Road", "\"tickets\":[{",
                                 "\"user_id\":\"100000000000000001\""}) {
        EXPECT_NE(json->find(expected), std::string::npos) << expected << "\n" << *json;
    }
    EXPECT_EQ(json->find("100000000000000002"), std::string::npos) << "Bob's rows are not Alice's";
    EXPECT_EQ(json->front(), '{');
    EXPECT_EQ(json->back(), '}');
}

TEST_F(MemberDataTest, ForgettingErasesWhatTheMemberWroteAndKeepsTheLedgerReconciling) {
    alice_uses_the_shop();
    const auto ledger_rows = count("wallet_ledger");
    const auto balance = wallet_.balance(alice);
    EXPECT_EQ(members_.forget(not_staff, alice).error(), core::rejection::not_staff);
    EXPECT_FALSE(members_.forgotten_at(alice));

    const auto erased = members_.forget(staff, alice);
    ASSERT_TRUE(erased.ok());
    EXPECT_EQ(erased->orders, 1);
    EXPECT_EQ(erased->payments, 1);
    EXPECT_EQ(erased->refunds, 1);
    EXPECT_EQ(erased->tickets, 1);
    EXPECT_EQ(members_.forgotten_at(alice), clock_.now());

    const auto json = members_.export_data(staff, alice);
    ASSERT_TRUE(json.ok());
    for (const char* gone : {"Kestrel-Secret", "TX-PRIVATE-1", "alice@example.com", "mum's account", "cdn.example",
                             "I bought the wrong month", "1 Private Road", "Key problem"}) {
        EXPECT_EQ(json->find(gone), std::string::npos) << gone << "\n" << *json;
    }
    EXPECT_NE(json->find("\"member_erasures\":[{"), std::string::npos);
    // The accounting stays: the same ledger rows, the same balance, and every wallet reconciles.
    EXPECT_EQ(count("wallet_ledger"), ledger_rows);
    EXPECT_EQ(wallet_.balance(alice), balance);
    EXPECT_TRUE(store_->reconcile().ok());
    EXPECT_EQ(count("member_erasures"), 1);

    const auto again = members_.forget(staff, alice);  // idempotent: nothing left to blank
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->orders + again->payments + again->refunds + again->tickets, 0);
}

TEST_F(MemberDataTest, AnExportLargerThanItsBoundIsRefusedBeforeItIsBuilt) {
    alice_uses_the_shop();
    store_->read([&](ports::unit_of_work& uow) {
        EXPECT_THROW((void)uow.member_data().export_member(alice, 40), ports::store_error) << "3 ledger rows cannot fit in 40 bytes";
        EXPECT_NO_THROW((void)uow.member_data().export_member(alice, 1 << 20));
    });
}

TEST_F(MemberDataTest, TheEventLogsStillRefuseEveryChangeButBlankingANote) {
    if (!test_support::store_under_test::has_sql) GTEST_SKIP() << "the in-memory store has no operation that changes these rows at all";
    alice_uses_the_shop();
    ASSERT_TRUE(members_.forget(staff, bob).ok());  // an erasure on record
    EXPECT_NE(db_.exec("UPDATE ticket_events SET kind = 'closed'"), "");
    EXPECT_NE(db_.exec("UPDATE ticket_events SET note = 'rewritten'"), "");
    EXPECT_NE(db_.exec("DELETE FROM ticket_events"), "");
    EXPECT_NE(db_.exec("UPDATE payment_session_events SET actor_id = 1"), "");
    EXPECT_NE(db_.exec("DELETE FROM member_erasures"), "");
    EXPECT_NE(db_.exec("UPDATE wallet_ledger SET description = ''"), "");
    EXPECT_EQ(db_.exec("UPDATE payment_session_events SET note = ''"), "");
}

}  // namespace
