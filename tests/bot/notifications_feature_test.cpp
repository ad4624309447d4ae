// The notifications feature (issue 12 §6, issue 11 §6): what the services wrote to the outbox is
// posted to the log channels and DMed, and survives an unavailable platform, refusals the owner
// must fix, and members who do not accept DMs.
#include "fake_chat_actions.hpp"
#include "../support/manual_clock.hpp"

#include <apexcore/bot/features/notifications.hpp>
#include <apexcore/core/text.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/license_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using core::money;

constexpr core::user_id staff_user{10};
constexpr core::user_id customer{20};
constexpr core::channel_id orders_log{501};
constexpr core::channel_id payments_log{502};

/// Everything a message shows, as one string (to look for a secret anywhere in it).
std::string all_text(const ports::message& m) {
    std::string out = m.content;
    for (const auto& e : m.embeds) {
        out += e.title + e.description + e.footer;
        for (const auto& f : e.fields) out += f.name + f.value;
    }
    return out;
}

class NotificationsFeatureTest : public ::testing::Test {
protected:
    services::shop_config make_config() {
        services::shop_config c;
        c.clock = &clock_;
        c.notifications.log_topics = {core::log_topic::orders, core::log_topic::payments};
        c.notifications.direct_messages = true;
        return c;
    }
    bot::notifications_options options(std::map<core::log_topic, core::channel_id> channels = {
                                           {core::log_topic::orders, orders_log}, {core::log_topic::payments, payments_log}}) {
        bot::notifications_options o;
        o.channels = std::move(channels);
        return o;
    }
    /// A key product bought by `customer` with the wallet; returns the order's reference.
    std::string buy_key(const std::string& key) {
        const auto product = *catalog_.add({{}, "Games", "Keys", "Indie Bundle", "Key", money::usd_cents(500), true, {}, {}, {}, {},
                                            {}, {}, {{core::deliverable_kind::key, ""}}});
        services::license_service keys(store_, config_);
        EXPECT_EQ(keys.import_keys({staff_user, true}, product.id, key)->added, 1U);
        EXPECT_TRUE(quiet_wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(500), ""}).ok());
        const auto receipt = wallet_.purchase({customer, product.id, std::nullopt});
        EXPECT_TRUE(receipt.ok());
        return receipt->order.reference;
    }

    test_support::manual_clock clock_;
    sqlite::sqlite_store store_{{.path = ":memory:", .clock = &clock_}};
    services::shop_config config_ = make_config();
    services::wallet_service wallet_{store_, config_};
    services::wallet_service quiet_wallet_{store_, services::shop_config{.clock = &clock_}};
    services::catalog_service catalog_{store_, config_};
    services::outbox_service outbox_{store_, config_};
    test_support::fake_chat_actions chat_;
    /// A log record's level and text (a ports::log_record holds views valid only during the call).
    struct logged {
        ports::log_level level;
        std::string message;
    };
    std::vector<logged> logged_;
    bot::bot_config bot_config_{core::guild_id{1}, core::role_id{77}, core::usd,
                                [this](const ports::log_record& r) { logged_.push_back({r.level, std::string(r.message)}); }};
    bot::notifications_feature feature_{bot_config_, outbox_, chat_, options()};
};

TEST_F(NotificationsFeatureTest, APurchaseIsPostedToTheOrdersLogAndTheKeyIsDmedToTheBuyerOnly) {
    const std::string key = "KEYAAAAABBBBBCCCCCDDDDDEEEEEFFFF";  // the default pattern: 32 letters or digits
    const std::string reference = buy_key(key);
    const auto report = feature_.dispatch();
    EXPECT_EQ(report.sent, 2U);
    EXPECT_EQ(report.retried + report.failed + report.fallbacks, 0U);

    ASSERT_EQ(chat_.messages.size(), 1U);
    EXPECT_EQ(chat_.messages[0].channel, orders_log);
    const auto& post = chat_.messages[0].body;
    ASSERT_EQ(post.embeds.size(), 1U);
    EXPECT_EQ(post.embeds[0].title, "Order " + reference + " paid");
    EXPECT_NE(post.embeds[0].description.find("<@" + customer.str() + ">"), std::string::npos);
    EXPECT_EQ(all_text(post).find(key), std::string::npos) << "a key never goes to a log channel";
    EXPECT_FALSE(post.embeds[0].timestamp.empty());

    ASSERT_EQ(chat_.dms.size(), 1U);
    EXPECT_EQ(chat_.dms[0].first, customer);
    const std::string dm = all_text(chat_.dms[0].second.body);
    EXPECT_NE(dm.find("`" + key + "`"), std::string::npos) << dm;
    EXPECT_NE(dm.find("/order show " + reference), std::string::npos) << dm;

    EXPECT_EQ(outbox_.stats().pending, 0);
    EXPECT_EQ(feature_.dispatch().sent, 0U) << "sent once";
}

