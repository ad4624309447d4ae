// render::prometheus_registry: the text exposition format exactly as Prometheus reads it.
#include <apexcore/render/prometheus.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace {

using apexcore::render::prometheus_registry;

TEST(PrometheusRegistryTest, CountersAndGaugesAreRenderedWithHelpTypeAndSortedLabels) {
    prometheus_registry r;
    r.count("apexcore_purchases_total", {{"outcome", "ok"}, {"reason", "none"}});
    r.count("apexcore_purchases_total", {{"outcome", "ok"}, {"reason", "none"}}, 2);
    r.count("apexcore_purchases_total", {{"outcome", "rejected"}, {"reason", "insufficient_funds"}});
    r.set("apexcore_gateway_shards_ready", {}, 3);
    r.set("apexcore_gateway_shards_ready", {}, 2);
    EXPECT_EQ(r.exposition(),
              "# HELP apexcore_gateway_shards_ready Gateway shards with a live session (READY or RESUMED).\n"
              "# TYPE apexcore_gateway_shards_ready gauge\n"
              "apexcore_gateway_shards_ready 2\n"
              "# HELP apexcore_purchases_total Wallet purchases, by outcome and rejection reason.\n"
              "# TYPE apexcore_purchases_total counter\n"
              "apexcore_purchases_total{outcome=\"ok\",reason=\"none\"} 3\n"
              "apexcore_purchases_total{outcome=\"rejected\",reason=\"insufficient_funds\"} 1\n");
}

TEST(PrometheusRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    prometheus_registry r({0.01, 0.1, 1});
    r.observe("apexcore_store_commit_seconds", {}, 0.005);
    r.observe("apexcore_store_commit_seconds", {}, 0.01);  // on the bound: counted in le="0.01"
    r.observe("apexcore_store_commit_seconds", {}, 0.5);
    r.observe("apexcore_store_commit_seconds", {}, 7);
    EXPECT_EQ(r.exposition(),
              "# HELP apexcore_store_commit_seconds Time to commit one store transaction.\n"
              "# TYPE apexcore_store_commit_seconds histogram\n"
              "apexcore_store_commit_seconds_bucket{le=\"0.01\"} 2\n"
              "apexcore_store_commit_seconds_bucket{le=\"0.1\"} 2\n"
              "apexcore_store_commit_seconds_bucket{le=\"1\"} 3\n"
              "apexcore_store_commit_seconds_bucket{le=\"+Inf\"} 4\n"
              "apexcore_store_commit_seconds_sum 7.515\n"
              "apexcore_store_commit_seconds_count 4\n");
    prometheus_registry labelled({1});
    labelled.observe("apexcore_interaction_handler_seconds", {{"kind", "command"}}, 0.2);
    EXPECT_NE(labelled.exposition().find("apexcore_interaction_handler_seconds_bucket{kind=\"command\",le=\"1\"} 1\n"),
              std::string::npos)
        << labelled.exposition();
}

TEST(PrometheusRegistryTest, HostileNamesAndValuesNeverBreakTheFormat) {
    prometheus_registry r;
    r.count("bad name{}", {});                             // not a metric name: ignored
    r.count("ok_total", {{"bad-label", "x"}, {"kind", "a\"b\\c\nd"}});  // bad label dropped, value escaped
    r.count("ok_total", {{"kind", "\xff"}});                // invalid UTF-8 replaced
    r.observe("ok_total", {}, 1.0);                        // a counter observed as a histogram: ignored
    r.observe("nan_seconds", {}, std::nan(""));            // NaN: not recorded
    const auto text = r.exposition();
    EXPECT_EQ(text.find("bad name"), std::string::npos) << text;
    EXPECT_EQ(text.find("bad-label"), std::string::npos) << text;
    EXPECT_NE(text.find("ok_total{kind=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("ok_total{kind=\"\xEF\xBF\xBD\"} 1\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("ok_total_bucket"), std::string::npos) << text;
    EXPECT_EQ(text.find("nan_seconds_count 1"), std::string::npos) << text;
    EXPECT_THROW(prometheus_registry({1, 0.5}), std::invalid_argument);
}

TEST(PrometheusRegistryTest, CountsFromManyThreadsAddUp) {
    prometheus_registry r;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&r] {
            for (int i = 0; i < 10000; ++i) r.count("apexcore_interactions_total", {{"kind", "command"}});
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_NE(r.exposition().find("apexcore_interactions_total{kind=\"command\"} 40000\n"), std::string::npos) << r.exposition();
}

}  // namespace
