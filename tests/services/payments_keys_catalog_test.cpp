// Payment sessions (persistent, audited, one live per order, TTL), license keys (import report,
// request flow, stats, search, export) and the catalog (staff rules, tags, CSV import).
#include "commerce_fixture.hpp"

namespace apexcore::test_support {
namespace {

using core::rejection;
using status = core::payment_session_status;

services::payment_proof proof() {
    return {"TX-991", "alice@example.com", "paid from my account", "https://cdn.discordapp.com/attachments/1/2/proof.png"};
}

TEST_F(CommerceTest, PaymentSessionApprovedDeliversTheReservedKeyInOneTransaction) {
    const auto p = product(6000, "key", [](core::product& x) {
        x.deliverables = {{core::deliverable_kind::key, ""}};
        x.stock = 5;
    });
    ASSERT_EQ(keys_.import_keys(staff, p.id, std::string(32, 'K'))->added, 1U);
    EXPECT_EQ(payments_.start({alice, p.id, "Crypto"}).error(), rejection::unknown_payment_method);
    auto started = payments_.start({alice, p.id, "PayPal"});
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(started->order.status, core::order_status::pending_payment);
    EXPECT_EQ(started->session.status, status::open);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(4));  // reserved
    EXPECT_EQ(keys_.search(staff, "", p.id, core::license_key_status::reserved, 10)->size(), 1U);
    // Another customer cannot get the reserved key.
    EXPECT_EQ(payments_.start({bob, p.id, "PayPal"}).error(), rejection::no_license_key_available);
    const auto id = started->session.id;
    EXPECT_EQ(payments_.approve(staff, id).error(), rejection::forbidden_transition);  // no proof yet
    EXPECT_EQ(payments_.submit(bob, id, proof()).error(), rejection::not_owner);
    auto bad = proof();
    bad.proof_url = "http://example.com/x.png";
    EXPECT_EQ(payments_.submit(alice, id, bad).error(), rejection::invalid_text);
    bad = proof();
    bad.transaction_id = std::string(129, 't');
    EXPECT_EQ(payments_.submit(alice, id, bad).error(), rejection::text_too_long);
    auto submitted = payments_.submit(alice, id, proof());
    ASSERT_TRUE(submitted.ok());
    EXPECT_EQ(submitted->order.status, core::order_status::awaiting_review);
    EXPECT_EQ(payments_.awaiting_review(10).size(), 1U);
    EXPECT_EQ(payments_.approve(not_staff, id).error(), rejection::not_staff);
    auto approved = payments_.approve(staff, id);
    ASSERT_TRUE(approved.ok());
    EXPECT_EQ(approved->order.status, core::order_status::delivered);
    EXPECT_EQ(approved->license_key, std::optional<std::string>(std::string(32, 'K')));
    EXPECT_EQ(approved->role_changes.grant, (std::vector<core::role_id>{client_role, vip_role}));
    EXPECT_EQ(payments_.approve(staff, id).error(), rejection::forbidden_transition);
    auto trail = payments_.audit_trail(id);
    ASSERT_TRUE(trail.ok());
    ASSERT_EQ(trail->size(), 3U);
    EXPECT_EQ((*trail)[0].to, status::open);
    EXPECT_EQ((*trail)[1].to, status::submitted);
    EXPECT_EQ((*trail)[2].from, std::optional(status::submitted));
    EXPECT_EQ((*trail)[2].to, status::approved);
    EXPECT_EQ((*trail)[2].actor, staff_id);
    EXPECT_EQ(count("wallet_ledger"), 0);  // external payment: no wallet movement
}

TEST_F(CommerceTest, RejectedPaymentGoesBackToPendingAndCanBeReopenedOnce) {
    const auto p = product(100);
    auto started = payments_.start({alice, p.id, "Bank"});
    ASSERT_TRUE(started.ok());
    ASSERT_TRUE(payments_.submit(alice, started->session.id, proof()).ok());
    EXPECT_EQ(payments_.reject(staff, started->session.id, "").error(), rejection::invalid_text);
    auto rejected = payments_.reject(staff, started->session.id, "no such transaction");
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ(rejected->session.status, status::rejected);
    EXPECT_EQ(rejected->session.reason, "no such transaction");
    EXPECT_EQ(rejected->order.status, core::order_status::pending_payment);
    EXPECT_EQ(payments_.reopen(bob, started->order.id, "Bank").error(), rejection::not_owner);
    auto again = payments_.reopen(alice, started->order.id, "PayPal");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(payments_.reopen(alice, started->order.id, "PayPal").error(), rejection::payment_session_exists);
    store_->read([&](ports::unit_of_work& uow) {  // through the port: one live session for the order
        const auto live = uow.payment_sessions().live_for(started->order.id);
        ASSERT_TRUE(live);
        EXPECT_EQ(live->id, again->session.id);
    });
    EXPECT_EQ(count("payment_sessions"), 2);
}

TEST_F(CommerceTest, CancelledAndExpiredSessionsReleaseTheReservation) {
    const auto p = product(100, "stocked key", [](core::product& x) {
        x.deliverables = {{core::deliverable_kind::key, ""}};
        x.stock = 1;
    });
    ASSERT_EQ(keys_.import_keys(staff, p.id, std::string(32, 'Q'))->added, 1U);
    auto a = payments_.start({alice, p.id, "PayPal"});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(payments_.start({bob, p.id, "PayPal"}).error(), rejection::out_of_stock);
    EXPECT_EQ(payments_.cancel(bob, a->session.id).error(), rejection::not_owner);
    auto cancelled = payments_.cancel(alice, a->session.id);
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->order.status, core::order_status::cancelled);
    EXPECT_EQ(cancelled->stock_events, (std::vector<core::stock_event>{{p.id, core::stock_event_kind::restocked, 1}}));
    EXPECT_EQ(keys_.search(staff, "", p.id, core::license_key_status::available, 10)->size(), 1U);