TEST_F(NotificationsFeatureTest, AMemberWhoDoesNotAcceptDmsIsReportedInTheLogChannelWithoutTheKey) {
    chat_.refuse = {"send_dm"};
    chat_.refusal = {ports::chat_errc::dm_closed, "50007 Cannot send messages to this user"};
    const std::string key = "SECRETKEY0001SECRETKEY0001SECRET";
    const std::string reference = buy_key(key);
    const auto report = feature_.dispatch();
    EXPECT_EQ(report.sent, 1U);
    EXPECT_EQ(report.fallbacks, 1U);
    ASSERT_EQ(chat_.messages.size(), 2U);
    const auto& notice = chat_.messages[1];
    EXPECT_EQ(notice.channel, orders_log);
    EXPECT_NE(notice.body.content.find("<@" + customer.str() + "> does not accept direct messages"), std::string::npos)
        << notice.body.content;
    EXPECT_NE(notice.body.content.find("/order show " + reference), std::string::npos);
    EXPECT_EQ(all_text(notice.body).find(key), std::string::npos);
    EXPECT_EQ(outbox_.stats().pending, 0);
}

TEST_F(NotificationsFeatureTest, AnOutageCostsOneRequestPerRoundAndEverythingIsSentWhenThePlatformIsBack) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(100), "one"}).ok());
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(200), "two"}).ok());
    chat_.refuse = {"send_message", "send_dm"};
    chat_.refusal = {ports::chat_errc::unavailable, "503 Service Unavailable"};

    auto report = feature_.dispatch();
    EXPECT_EQ(report.retried, 1U);
    EXPECT_EQ(chat_.calls.size(), 1U) << "the round stopped at the first unavailable answer";
    EXPECT_TRUE(feature_.dispatch().retried == 0U) << "nothing is due before the 1 s backoff";
    clock_.advance(1s);
    report = feature_.dispatch();
    EXPECT_EQ(report.retried, 1U);
    EXPECT_EQ(chat_.calls.size(), 2U);
    clock_.advance(1s);
    EXPECT_EQ(feature_.dispatch().retried, 1U) << "the first entry now waits 2 s; the next one is tried, and stops the round";
    EXPECT_EQ(chat_.calls.size(), 3U);

    chat_.refuse.clear();
    clock_.advance(2s);
    report = feature_.dispatch();
    EXPECT_EQ(report.sent, 4U);
    EXPECT_EQ(outbox_.stats().pending, 0);
    ASSERT_EQ(chat_.messages.size(), 2U);
    EXPECT_EQ(chat_.messages[0].channel, payments_log);
    EXPECT_EQ(chat_.dms.size(), 2U);
    EXPECT_FALSE(logged_.empty()) << "the first failure is logged";
    EXPECT_EQ(logged_.front().level, ports::log_level::warning);
}

TEST_F(NotificationsFeatureTest, ARefusalTheOwnerMustFixIsRetriedAndGivenUpAfterADayWithAnError) {
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(100), "x"}).ok());
    chat_.refuse = {"send_message"};
    chat_.refusal = {ports::chat_errc::missing_permissions, "50013 Missing Permissions"};
    auto report = feature_.dispatch();
    EXPECT_EQ(report.retried, 1U);
    EXPECT_EQ(report.sent, 1U) << "the DM does not wait for the log channel";
    clock_.advance(61s);
    EXPECT_EQ(feature_.dispatch().retried, 1U);
    clock_.advance(24h);
    report = feature_.dispatch();
    EXPECT_EQ(report.failed, 1U);
    EXPECT_EQ(outbox_.stats().failed, 1);
    ASSERT_FALSE(logged_.empty());
    EXPECT_EQ(logged_.back().level, ports::log_level::error);
    EXPECT_NE(logged_.back().message.find("missing_permissions"), std::string::npos) << logged_.back().message;
}

TEST_F(NotificationsFeatureTest, AnEntryForATopicWithoutAChannelFailsAtOnceAndMalformedOnesAreNotRetried) {
    bot::notifications_feature only_orders{bot_config_, outbox_, chat_, options({{core::log_topic::orders, orders_log}})};
    ASSERT_TRUE(wallet_.staff_credit({{staff_user, true}, customer, money::usd_cents(100), "x"}).ok());
    chat_.refuse = {"send_dm"};
    chat_.refusal = {ports::chat_errc::invalid_input, "50035 Invalid Form Body"};
    const auto report = only_orders.dispatch();
    EXPECT_EQ(report.failed, 2U) << "no payments channel; a malformed DM";
    EXPECT_EQ(outbox_.stats().failed, 2);
    EXPECT_TRUE(chat_.messages.empty());
}

