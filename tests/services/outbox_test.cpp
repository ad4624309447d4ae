// The outbox (core/outbox.hpp): what the services write with their decisions, and the
// dispatcher's side (services::outbox_service over the SQLite outbox repository).
#include "commerce_fixture.hpp"

#include <apexcore/services/order_service.hpp>
#include <apexcore/services/outbox_service.hpp>
#include <apexcore/services/payment_service.hpp>
#include <apexcore/services/refund_service.hpp>
#include <apexcore/services/ticket_service.hpp>

#include <map>
#include <mutex>

namespace apexcore {
namespace {

using test_support::CommerceTest;
using namespace std::chrono_literals;

/// Counts what the services count (ports/metrics.hpp), by name and first label value.
class counting_metrics final : public ports::metrics {
public:
    void count(std::string_view name, ports::metric_labels labels, std::uint64_t by) override {
        std::lock_guard lock(mutex_);
        counts[std::string(name) + "/" + (labels.size() > 0 ? std::string(labels.begin()->second) : "")] += by;
    }
    void set(std::string_view, ports::metric_labels, double) override {}
    void observe(std::string_view, ports::metric_labels, double) override {}
    std::map<std::string, std::uint64_t> counts;

private:
    std::mutex mutex_;
};

class OutboxTest : public CommerceTest {
protected:
    services::shop_config notifying(std::int64_t max_pending = 50'000) {
        services::shop_config c = config_;
        c.notifications.log_topics = {core::log_topic::orders, core::log_topic::payments};
        c.notifications.direct_messages = true;
        c.notifications.max_pending = max_pending;
        c.metrics = &metrics_;
        return c;
    }
    /// Every pending entry, claimed (and so leased) in id order.
    std::vector<core::outbox_entry> claim_all() {
        auto entries = outbox_.claim(500, 60s);
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        return entries;
    }

    counting_metrics metrics_;
    services::shop_config notify_config_ = notifying();
    services::wallet_service notifying_wallet_{*store_, notify_config_};
    services::outbox_service outbox_{*store_, notify_config_};
};

TEST_F(OutboxTest, NothingIsWrittenWhenTheShopHasNoLogChannelsAndNoDms) {
    const auto p = product(500);
    fund(alice, 1000);
    ASSERT_TRUE(buy(alice, p).ok());  // the fixture's services: notifications off
    EXPECT_EQ(count("outbox"), 0);
    EXPECT_EQ(outbox_.stats().pending, 0);
}

TEST_F(OutboxTest, APurchaseWritesTheOrdersLogPostTheBuyersDmWithTheKeyAndTheStockAlert) {
    const auto p = product(500, "key", [](core::product& x) {
        x.deliverables = {{core::deliverable_kind::key, ""}};
        x.stock = 2;
        x.low_stock_threshold = 5;
        x.critical_stock_threshold = 1;
    });
    const std::string key(32, 'K');
    ASSERT_EQ(keys_.import_keys(staff, p.id, key + "\n" + std::string(32, 'L') + "\n")->added, 2U);
    fund(alice, 1000);
    const auto receipt = notifying_wallet_.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(receipt.ok());

    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 3U);
    const auto& log = entries[0];
    EXPECT_EQ(log.draft.kind, core::outbox_kind::log_post);
    EXPECT_EQ(log.draft.topic, core::log_topic::orders);
    EXPECT_EQ(log.draft.event, "order.paid");
    EXPECT_EQ(log.draft.facts.at("order"), receipt->order.reference);
    EXPECT_EQ(log.draft.facts.at("member"), alice.str());
    EXPECT_EQ(log.draft.facts.at("price"), "$5.00");
    EXPECT_EQ(log.draft.facts.at("balance"), "$5.00");
    EXPECT_EQ(log.draft.facts.count("secret"), 0U) << "the key never goes to a log channel";

    const auto& dm = entries[1];
    EXPECT_EQ(dm.draft.kind, core::outbox_kind::direct_message);
    EXPECT_EQ(dm.draft.recipient, std::optional<core::user_id>(alice));
    EXPECT_EQ(dm.draft.topic, core::log_topic::orders) << "the fallback channel";
    EXPECT_EQ(dm.draft.facts.at("secret"), key);
    EXPECT_EQ(dm.draft.facts.at("delivery_kind"), "license_key");

