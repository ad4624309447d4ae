// The catalog on PostgreSQL (issue 13 §1): every field of a product reads back as written,
// searches are literal and ASCII case-insensitive as on SQLite, and of many buyers of the last
// unit exactly one takes it.
#include "../support/postgres_server.hpp"

#include <apexcore/postgresql/repositories.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

namespace {

using namespace apexcore;
using apexcore::test_support::postgres_server;

class PostgresCatalogTest : public ::testing::Test {
protected:
    postgresql::database db_{{.url = postgres_server::shared().fresh_database(), .connections = 8}};
    ports::system_clock clock_;

    void SetUp() override { db_.migrate(); }

    template <class Work>
    void in_tx(Work work) {
        db_.serializable([&](postgresql::session& s) {
            postgresql::product_repository repo(s, clock_);
            work(repo);
        });
    }
    static core::product make(std::string service, std::string variant, std::int64_t cents) {
        core::product p;
        p.main_category = "Streaming";
        p.sub_category = "Video";
        p.service_name = std::move(service);
        p.variant_name = std::move(variant);
        p.price = core::money::usd_cents(cents);
        return p;
    }
    core::product_id add(const core::product& p) {
        core::product_id id;
        in_tx([&](postgresql::product_repository& repo) { id = repo.insert(p); });
        return id;
    }
    std::vector<std::string> names(const std::vector<core::product>& ps) {
        std::vector<std::string> out;
        for (const auto& p : ps) out.push_back(p.display_name());
        return out;
    }
};

TEST_F(PostgresCatalogTest, EveryFieldReadsBackAsWrittenAndAnUpdateLeavesTheStock) {
    auto p = make("Flix", "1 month", 999);
    p.duration_days = 30;
    p.start_time = "instant";
    p.refill_period_days = 7;
    p.additional_info = "Works on 4 screens";
    p.role_to_grant = core::role_id{18446744073709551000ULL};
    p.delivery_payload = "login: x";
    p.deliverables = {{core::deliverable_kind::code, "say \"hi\" \\ then go"}, {core::deliverable_kind::key, ""}};
    p.stock = 5;
    p.low_stock_threshold = 3;
    p.critical_stock_threshold = 1;
    p.tags = {"hd", "video"};
    p.questions = {"Your e-mail", "Your region"};
    const auto id = add(p);
    in_tx([&](postgresql::product_repository& repo) {
        const auto found = repo.find(id);
        ASSERT_TRUE(found);
        EXPECT_EQ(found->display_name(), "Flix - 1 month");
        EXPECT_EQ(found->price, core::money::usd_cents(999));
        EXPECT_EQ(found->duration_days, 30);
        EXPECT_EQ(found->start_time, "instant");
        EXPECT_EQ(found->refill_period_days, 7);
        EXPECT_EQ(found->additional_info, "Works on 4 screens");
        EXPECT_EQ(found->role_to_grant, core::role_id{18446744073709551000ULL});
        EXPECT_EQ(found->delivery_payload, "login: x");
        EXPECT_EQ(found->deliverables, p.deliverables) << "quotes and backslashes survive the array and JSONB";
        EXPECT_EQ(found->stock, 5);
        EXPECT_EQ(found->low_stock_threshold, 3);
        EXPECT_EQ(found->tags, p.tags);
        EXPECT_EQ(found->questions, p.questions);
        EXPECT_TRUE(found->active);

        auto changed = *found;
        changed.price = core::money::usd_cents(1099);
        changed.active = false;
        changed.tags = {"4k"};
        changed.deliverables.clear();
        changed.stock = 99;  // update never touches the stock
        EXPECT_TRUE(repo.update(changed));
        changed.id = core::product_id{id.value + 1000};
        EXPECT_FALSE(repo.update(changed)) << "no such product";
    });
    in_tx([&](postgresql::product_repository& repo) {
        const auto found = repo.find(id);
        EXPECT_EQ(found->price, core::money::usd_cents(1099));
        EXPECT_FALSE(found->active);
        EXPECT_EQ(found->tags, std::vector<std::string>{"4k"});
        EXPECT_TRUE(found->deliverables.empty());
        EXPECT_EQ(found->stock, 5);
        EXPECT_EQ(repo.find_by_path("Streaming", "Video", "Flix", "1 month")->id, id);
        EXPECT_FALSE(repo.find_by_path("Streaming", "Video", "Flix", "2 months"));
        EXPECT_FALSE(repo.find(core::product_id{id.value + 1000}));
    });
}

TEST_F(PostgresCatalogTest, SearchesAreLiteralAndAsciiCaseInsensitiveAndListsPage) {
    auto netflix = make("Netflix", "Premium", 1500);
    netflix.tags = {"video-hd"};
    add(netflix);
    add(make("TuneBox", "100% Family", 900));
    auto old = make("Netflix", "Basic", 500);
    old.active = false;
    add(old);
    in_tx([&](postgresql::product_repository& repo) {
        EXPECT_EQ(names(repo.search_active("NETFLIX", 10)), std::vector<std::string>{"Netflix - Premium"});
        EXPECT_EQ(names(repo.search_all("netflix", 10)), (std::vector<std::string>{"Netflix - Basic", "Netflix - Premium"}));
        EXPECT_EQ(names(repo.search_active("vid", 10)).size(), 2U) << "the sub category Video, and the tag video-hd";
        EXPECT_EQ(names(repo.search_active("100%", 10)), std::vector<std::string>{"TuneBox - 100% Family"});
        EXPECT_TRUE(repo.search_active("0%F", 10).empty()) << "% is a character, not a wildcard";
        EXPECT_TRUE(repo.search_active("_etflix", 10).empty()) << "_ is a character too";
        EXPECT_EQ(names(repo.list_by_tag("video-hd", 10)), std::vector<std::string>{"Netflix - Premium"});
        EXPECT_EQ(repo.list_active(10).size(), 2U);
        const auto first = repo.list_all(std::nullopt, 2);
        ASSERT_EQ(first.size(), 2U);
        const auto rest = repo.list_all(first.back().id, 2);
        ASSERT_EQ(rest.size(), 1U);
        EXPECT_EQ(rest[0].display_name(), "Netflix - Basic");
    });
}

TEST_F(PostgresCatalogTest, OfManyBuyersOfTheLastUnitExactlyOneTakesIt) {
    auto p = make("Indie", "Standard", 500);
    p.stock = 1;
    const auto id = add(p);
    const auto unlimited = add(make("Tune", "Family", 100));
    std::atomic<int> took{0}, refused{0};
    std::vector<std::thread> buyers;
    for (int i = 0; i < 8; ++i) {
        buyers.emplace_back([&] {
            in_tx([&](postgresql::product_repository& repo) {
                const auto change = repo.adjust_stock(id, -1);
                if (change && !change->refused) ++took;
                if (change && change->refused) ++refused;
            });
        });
    }
    for (auto& t : buyers) t.join();
    EXPECT_EQ(took.load(), 1);
    EXPECT_EQ(refused.load(), 7);
    in_tx([&](postgresql::product_repository& repo) {
        EXPECT_EQ(repo.find(id)->stock, 0);
        EXPECT_FALSE(repo.adjust_stock(unlimited, -1)) << "unlimited stock is not counted";
        EXPECT_FALSE(repo.adjust_stock(core::product_id{id.value + 1000}, 1));
        EXPECT_TRUE(repo.set_stock(id, std::numeric_limits<std::int64_t>::max() - 1));
        const auto over = repo.adjust_stock(id, 5);
        ASSERT_TRUE(over);
        EXPECT_TRUE(over->refused) << "past int64 is refused, not wrapped";
        const auto added = repo.adjust_stock(id, -10);
        ASSERT_TRUE(added);
        EXPECT_EQ(added->after, std::numeric_limits<std::int64_t>::max() - 11);
        EXPECT_TRUE(repo.set_stock(id, std::nullopt));
        EXPECT_FALSE(repo.find(id)->stock);
        EXPECT_FALSE(repo.set_stock(core::product_id{id.value + 1000}, 3));
    });
}

}  // namespace