TEST_F(NotificationsFeatureTest, RoleChangesAreAppliedAndARefusalIsReportedOnceThenAppliedWhenFixed) {
    constexpr core::channel_id errors_log{503};
    bot::notifications_feature feature{bot_config_, outbox_, chat_,
                                       options({{core::log_topic::orders, orders_log}, {core::log_topic::errors, errors_log}})};
    const auto grant = [&](core::role_id role) {
        return outbox_.post({core::outbox_kind::role_grant, core::log_topic::errors, customer, "role.grant",
                             {{"role", role.str()}, {"member", customer.str()}, {"why", "VIP tier Gold"}}});
    };
    ASSERT_TRUE(grant(core::role_id{900}));
    EXPECT_EQ(feature.dispatch().sent, 1U);
    ASSERT_EQ(chat_.role_changes.size(), 1U);
    EXPECT_TRUE(chat_.role_changes[0].granted);
    EXPECT_EQ(chat_.role_changes[0].role, core::role_id{900});
    EXPECT_EQ(chat_.role_changes[0].reason, "Granted for VIP tier Gold") << "the audit log reason";

    chat_.refuse = {"add_member_role"};
    chat_.refusal = {ports::chat_errc::role_hierarchy, "the role is not below the bot's highest role"};
    ASSERT_TRUE(grant(core::role_id{901}));
    auto report = feature.dispatch();
    EXPECT_EQ(report.retried, 1U);
    const auto error = std::find_if(logged_.begin(), logged_.end(), [](const auto& r) { return r.level == ports::log_level::error; });
    ASSERT_NE(error, logged_.end());
    EXPECT_NE(error->message.find("could not give member " + customer.str() + " the role 901 (VIP tier Gold)"), std::string::npos)
        << error->message;
    report = feature.dispatch();  // the report, written by the first round
    ASSERT_EQ(chat_.messages.size(), 1U);
    EXPECT_EQ(chat_.messages[0].channel, errors_log);
    const std::string posted = all_text(chat_.messages[0].body);
    EXPECT_EQ(chat_.messages[0].body.embeds.at(0).title, "Could not give a role");
    EXPECT_NE(posted.find("<@&901>"), std::string::npos) << posted;
    EXPECT_NE(posted.find("Move the bot's role above <@&901>"), std::string::npos) << posted;
    clock_.advance(61s);
    feature.dispatch();
    EXPECT_EQ(chat_.messages.size(), 1U) << "reported once, not at every attempt";

    chat_.refuse.clear();  // the owner moved the bot's role up
    clock_.advance(61s);
    EXPECT_EQ(feature.dispatch().sent, 1U);
    EXPECT_EQ(chat_.role_changes.back().role, core::role_id{901});
    EXPECT_EQ(outbox_.stats().pending, 0);

    // A member who left: reported and not tried again.
    chat_.refuse = {"remove_member_role"};
    chat_.refusal = {ports::chat_errc::not_found, "10007 Unknown Member"};
    ASSERT_TRUE(outbox_.post({core::outbox_kind::role_revoke, core::log_topic::errors, customer, "role.revoke",
                              {{"role", "902"}, {"member", customer.str()}, {"why", "VIP tier Gold"}}}));
    EXPECT_EQ(feature.dispatch().failed, 1U);
    feature.dispatch();
    EXPECT_EQ(chat_.messages.back().body.embeds.at(0).title, "Could not take a role back");
    EXPECT_NE(all_text(chat_.messages.back().body).find("will not try again"), std::string::npos);
}

TEST_F(NotificationsFeatureTest, RequirementsNameEachLogChannel) {
    const auto needs = feature_.requirements();
    ASSERT_EQ(needs.size(), 2U);
    EXPECT_EQ(needs[0].why, "the orders log channel");
    EXPECT_EQ(needs[0].channel, std::optional<core::channel_id>(orders_log));
    EXPECT_TRUE(needs[0].in_channel.has(ports::ability::embed_links));
    EXPECT_TRUE(needs[0].in_channel.has(ports::ability::send));
    bot::notifications_options with_roles = options();
    with_roles.granted_roles = {{"VIP tier Gold", core::role_id{900}}};
    const auto role_needs = bot::notifications_feature{bot_config_, outbox_, chat_, with_roles}.requirements();
    ASSERT_EQ(role_needs.size(), 3U);
    EXPECT_EQ(role_needs[2].why, "VIP tier Gold");
    EXPECT_EQ(role_needs[2].grantable, std::optional<core::role_id>(core::role_id{900}));
    const auto jobs = feature_.jobs();
    ASSERT_EQ(jobs.size(), 2U);
    EXPECT_EQ(jobs[0].name, "outbox.dispatch");
    EXPECT_EQ(jobs[0].interval, 1s);
}