    EXPECT_EQ(entries[2].draft.event, "stock.critical");
    EXPECT_EQ(entries[2].draft.facts.at("stock"), "1");
    EXPECT_EQ(entries[2].status, core::outbox_status::pending);
}

TEST_F(OutboxTest, ARejectedPurchaseWritesNoEventBecauseItIsThePurchasesOwnTransaction) {
    const auto p = product(500);
    fund(alice, 100);
    const std::int64_t before = count("outbox");  // the deposit was made by the non-notifying fixture
    EXPECT_EQ(notifying_wallet_.purchase({alice, p.id, std::nullopt}).error(), core::rejection::insufficient_funds);
    EXPECT_EQ(count("outbox"), before);
}

TEST_F(OutboxTest, AStaffCreditIsPostedToThePaymentsLogAndToldToTheMember) {
    ASSERT_TRUE(notifying_wallet_.staff_credit({staff, bob, core::money::usd_cents(1250), "goodwill \"gesture\"\n"}).ok());
    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::payments);
    EXPECT_EQ(entries[0].draft.event, "wallet.credited");
    EXPECT_EQ(entries[0].draft.facts.at("amount"), "$12.50");
    EXPECT_EQ(entries[0].draft.facts.at("staff"), staff_id.str());
    EXPECT_EQ(entries[0].draft.facts.at("reason"), "goodwill \"gesture\"\n") << "quotes and newlines survive the JSON";
    EXPECT_EQ(entries[1].draft.recipient, std::optional<core::user_id>(bob));
}

TEST_F(OutboxTest, AFullOutboxDropsAndCountsTheEventButThePurchaseStands) {
    services::shop_config tight = notifying(2);
    services::wallet_service wallet{*store_, tight};
    const auto p = product(100);
    fund(alice, 1000);
    ASSERT_TRUE(wallet.purchase({alice, p.id, std::nullopt}).ok());  // log + DM: 2 pending
    const auto second = wallet.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(second.ok()) << "a full outbox never fails a purchase";
    EXPECT_EQ(outbox_.stats().pending, 2);
    EXPECT_EQ(metrics_.counts["apexcore_outbox_dropped_total/order.paid"], 2U);
    EXPECT_EQ(wallet.balance(alice).minor_units(), 800);
}

TEST_F(OutboxTest, AClaimLeasesEntriesUntilTheLeaseEndsOrTheSendIsRecorded) {
    ASSERT_TRUE(notifying_wallet_.staff_credit({staff, bob, core::money::usd_cents(100), "x"}).ok());
    const auto first = outbox_.claim(10, 30s);
    ASSERT_EQ(first.size(), 2U);
    EXPECT_TRUE(outbox_.claim(10, 30s).empty()) << "leased: nobody else takes them";
    ASSERT_TRUE(outbox_.sent(first[0].id, core::channel_id{42}, core::message_id{43}));
    EXPECT_FALSE(outbox_.sent(first[0].id, core::channel_id{42}, core::message_id{43})) << "sent once";
    clock_.advance(31s);
    const auto again = outbox_.claim(10, 30s);
    ASSERT_EQ(again.size(), 1U) << "the unrecorded send is due again after its lease (at least once)";
    EXPECT_EQ(again[0].id, first[1].id);

    const auto sent = outbox_.find(first[0].id);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->status, core::outbox_status::sent);
    EXPECT_EQ(sent->channel, std::optional<core::channel_id>(core::channel_id{42}));
    EXPECT_EQ(sent->attempts, 1);
}

TEST_F(OutboxTest, RetriesCountAttemptsWaitTheirDelayAndGivingUpKeepsTheEntry) {
    ASSERT_TRUE(notifying_wallet_.staff_credit({staff, bob, core::money::usd_cents(100), "x"}).ok());
    auto entries = claim_all();
    ASSERT_EQ(entries.size(), 2U);
    ASSERT_TRUE(outbox_.retry(entries[0].id, 4s, "unavailable: 503"));
    ASSERT_TRUE(outbox_.retry(entries[1].id, 1s, "not tried", false));
    clock_.advance(2s);
    auto due = outbox_.claim(10, 60s);
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].id, entries[1].id);
    EXPECT_EQ(due[0].attempts, 0) << "an entry that was not tried is not counted";
    clock_.advance(3s);
    due = outbox_.claim(10, 60s);
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_EQ(due[0].last_error, "unavailable: 503");

    ASSERT_TRUE(outbox_.give_up(due[0].id, std::string(1000, 'e')));
    EXPECT_EQ(outbox_.stats().failed, 1);
    EXPECT_EQ(outbox_.find(due[0].id)->last_error.size(), core::outbox_error_length_max) << "clipped to the column";
    EXPECT_FALSE(outbox_.retry(due[0].id, 1s, "late")) << "a failed entry stays failed";
}