    auto b = payments_.start({bob, p.id, "PayPal"});
    ASSERT_TRUE(b.ok());
    clock_.advance(std::chrono::minutes(29));
    EXPECT_TRUE(payments_.expire_due().empty());
    clock_.advance(std::chrono::minutes(1));
    EXPECT_EQ(payments_.submit(bob, b->session.id, proof()).error(), rejection::payment_session_expired);
    auto expired = payments_.expire_due();
    ASSERT_EQ(expired.size(), 1U);
    EXPECT_EQ(expired[0].session.status, status::expired);
    EXPECT_EQ(expired[0].order.status, core::order_status::cancelled);
    EXPECT_EQ(catalog_.find(p.id)->stock, std::optional<std::int64_t>(1));
    EXPECT_EQ(payments_.cancel(bob, b->session.id).error(), rejection::forbidden_transition);
}

TEST_F(CommerceTest, PaymentSessionsSurviveARestart) {
    const auto p = product(100);
    auto started = payments_.start({alice, p.id, "PayPal", std::nullopt, "interaction:7"});
    ASSERT_TRUE(started.ok());
    store_.reset();  // the bot stops ...
    store_ = db_.open(&clock_);
    services::payment_service after(*store_, config_);  // ... and starts again
    auto replay = after.start({alice, p.id, "PayPal", std::nullopt, "interaction:7"});
    ASSERT_TRUE(replay.ok());
    EXPECT_TRUE(replay->replayed);
    EXPECT_EQ(replay->session.id, started->session.id);
    ASSERT_TRUE(after.submit(alice, started->session.id, proof()).ok());
    EXPECT_TRUE(after.approve(staff, started->session.id).ok());
}

TEST(PaymentRules, MethodsAndTransitions) {
    core::payment_method m{"PayPal", "Send it", "", {}};
    EXPECT_FALSE(core::validate(m).has_value());
    m.name = "Pay/Pal";
    EXPECT_EQ(core::validate(m), core::payment_method_error::bad_name);
    m.name = "PayPal";
    m.instructions = "";
    EXPECT_EQ(core::validate(m), core::payment_method_error::bad_instructions);
    EXPECT_TRUE(core::can_transition(status::open, status::submitted));
    EXPECT_FALSE(core::can_transition(status::open, status::approved));
    EXPECT_FALSE(core::can_transition(status::submitted, status::expired));
    EXPECT_FALSE(core::can_transition(status::approved, status::rejected));
    EXPECT_FALSE(core::is_valid_proof_url("https://a b.com/x"));
    services::shop_config c;
    c.payment_methods = {{"Same", "x", "", {}}, {"Same", "y", "", {}}};
    EXPECT_EQ(services::validate_config(c), std::optional<std::string>("payments.methods[1].name: 'Same' is configured twice"));
    c.payment_methods.clear();
    c.refunds.fee_percent = 101;
    EXPECT_TRUE(services::validate_config(c).has_value());
}

