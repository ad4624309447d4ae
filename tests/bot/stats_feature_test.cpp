// The stats feature (issue 12 §8): staff read a period's revenue, orders, refunds, new customers
// and best sellers, get the chart drawn for exactly that period, and the orders as CSV.
#include <apexcore/bot/shop_bot.hpp>

#include <apexcore/services/refund_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include "../support/manual_clock.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using namespace std::chrono_literals;
using core::money;

constexpr core::role_id staff_role{77};
constexpr core::user_id staff_user{10};
constexpr core::user_id alice{20};
constexpr core::user_id bob{21};

class StatsFeatureTest : public ::testing::Test {
protected:
    // 2026-11-28 10:00 UTC; the tests move to the 30th.
    test_support::manual_clock clock_{std::chrono::sys_days(std::chrono::year(2026) / 11 / 28) + 10h};
    sqlite::sqlite_store store_{{.path = ":memory:", .clock = &clock_}};
    services::shop_config config_ = [this] {
        services::shop_config c;
        c.clock = &clock_;
        return c;
    }();
    services::wallet_service wallet_{store_, config_};
    services::catalog_service catalog_{store_, config_};
    services::order_service orders_{store_, config_};
    services::refund_service refunds_{store_, config_};
    struct chart_call {
        std::int64_t first_day = 0;
        int days = 0;
        std::vector<std::string> names;
    };
    std::vector<chart_call> charts_;
    bot::shop_bot bot_{{core::guild_id{1}, staff_role, core::usd, {}}, wallet_, catalog_,
                       {.orders = &orders_, .sales_chart = [this](const ports::sales_figures&, std::int64_t first, int days,
                                                                  const std::vector<std::string>& names) {
                            charts_.push_back({first, days, names});
                            return std::string("\x89PNG fake");
                        }}};
    core::product flix_ = *catalog_.add({{}, "Streaming", "Video", "Flix", "1 month", money::usd_cents(500), true});
    core::product tune_ = *catalog_.add({{}, "Music", "Audio", "Tune", "1 month", money::usd_cents(300), true});
    std::uint64_t next_id_ = 5000;

    core::order buy(core::user_id who, const core::product& p) {
        EXPECT_TRUE(wallet_.staff_credit({{staff_user, true}, who, p.price, ""}).ok());
        auto r = wallet_.purchase({who, p.id, std::nullopt});
        EXPECT_TRUE(r.ok());
        return r->order;
    }
    ports::interaction_response run(std::string name, std::int64_t days, bool staff = true) {
        return bot_.handle({core::interaction_id{next_id_++}, core::guild_id{1}, core::channel_id{2},
                            {staff_user, "staff", staff ? std::vector<core::role_id>{staff_role} : std::vector<core::role_id>{}},
                            ports::command_invocation{std::move(name), {{"days", days}}}});
    }
    static std::string field(const ports::interaction_response& r, std::string_view name) {
        for (const auto& f : r.body.embeds.at(0).fields) {
            if (f.name == name) return f.value;
        }
        return "(none)";
    }
};

TEST_F(StatsFeatureTest, APeriodsFiguresChartAndOrdersAreThoseOfItsDays) {
    buy(alice, flix_);  // the 28th: outside a 2-day period ending on the 30th
    clock_.advance(48h);
    const auto refunded = buy(alice, flix_);
    buy(bob, tune_);
    buy(bob, flix_);
    const auto asked = refunds_.request({{alice, false}, refunded.id, std::nullopt, "changed my mind"});
    ASSERT_TRUE(asked.ok());
    ASSERT_TRUE(refunds_.approve({staff_user, true}, asked->id).ok());

    const auto r = run("stats summary", 2);
    ASSERT_EQ(r.body.embeds.size(), 1U);
    EXPECT_EQ(r.body.embeds[0].title, "Sales, last 2 days");
    EXPECT_EQ(field(r, "Revenue"), "$13.00");
    EXPECT_EQ(field(r, "Orders"), "3");
    EXPECT_EQ(field(r, "Refunds"), "1 \xC2\xB7 $5.00");
    EXPECT_EQ(field(r, "Net"), "$8.00");
    EXPECT_EQ(field(r, "New customers"), "1") << "Bob; Alice bought first on the 28th";
    EXPECT_EQ(field(r, "Best sellers"), "1. Flix - 1 month \xE2\x80\x94 $10.00 (2)\n2. Tune - 1 month \xE2\x80\x94 $3.00 (1)\n");
    ASSERT_EQ(r.body.files.size(), 1U);
    EXPECT_EQ(r.body.files[0].filename, "sales.png");
    EXPECT_EQ(r.body.embeds[0].image_url, "attachment://sales.png");
    ASSERT_EQ(charts_.size(), 1U);
    EXPECT_EQ(charts_[0].days, 2);
    EXPECT_EQ(charts_[0].first_day, (std::chrono::sys_days(std::chrono::year(2026) / 11 / 29)).time_since_epoch().count());
    EXPECT_EQ(charts_[0].names, (std::vector<std::string>{"Flix - 1 month", "Tune - 1 month"}));

    EXPECT_EQ(field(run("stats summary", 3), "Orders"), "4");

    const auto csv = run("stats orders", 2);
    ASSERT_EQ(csv.body.files.size(), 1U);
    const std::string& text = csv.body.files[0].bytes;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
    EXPECT_NE(text.find("," + alice.str() + ",") , std::string::npos);
    EXPECT_NE(text.find("2026-11-30T10:00:00Z"), std::string::npos) << text;
    EXPECT_NE(text.find(",refunded,wallet,USD,5.00,5.00,5.00,"), std::string::npos) << text;
    EXPECT_EQ(run("stats summary", 2, false).body.content, "Only staff members can do that.");
}

}  // namespace