TEST_F(OutboxTest, StatsReportTheOldestPendingEntryAndPurgeDeletesOnlyOldSentEntries) {
    ASSERT_TRUE(notifying_wallet_.staff_credit({staff, bob, core::money::usd_cents(100), "x"}).ok());
    const auto created = clock_.now();
    clock_.advance(5min);
    auto stats = outbox_.stats();
    EXPECT_EQ(stats.pending, 2);
    EXPECT_EQ(stats.oldest_pending, std::optional<std::chrono::system_clock::time_point>(created));
    const auto entries = claim_all();
    ASSERT_TRUE(outbox_.sent(entries[0].id, std::nullopt, std::nullopt));
    EXPECT_EQ(outbox_.purge(24h), 0U) << "sent just now";
    clock_.advance(25h);
    EXPECT_EQ(outbox_.purge(24h), 1U);
    EXPECT_FALSE(outbox_.find(entries[0].id));
    EXPECT_TRUE(outbox_.find(entries[1].id)) << "pending entries are never purged";
}

TEST_F(OutboxTest, FactsOfAnyTextRoundTripAndAnInvalidEntryIsRefusedWithoutWriting) {
    const std::string odd = std::string("quote \" backslash \\ tab \t nul-free ctrl \x01 emoji \xF0\x9F\x94\x91 ") + "\xFF";
    store_->transact([&](ports::unit_of_work& uow) {
        EXPECT_TRUE(uow.outbox().enqueue({core::outbox_kind::log_post, core::log_topic::audit, std::nullopt, "custom.event",
                                          {{"text", core::to_valid_utf8(odd)}, {"empty", ""}}},
                                         10));
        return ports::tx_outcome::commit;
    });
    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.facts.at("text"), core::to_valid_utf8(odd));
    EXPECT_EQ(entries[0].draft.facts.at("empty"), "");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::audit);

    const std::int64_t before = count("outbox");
    for (const core::outbox_draft& bad :
         {core::outbox_draft{core::outbox_kind::log_post, core::log_topic::audit, std::nullopt, "Bad Event", {}},
          core::outbox_draft{core::outbox_kind::direct_message, core::log_topic::audit, std::nullopt, "dm.nobody", {}},
          core::outbox_draft{core::outbox_kind::log_post, core::log_topic::audit, bob, "log.with_recipient", {}},
          core::outbox_draft{core::outbox_kind::log_post, core::log_topic::audit, std::nullopt, "x", {{"Bad-Name", "v"}}}}) {
        EXPECT_THROW(store_->transact([&](ports::unit_of_work& uow) {
            uow.outbox().enqueue(bad, 10);
            return ports::tx_outcome::commit;
        }),
                     ports::store_error)
            << bad.event;
    }
    EXPECT_EQ(count("outbox"), before);
}

TEST_F(OutboxTest, RefundDecisionsAreLoggedAndToldToTheMember) {
    services::refund_service refunds{*store_, notify_config_};
    const auto p = product(1000);
    fund(alice, 3000);
    const auto first = buy(alice, p);
    const auto second = buy(alice, p);
    ASSERT_TRUE(first.ok() && second.ok());
    const auto approve_me = refunds.request({{alice, false}, first->order.id, std::nullopt, "did not work"});
    const auto reject_me = refunds.request({{alice, false}, second->order.id, std::nullopt, "changed my mind"});
    ASSERT_TRUE(approve_me.ok() && reject_me.ok());
    ASSERT_TRUE(refunds.approve(staff, approve_me->id, "sorry").ok());
    ASSERT_TRUE(refunds.reject(staff, reject_me->id, "outside the policy").ok());

    auto entries = claim_all();
    ASSERT_EQ(entries.size(), 6U);
    // The two requests, for staff to decide from the orders log.
    EXPECT_EQ(entries[0].draft.event, "refund.requested");
    EXPECT_EQ(entries[0].draft.facts.at("reason"), "did not work");
    EXPECT_EQ(entries[0].draft.facts.at("refund"), std::to_string(approve_me->id.value));
    EXPECT_EQ(entries[0].draft.facts.at("fee"), "$1.00");
    EXPECT_EQ(entries[1].draft.event, "refund.requested");
    entries.erase(entries.begin(), entries.begin() + 2);
    EXPECT_EQ(entries[0].draft.event, "refund.approved");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::orders);
    EXPECT_EQ(entries[0].draft.facts.at("order"), first->order.reference);
    EXPECT_EQ(entries[0].draft.facts.at("amount"), "$10.00");
    EXPECT_EQ(entries[0].draft.facts.at("fee"), "$1.00") << "the fixture's 10 % fee";
    EXPECT_EQ(entries[0].draft.facts.at("credited"), "$9.00");
    EXPECT_EQ(entries[0].draft.facts.at("status"), "refunded");
    EXPECT_EQ(entries[1].draft.recipient, std::optional<core::user_id>(alice));
    EXPECT_EQ(entries[2].draft.event, "refund.rejected");
    EXPECT_EQ(entries[2].draft.facts.at("reason"), "outside the policy");
    EXPECT_EQ(entries[3].draft.kind, core::outbox_kind::direct_message);
}