TEST_F(CommerceTest, KeyImportReportsInvalidAndDuplicateLines) {
    const auto p = product(100, "keys");
    const auto q = product(100, "other keys");
    const std::string a(32, 'a'), b(32, 'b'), c(32, 'c');
    ASSERT_EQ(keys_.import_keys(staff, q.id, c)->added, 1U);
    const std::string file = a + "\r\n\n  " + b + "  \nshort\n" + a + "\n" + c + "\n" + std::string(32, '-') + "\n";
    auto report = keys_.import_keys(staff, p.id, file);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->added, 2U);
    using lines = std::vector<std::pair<std::size_t, std::string>>;
    EXPECT_EQ(report->invalid, (lines{{4, "short"}, {7, std::string(32, '-')}}));
    EXPECT_EQ(report->duplicate_in_file, (lines{{5, a}}));
    EXPECT_EQ(report->duplicate_in_store, (lines{{6, c}}));
    EXPECT_EQ(keys_.import_keys(not_staff, p.id, a).error(), rejection::not_staff);
    EXPECT_EQ(keys_.import_keys(staff, core::product_id{999}, a).error(), rejection::unknown_product);
}

TEST_F(CommerceTest, CustomKeyPatternsAreEnforced) {
    auto pattern = core::license_key_pattern::compile("[A-Z]{4}(-[A-Z0-9]{4}){3}");
    ASSERT_TRUE(pattern.has_value());
    EXPECT_TRUE(pattern->matches("ABCD-1234-EFGH-5678"));
    EXPECT_FALSE(pattern->matches("ABCD-1234-EFGH-5678-"));
    EXPECT_FALSE(core::license_key_pattern::compile("([unclosed").has_value());
    EXPECT_TRUE(core::license_key_pattern().matches(std::string(32, '7')));
    EXPECT_FALSE(core::license_key_pattern().matches(std::string(31, '7')));
    auto config = config_;
    config.key_pattern = *pattern;
    services::license_service custom(*store_, config);
    const auto p = product(100);
    auto report = custom.import_keys(staff, p.id, "ABCD-1234-EFGH-5678\n" + std::string(32, 'x'));
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->added, 1U);
    EXPECT_EQ(report->invalid.size(), 1U);
}

TEST_F(CommerceTest, StaffKeyRequestsAreApprovedOrDeclined) {
    const auto p = product(100);
    ASSERT_EQ(keys_.import_keys(staff, p.id, std::string(32, 'r') + "\n" + std::string(32, 's'))->added, 2U);
    EXPECT_EQ(keys_.request(not_staff, p.id).error(), rejection::not_staff);
    auto requested = keys_.request(staff, p.id);
    ASSERT_TRUE(requested.ok());
    EXPECT_EQ(requested->status, core::license_key_status::requested);
    EXPECT_EQ(requested->requested_by, std::optional(staff_id));
    auto approved = keys_.approve_request(staff, requested->id, bob);
    ASSERT_TRUE(approved.ok());
    EXPECT_EQ(approved->status, core::license_key_status::used);
    EXPECT_EQ(approved->customer, std::optional(bob));
    EXPECT_EQ(keys_.approve_request(staff, requested->id, bob).error(), rejection::forbidden_transition);
    auto second = keys_.request(staff, p.id);
    ASSERT_TRUE(second.ok());
    auto declined = keys_.decline_request(staff, second->id);
    ASSERT_TRUE(declined.ok());
    EXPECT_EQ(declined->status, core::license_key_status::available);
    EXPECT_FALSE(declined->requested_by.has_value());
    EXPECT_EQ(keys_.decline_request(staff, core::license_key_id{999}).error(), rejection::unknown_license_key);

    auto stats = keys_.stats(staff);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->at(p.id).at(core::license_key_status::used), 1);
    EXPECT_EQ(stats->at(p.id).at(core::license_key_status::available), 1);
    EXPECT_EQ(keys_.search(staff, "rrrr", std::nullopt, std::nullopt, 10)->size(), 1U);
    EXPECT_EQ(keys_.search(staff, std::string(257, 'x'), std::nullopt, std::nullopt, 10).error(), rejection::text_too_long);
    auto csv = keys_.export_csv(staff, p.id);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(csv->substr(0, csv->find("\r\n")), "id,product_id,key,status,order_id,customer_id,requested_by,created_at_ms,updated_at_ms");
    EXPECT_NE(csv->find("," + std::string(32, 'r') + ",used,,100000000000000002," + staff_id.str() + ","), std::string::npos);
    EXPECT_EQ(keys_.export_csv(not_staff, std::nullopt).error(), rejection::not_staff);
}