TEST(NotificationViewsTest, LongTextStaysWithinDiscordsEmbedLimitsAndSecretsStayOutOfLogPosts) {
    core::outbox_entry e;
    e.draft.event = "order.paid";
    const std::string long_name(5000, 'N');
    e.draft.facts = {{"order", "AC-20261130-ABCDEF"}, {"product", long_name}, {"member", "20"}, {"price", "$1.00"},
                     {"list_price", "$2.00"}, {"promo_code", std::string(1500, 'P')}, {"promo_discount", "$1.00"},
                     {"secret", "KEY`WITH`TICKS"}};
    for (const auto& m : {bot::log_post_view(e), bot::direct_message_view(e)}) {
        ASSERT_EQ(m.embeds.size(), 1U);
        EXPECT_LE(core::utf8_length(m.embeds[0].title), 256U);
        EXPECT_LE(core::utf8_length(m.embeds[0].description), 4096U);
        EXPECT_LE(m.embeds[0].fields.size(), 25U);
        for (const auto& f : m.embeds[0].fields) {
            EXPECT_LE(core::utf8_length(f.name), 256U);
            EXPECT_LE(core::utf8_length(f.value), 1024U) << f.name;
            EXPECT_FALSE(f.value.empty());
        }
    }
    EXPECT_EQ(all_text(bot::log_post_view(e)).find("WITH"), std::string::npos);
    EXPECT_NE(all_text(bot::direct_message_view(e)).find("`KEYWITHTICKS`"), std::string::npos)
        << "backticks inside a key cannot break its code span";

    core::outbox_entry custom;
    custom.draft.event = "embedder.thing_happened";
    custom.draft.facts = {{"who", "someone"}, {"secret", "hidden"}};
    const auto generic = bot::log_post_view(custom);
    EXPECT_EQ(generic.embeds[0].title, "embedder.thing_happened");
    EXPECT_NE(all_text(generic).find("someone"), std::string::npos);
    EXPECT_EQ(all_text(generic).find("hidden"), std::string::npos);

    // Every event with a view of its own gets a title that names it, in the log and in the DM.
    const std::pair<const char*, const char*> titled[] = {
        {"refund.approved", "Refund approved: order AC-1"}, {"refund.rejected", "Refund declined: order AC-1"},
        {"payment.approved", "Payment approved: order AC-1"}, {"payment.rejected", "Payment rejected: order AC-1"}};
    for (const auto& [event, title] : titled) {
        core::outbox_entry decided;
        decided.draft.event = event;
        decided.draft.recipient = core::user_id{20};
        decided.draft.facts = {{"order", "AC-1"}, {"member", "20"}, {"staff", "10"}, {"product", "Flix"}, {"reason", "why"},
                               {"secret", "KEY"}};
        EXPECT_EQ(bot::log_post_view(decided).embeds.at(0).title, title);
        EXPECT_EQ(all_text(bot::log_post_view(decided)).find("KEY"), std::string::npos) << event;
        EXPECT_NE(bot::direct_message_view(decided).embeds.at(0).title, event) << "a DM of its own";
        EXPECT_NE(bot::dm_fallback_view(decided).content.find("/order show AC-1"), std::string::npos) << event;
        EXPECT_EQ(bot::dm_fallback_view(decided).content.find("KEY"), std::string::npos) << event;
    }

    core::outbox_entry warranty;
    warranty.draft.event = "warranty.expiring";
    warranty.draft.recipient = core::user_id{20};
    warranty.draft.facts = {{"order", "AC-9"}, {"product", "Flix"}, {"warranty_until", "1796000000"}};
    const auto notice = bot::direct_message_view(warranty);
    EXPECT_EQ(notice.embeds.at(0).title, "Your warranty ends soon");
    EXPECT_NE(notice.embeds.at(0).description.find("<t:1796000000:R>, <t:1796000000:D>"), std::string::npos)
        << notice.embeds.at(0).description;
    EXPECT_NE(bot::dm_fallback_view(warranty).content.find("the warranty ending on their order AC-9"), std::string::npos);

    core::outbox_entry ticket;
    ticket.draft.event = "ticket.participant_added";
    ticket.draft.facts = {{"ticket", "12"}, {"channel", "345"}, {"actor", "10"}, {"subject", "30"}, {"type", "support"}};
    const auto posted = bot::log_post_view(ticket);
    EXPECT_EQ(posted.embeds.at(0).title, "Ticket #12 participant added");
    EXPECT_NE(all_text(posted).find("<#345>"), std::string::npos);
    EXPECT_NE(all_text(posted).find("<@30>"), std::string::npos);

    core::outbox_entry stock;
    stock.draft.event = "stock.out_of_stock";
    stock.draft.facts = {{"product", "Flix 1 month"}, {"stock", "0"}};
    EXPECT_EQ(bot::log_post_view(stock).embeds[0].title, "Sold out: Flix 1 month");
}

}  // namespace