TEST_F(OutboxTest, AnApprovedPaymentDmsTheKeyAndARejectedOneItsReason) {
    services::payment_service payments{*store_, notify_config_};
    const auto p = product(6000, "key", [](core::product& x) { x.deliverables = {{core::deliverable_kind::key, ""}}; });
    const std::string key(32, 'Q');
    ASSERT_EQ(keys_.import_keys(staff, p.id, key + "\n" + std::string(32, 'R'))->added, 2U);
    const services::payment_proof proof{"TX-991", "alice@example.com", "paid", "https://cdn.discordapp.com/attachments/1/2/p.png"};
    const auto paid = payments.start({alice, p.id, "PayPal"});
    const auto refused = payments.start({bob, p.id, "Bank"});
    ASSERT_TRUE(paid.ok() && refused.ok());
    ASSERT_TRUE(payments.submit(alice, paid->session.id, proof).ok());
    ASSERT_TRUE(payments.submit(bob, refused->session.id, proof).ok());
    // Starting posts nothing; a submitted proof goes to the payments log for staff to review.
    const auto submitted = claim_all();
    ASSERT_EQ(submitted.size(), 2U);
    EXPECT_EQ(submitted[0].draft.event, "payment.submitted");
    EXPECT_EQ(submitted[0].draft.kind, core::outbox_kind::log_post);
    EXPECT_EQ(submitted[0].draft.topic, core::log_topic::payments);
    EXPECT_EQ(submitted[0].draft.facts.at("proof"), proof.proof_url);
    EXPECT_EQ(submitted[0].draft.facts.at("transaction"), "TX-991");
    EXPECT_EQ(submitted[0].draft.facts.at("session"), std::to_string(paid->session.id.value));
    EXPECT_EQ(submitted[1].draft.facts.at("member"), bob.str());
    ASSERT_TRUE(payments.approve(staff, paid->session.id).ok());
    ASSERT_TRUE(payments.reject(staff, refused->session.id, "no such transfer").ok());

    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 4U);
    EXPECT_EQ(entries[0].draft.event, "payment.approved");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::payments);
    EXPECT_EQ(entries[0].draft.facts.at("method"), "PayPal");
    EXPECT_EQ(entries[0].draft.facts.at("transaction"), "TX-991");
    EXPECT_EQ(entries[0].draft.facts.count("secret"), 0U);
    EXPECT_EQ(entries[1].draft.facts.at("secret"), key) << "the key goes to the buyer";
    EXPECT_EQ(entries[2].draft.event, "payment.rejected");
    EXPECT_EQ(entries[2].draft.facts.at("reason"), "no such transfer");
    EXPECT_EQ(entries[3].draft.recipient, std::optional<core::user_id>(bob));
}

TEST_F(OutboxTest, AnExpiredPaymentSessionIsLoggedAndToldToTheMember) {
    services::payment_service payments{*store_, notify_config_};
    const auto p = product(700);
    const auto started = payments.start({alice, p.id, "PayPal"});
    ASSERT_TRUE(started.ok());
    EXPECT_TRUE(payments.expire_due(10).empty());
    clock_.advance(31min);  // the fixture's sessions last 30 minutes
    ASSERT_EQ(payments.expire_due(10).size(), 1U);
    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_EQ(entries[0].draft.event, "payment.expired");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::payments);
    EXPECT_EQ(entries[0].draft.facts.at("method"), "PayPal");
    EXPECT_EQ(entries[0].draft.facts.at("status"), "cancelled");
    EXPECT_EQ(entries[1].draft.recipient, std::optional<core::user_id>(alice));
}