/// Games / Keys / Indie / Standard at $9.99, not stored.
core::product indie_standard() {
    core::product p;
    p.main_category = "Games";
    p.sub_category = "Keys";
    p.service_name = "Indie";
    p.variant_name = "Standard";
    p.price = core::money::usd_cents(999);
    return p;
}

TEST_F(CommerceTest, CatalogChangesAreStaffOnlyValidatedAndUnique) {
    core::product p = indie_standard();
    p.tags = {"indie", "steam"};
    EXPECT_EQ(catalog_.create(not_staff, p).error(), rejection::not_staff);
    auto created = catalog_.create(staff, p);
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(catalog_.create(staff, p).error(), rejection::duplicate_product);
    p.tags = {"Bad Tag"};
    p.variant_name = "Deluxe";
    EXPECT_EQ(catalog_.create(staff, p).error(), rejection::invalid_product);
    p.tags = {};
    p.price = core::money{999, *core::find_currency("EUR")};
    EXPECT_EQ(catalog_.create(staff, p).error(), rejection::currency_mismatch);
    EXPECT_EQ(catalog_.list_by_tag("steam", 10).size(), 1U);
    EXPECT_EQ(catalog_.find(created->id)->tags, (std::vector<std::string>{"indie", "steam"}));
    auto off = catalog_.set_active(staff, created->id, false);
    ASSERT_TRUE(off.ok());
    EXPECT_TRUE(catalog_.list_active(10).empty());
    EXPECT_TRUE(catalog_.list_by_tag("steam", 10).empty());
    fund(alice, 5000);
    EXPECT_EQ(buy(alice, *off).error(), rejection::product_inactive);
    auto edited = *created;
    edited.price = core::money::usd_cents(1299);
    edited.additional_info = "Region free";
    edited.active = true;
    auto updated = catalog_.update(staff, edited);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->price.minor_units(), 1299);
    EXPECT_EQ(updated->additional_info, std::optional<std::string>("Region free"));
    edited.id = core::product_id{999};
    edited.variant_name = "Other";
    EXPECT_EQ(catalog_.update(staff, edited).error(), rejection::unknown_product);
}

TEST_F(CommerceTest, SeedingWithoutAnActorMakesTheSameChecksAsStaffCreation) {
    core::product p = indie_standard();
    const auto added = catalog_.add(p);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(catalog_.find(added->id)->display_name(), p.display_name());
    EXPECT_EQ(catalog_.add(p).error(), rejection::duplicate_product);
    p.variant_name = "";
    EXPECT_EQ(catalog_.add(p).error(), rejection::invalid_product);
    p.variant_name = "Euro";
    p.price = core::money{999, *core::find_currency("EUR")};
    EXPECT_EQ(catalog_.add(p).error(), rejection::currency_mismatch);
    EXPECT_EQ(catalog_.list_active(10).size(), 1U);
}