TEST_F(OutboxTest, RestockingASoldOutProductPostsBackInStock) {
    services::catalog_service catalog{*store_, notify_config_};
    const auto p = product(100, "counted", [](core::product& x) { x.stock = 0; });
    ASSERT_TRUE(catalog.restock(staff, p.id, 5).ok());
    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "stock.restocked");
    EXPECT_EQ(entries[0].draft.facts.at("stock"), "5");
}

TEST_F(OutboxTest, EveryTicketEventGoesToTheTicketsLogWhenItHasAChannel) {
    services::shop_config with_tickets = notify_config_;
    with_tickets.notifications.log_topics.push_back(core::log_topic::tickets);
    services::ticket_service tickets{*store_, with_tickets};
    const auto t = tickets.open({alice, "support", "Key problem", {"It does not activate"}});
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(tickets.close(staff, t->id, "answered", false).ok());
    const auto entries = claim_all();
    ASSERT_EQ(entries.size(), 2U);
    EXPECT_EQ(entries[0].draft.event, "ticket.opened");
    EXPECT_EQ(entries[0].draft.topic, core::log_topic::tickets);
    EXPECT_EQ(entries[0].draft.facts.at("ticket"), std::to_string(t->id.value));
    EXPECT_EQ(entries[0].draft.facts.at("opener"), alice.str());
    EXPECT_EQ(entries[1].draft.event, "ticket.closed");
    EXPECT_EQ(entries[1].draft.facts.at("actor"), staff_id.str());
    EXPECT_EQ(entries[1].draft.facts.at("note"), "answered");

    services::ticket_service quiet{*store_, notify_config_};  // no tickets channel: nothing written
    ASSERT_TRUE(quiet.open({bob, "support", "Another", {"x"}}).ok());
    EXPECT_TRUE(claim_all().empty());
}

TEST_F(OutboxTest, TierRolesEarnedAndLostAndAProductsRoleAreWrittenForTheBotToApply) {
    services::shop_config with_roles = notify_config_;
    with_roles.notifications.apply_roles = true;
    services::wallet_service wallet{*store_, with_roles};
    services::refund_service refunds{*store_, with_roles};
    const core::role_id members{4242};
    const auto p = product(6000, "role", [&](core::product& x) { x.role_to_grant = members; });
    fund(alice, 10000);
    const auto bought = wallet.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(bought.ok());
    const auto roles_of = [](const std::vector<core::outbox_entry>& entries, core::outbox_kind kind) {
        std::vector<std::string> out;
        for (const auto& e : entries) {
            if (e.draft.kind == kind) out.push_back(e.draft.facts.at("role") + " " + e.draft.facts.at("why"));
        }
        return out;
    };
    auto entries = claim_all();
    EXPECT_EQ(roles_of(entries, core::outbox_kind::role_grant),
              (std::vector<std::string>{"1 VIP tier Client", "2 VIP tier Apex VIP", "4242 product Flix - role"}));
    for (const auto& e : entries) {
        if (e.draft.kind == core::outbox_kind::role_grant) {
            EXPECT_EQ(e.draft.recipient, std::optional<core::user_id>(alice));
            EXPECT_EQ(e.draft.topic, core::log_topic::errors) << "where a refusal is reported";
        }
    }

    const auto request = refunds.request({{alice, false}, bought->order.id, std::nullopt, "broken"});
    ASSERT_TRUE(request.ok());
    ASSERT_TRUE(refunds.approve(staff, request->id).ok());
    entries = claim_all();
    EXPECT_EQ(roles_of(entries, core::outbox_kind::role_revoke), (std::vector<std::string>{"2 VIP tier Apex VIP"}))
        << "spend fell under the Apex VIP threshold";

    fund(bob, 1000);
    ASSERT_TRUE(buy(bob, product(100)).ok());  // the fixture's services: roles not applied through the outbox
    EXPECT_TRUE(roles_of(claim_all(), core::outbox_kind::role_grant).empty());
}