TEST_F(CommerceTest, CsvImportStoresGoodLinesAndReportsBadOnes) {
    const std::string csv =
        "main_category,sub_category,service_name,variant_name,price,stock,tags,deliverables,duration_days\n"
        "Streaming,Video,Flix,1 month,4.99,10,video;monthly,\"code,key\",30\n"
        "Streaming,Video,Flix,1 year,abc,,,,\n"
        "Streaming,Video,Flix,3 months,12.00,-1,,,\n"
        "Streaming,Video,\"Flix \"\"HD\"\"\",1 month,5.99,,,,\n"
        "Streaming,Video,Flix,1 month,4.99,,,,\n"
        "Music,,Tunes,1 month,1.00,,,,\n"
        "Music,Audio,Tunes,1 month,1.00,,,warranty,4000\n"
        "Music,Audio,Tunes,too,many,fields,,,,\n";
    EXPECT_EQ(catalog_.import_csv(not_staff, csv).error(), rejection::not_staff);
    auto report = catalog_.import_csv(staff, csv);
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->imported.size(), 2U);
    EXPECT_EQ(report->imported[0].first, 2U);
    EXPECT_EQ(report->imported[1].first, 5U);
    std::vector<std::tuple<std::size_t, std::string>> issues;
    for (const auto& i : report->issues) issues.emplace_back(i.line, i.column);
    EXPECT_EQ(issues, (std::vector<std::tuple<std::size_t, std::string>>{
                          {3, "price"}, {4, "stock"}, {6, "variant_name"}, {7, "sub_category"}, {8, "duration_days"}, {9, ""}}));
    const auto first = catalog_.find(report->imported[0].second);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->price.minor_units(), 499);
    EXPECT_EQ(first->stock, std::optional<std::int64_t>(10));
    EXPECT_EQ(first->tags, (std::vector<std::string>{"monthly", "video"}));
    EXPECT_EQ(first->deliverables.size(), 2U);
    EXPECT_EQ(first->duration_days, std::optional<int>(30));
    EXPECT_EQ(catalog_.find(report->imported[1].second)->service_name, "Flix \"HD\"");
}

TEST_F(CommerceTest, LegacyCommaSeparatedDeliverablesAreStillRead) {
    if (std::string(test_support::store_under_test::name) != "sqlite") GTEST_SKIP() << "a format only SQLite stores ever held";
    const auto p = product(100);
    ASSERT_EQ(db_.exec("UPDATE products SET deliverables = 'account, warranty' WHERE id = " + std::to_string(p.id.value)), "");
    const auto read = catalog_.find(p.id);
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->deliverables, (std::vector<core::deliverable>{{core::deliverable_kind::account, ""},
                                                                  {core::deliverable_kind::warranty, ""}}));
}

TEST(CatalogRules, CsvHeaderProblemsRejectTheFile) {
    auto r = core::parse_catalog_csv("main_category,sub_category,service_name,variant_name,prize\n", core::usd);
    ASSERT_EQ(r.issues.size(), 1U);
    EXPECT_EQ(r.issues[0].column, "prize");
    r = core::parse_catalog_csv("main_category,sub_category,service_name,variant_name\nA,B,C,D\n", core::usd);
    EXPECT_EQ(r.issues[0].reason, "required column is missing");
    r = core::parse_catalog_csv("", core::usd);
    EXPECT_EQ(r.issues[0].line, 1U);
    r = core::parse_catalog_csv("main_category,sub_category,service_name,variant_name,price\nA,B,\"C,D,1\n", core::usd);
    EXPECT_EQ(r.issues[0].reason, "unterminated quoted field");
    EXPECT_TRUE(r.rows.empty());
}

TEST(CatalogRules, StockEventsFireOncePerThreshold) {
    const core::product_id id{1};
    using k = core::stock_event_kind;
    EXPECT_EQ(core::stock_events_for(id, 11, 10, 10, 1), (std::vector<core::stock_event>{{id, k::low, 10}}));
    EXPECT_TRUE(core::stock_events_for(id, 10, 9, 10, 1).empty());
    EXPECT_EQ(core::stock_events_for(id, 12, 0, 10, 1),
              (std::vector<core::stock_event>{{id, k::low, 0}, {id, k::critical, 0}, {id, k::out_of_stock, 0}}));
    EXPECT_EQ(core::stock_events_for(id, 0, 3, 10, 1), (std::vector<core::stock_event>{{id, k::restocked, 3}}));
    EXPECT_FALSE(core::parse_legacy_deliverables("code,,key").ok());
    EXPECT_EQ(core::parse_legacy_deliverables("code, bogus").error(), 1U);
}

}  // namespace
}  // namespace apexcore::test_support