TEST_F(OutboxTest, WarrantyNoticesAreWrittenSevenDaysAndOneDayBeforeEachOnce) {
    services::order_service orders{*store_, notify_config_};
    const auto p = product(500, "30 days", [](core::product& x) {
        x.duration_days = 30;
        x.delivery_payload = "https://example.com/download";
    });
    fund(alice, 1000);
    const auto bought = notifying_wallet_.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(bought.ok());
    ASSERT_TRUE(bought->order.warranty_expires_at);
    for (const auto& e : claim_all()) outbox_.sent(e.id, std::nullopt, std::nullopt);  // the purchase's own entries

    EXPECT_EQ(orders.queue_warranty_notices(), 0U) << "30 days left";
    clock_.advance(std::chrono::days(24));
    EXPECT_EQ(orders.queue_warranty_notices(), 1U) << "6 days left";
    EXPECT_EQ(orders.queue_warranty_notices(), 0U) << "once";
    auto entries = claim_all();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].draft.event, "warranty.expiring");
    EXPECT_EQ(entries[0].draft.recipient, std::optional<core::user_id>(alice));
    EXPECT_EQ(entries[0].draft.dedup_key, "warranty:" + std::to_string(bought->order.id.value) + ":7d");
    EXPECT_EQ(entries[0].draft.facts.at("order"), bought->order.reference);
    ASSERT_TRUE(outbox_.sent(entries[0].id, std::nullopt, std::nullopt));

    clock_.advance(std::chrono::days(5) + std::chrono::hours(1));
    EXPECT_EQ(orders.queue_warranty_notices(), 1U) << "under a day left";
    EXPECT_EQ(orders.queue_warranty_notices(), 0U);
    entries = claim_all();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_TRUE(entries[0].draft.dedup_key.ends_with(":1d"));
    clock_.advance(std::chrono::days(2));
    EXPECT_EQ(orders.queue_warranty_notices(), 0U) << "expired: nothing more";

    services::order_service quiet{*store_, config_};  // no DMs: nothing
    EXPECT_EQ(quiet.queue_warranty_notices(), 0U);
}

TEST_F(OutboxTest, ADedupKeyMakesAnEntryOnceOnly) {
    store_->transact([&](ports::unit_of_work& uow) {
        const core::outbox_draft d{core::outbox_kind::direct_message, core::log_topic::orders, alice, "x.y", {}, "once:1"};
        const auto first = uow.outbox().enqueue(d, 10);
        const auto second = uow.outbox().enqueue(d, 10);
        EXPECT_TRUE(first && !first->duplicate);
        EXPECT_TRUE(second && second->duplicate);
        EXPECT_EQ(first->id, second->id);
        return ports::tx_outcome::commit;
    });
    EXPECT_EQ(outbox_.stats().pending, 1);
}

TEST(OutboxBackoffTest, DoublesFromOneSecondUpToTheCap) {
    EXPECT_EQ(core::outbox_backoff(1, 60s), 1s);
    EXPECT_EQ(core::outbox_backoff(2, 60s), 2s);
    EXPECT_EQ(core::outbox_backoff(6, 60s), 32s);
    EXPECT_EQ(core::outbox_backoff(7, 60s), 60s);
    EXPECT_EQ(core::outbox_backoff(1000, 60s), 60s);
    EXPECT_EQ(core::outbox_backoff(0, 60s), 1s);
    EXPECT_EQ(core::outbox_backoff(3, 2s), 2s);
}

}  // namespace
}  // namespace apexcore

namespace apexcore {
namespace {

using test_support::CommerceTest;
using namespace std::chrono_literals;

// Financial cooldowns (issue 11 §7): a sliding window per member; the refusal moves nothing and
// the service says when the member may act again.
TEST_F(CommerceTest, PurchaseAndRefundRequestCooldownsRefuseAndSayWhenToTryAgain) {
    services::shop_config limited = config_;
    limited.cooldowns.purchases = core::cooldown_rule{2, std::chrono::minutes(60)};
    limited.cooldowns.refund_requests = core::cooldown_rule{1, std::chrono::minutes(60 * 24)};
    ASSERT_FALSE(services::validate_config(limited));
    services::wallet_service wallet{*store_, limited};
    services::refund_service refunds{*store_, limited};
    const auto p = product(100);
    fund(alice, 1000);
    const auto first = wallet.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(first.ok());
    clock_.advance(10min);
    ASSERT_TRUE(wallet.purchase({alice, p.id, std::nullopt}).ok());
    EXPECT_FALSE(wallet.purchase_cooldown_until(bob)) << "per member";
    EXPECT_EQ(wallet.purchase({alice, p.id, std::nullopt}).error(), core::rejection::cooldown_active);
    EXPECT_EQ(wallet.balance(alice).minor_units(), 800) << "the refused one charged nothing";
    EXPECT_EQ(wallet.purchase_cooldown_until(alice), std::optional<std::chrono::system_clock::time_point>(first->order.created_at + 60min));
    clock_.advance(50min);  // the first purchase leaves the window
    EXPECT_FALSE(wallet.purchase_cooldown_until(alice));
    const auto third = wallet.purchase({alice, p.id, std::nullopt});
    ASSERT_TRUE(third.ok());

    ASSERT_TRUE(refunds.request({{alice, false}, first->order.id, std::nullopt, "one"}).ok());
    EXPECT_EQ(refunds.request({{alice, false}, third->order.id, std::nullopt, "two"}).error(), core::rejection::cooldown_active);
    EXPECT_EQ(refunds.quote({alice, false}, third->order.id).error(), core::rejection::cooldown_active);
    EXPECT_TRUE(refunds.request({{staff_id, true}, third->order.id, std::nullopt, "staff are not limited"}).ok());
    EXPECT_TRUE(refunds.request_cooldown_until(alice));

    services::shop_config bad = config_;
    bad.cooldowns.purchases = core::cooldown_rule{0, std::chrono::minutes(60)};
    EXPECT_EQ(services::validate_config(bad), std::optional<std::string>("cooldowns.purchases: at most 1 to 1000 per 1 minute to 30 days"));
}

TEST(CooldownTest, TheWindowSlides) {
    using tp = std::chrono::system_clock::time_point;
    const tp t0{std::chrono::hours(1000)};
    const core::cooldown_rule two_an_hour{2, std::chrono::minutes(60)};
    EXPECT_FALSE(core::cooldown_until(two_an_hour, {}));
    EXPECT_FALSE(core::cooldown_until(two_an_hour, {t0}));
    EXPECT_EQ(core::cooldown_until(two_an_hour, {t0, t0 + 5min}), std::optional<tp>(t0 + 60min));
    EXPECT_EQ(core::cooldown_until(two_an_hour, {t0, t0 + 5min, t0 + 9min}), std::optional<tp>(t0 + 65min));
}

}  // namespace
}  // namespace apexcore

namespace apexcore {
namespace {

// Staff actions and configuration changes go to the audit log (issue 12 §6), and only when the
// shop has an audit channel.
TEST_F(OutboxTest, StaffChangesToTheCatalogPromosAndKeysAreAudited) {
    services::shop_config audited = config_;
    audited.notifications.log_topics = {core::log_topic::audit};
    services::catalog_service catalog{*store_, audited};
    services::promo_service promos{*store_, audited};
    services::license_service keys{*store_, audited};
    core::product p;
    p.main_category = "Games";
    p.sub_category = "Keys";
    p.service_name = "Indie";
    p.variant_name = "Std";
    p.price = core::money::usd_cents(500);
    const auto made = catalog.create(staff, p);
    ASSERT_TRUE(made.ok());
    ASSERT_TRUE(catalog.set_active(staff, made->id, false).ok());
    core::promo_code code;
    code.code = "SUMMER";
    code.kind = core::promo_kind::percent;
    code.percent = 1000;
    ASSERT_TRUE(promos.upsert(staff, code).ok());
    ASSERT_TRUE(promos.deactivate(staff, "SUMMER").ok());
    ASSERT_TRUE(keys.import_keys(staff, made->id, std::string(32, 'A') + "\nbad\n").ok());

    std::vector<std::string> events;
    for (const auto& e : claim_all()) {
        EXPECT_EQ(e.draft.topic, core::log_topic::audit);
        events.push_back(e.draft.event);
    }
    EXPECT_EQ(events, (std::vector<std::string>{"product.created", "product.disabled", "promo.saved", "promo.deactivated", "keys.imported"}));
    ASSERT_TRUE(catalog_.set_active(staff, made->id, true).ok());  // the fixture's service: no audit channel
    EXPECT_TRUE(claim_all().empty());
}

}  // namespace
}  // namespace apexcore
