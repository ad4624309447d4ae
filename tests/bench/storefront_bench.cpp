// apexcore-bench storefront: the storefront's in-process latency (issue 11 §10, docs/benchmarks.md).
// A shop of --products products (20 main categories × 10 sub-categories) over SQLite with group
// commit and synchronous=FULL, 1,000 funded members, the example VIP tiers; interactions arrive at
// --rate per second for --seconds, handled by --workers threads as the Discord runtime's pool
// does: 60 % product cards (a product picked), 30 % wallet purchases (a Buy press, each its own
// checkout), 10 % /buy (browsing the whole catalog by category). Latency is from the moment an
// interaction was due (received) to the moment its response is ready to send, so time spent
// waiting for a free worker counts.
#include "bench_common.hpp"
#include "purchases_workload.hpp"

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

namespace apexcore::bench {
namespace {

using steady = std::chrono::steady_clock;

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

int run_storefront(int argc, char** argv) {
    namespace po = boost::program_options;
    int products = 10000;
    int rate = 500;
    int seconds = 10;
    int workers = 8;
    std::string db;
    po::options_description desc("apexcore-bench storefront options");
    desc.add_options()("help,h", "this help")("products", po::value(&products)->default_value(10000), "active products")(
        "rate", po::value(&rate)->default_value(500), "interactions per second")(
        "seconds", po::value(&seconds)->default_value(10), "how long")(
        "workers", po::value(&workers)->default_value(8), "handler threads")(
        "db", po::value(&db)->default_value(""), "SQLite file to create (default: a temporary one, removed after)");
    if (parse_options(argc, argv, desc)) return 0;
    if (products < 1 || products > 100000 || rate < 1 || rate > 20000 || seconds < 1 || seconds > 600 || workers < 1 ||
        workers > 64) {
        std::cerr << "apexcore-bench storefront: --products 1..100000, --rate 1..20000, --seconds 1..600, --workers 1..64\n";
        return 2;
    }
    const bool temporary = db.empty();
    if (temporary) db = (std::filesystem::temp_directory_path() / ("apexcore-bench-storefront-" + std::to_string(::getpid()) + ".db")).string();
    if (std::filesystem::exists(db)) {
        std::cerr << "apexcore-bench storefront: " << db << " exists; give a path for a new database\n";
        return 2;
    }
    nlohmann::json out;
    {
        sqlite::sqlite_store store({.path = db, .connections_max = 8, .group_commit = true, .synchronous_full = true});
        services::shop_config config;
        config.tiers = example_tiers();
        services::catalog_service catalog(store, config);
        services::wallet_service wallet(store, config);
        const auto load_start = steady::now();
        // Setup in two transactions (not timed as the workload): the products, then the deposits.
        constexpr int members = 1000;
        store.transact([&](ports::unit_of_work& uow) {
            for (int k = 0; k < products; ++k) {
                core::product p;
                p.main_category = "Category " + std::to_string(k % 20);
                p.sub_category = "Sub " + std::to_string((k / 20) % 10);
                p.service_name = "Service " + std::to_string(k);
                p.variant_name = "Standard";
                p.price = core::money::usd_cents(100 + k % 4900);
                uow.products().insert(p);
            }
            for (int u = 0; u < members; ++u) {
                uow.wallet().append({core::user_id{static_cast<std::uint64_t>(2000 + u)}, core::ledger_entry_type::deposit,
                                     core::money::usd_cents(1000000), "bench", std::nullopt, core::user_id{1}});
            }
            return ports::tx_outcome::commit;
        });
        const double load_seconds = std::chrono::duration<double>(steady::now() - load_start).count();
        bot::shop_bot bot({core::guild_id{1}, core::role_id{77}, core::usd, {}}, wallet, catalog);
        const double rss_loaded = peak_rss_mb();

        const std::size_t total = static_cast<std::size_t>(rate) * static_cast<std::size_t>(seconds);
        std::vector<double> card, purchase, browse;
        std::mutex mutex;
        std::atomic<std::size_t> next{0};
        std::atomic<std::uint64_t> bought{0}, failed{0};
        const auto t0 = steady::now() + std::chrono::milliseconds(100);
        const auto interval = std::chrono::duration<double>(1.0 / rate);
        std::vector<std::thread> pool;
        for (int w = 0; w < workers; ++w) {
            pool.emplace_back([&] {
                std::vector<double> my_card, my_purchase, my_browse;
                for (std::size_t i = next++; i < total; i = next++) {
                    const auto due = t0 + std::chrono::duration_cast<steady::duration>(interval * static_cast<double>(i));
                    const core::user_id member{static_cast<std::uint64_t>(2000 + i % members)};
                    const core::product_id product{static_cast<std::int64_t>(1 + (i * 7919) % static_cast<std::size_t>(products))};
                    // A purchase is the confirmation's Confirm: it carries the total the member was
                    // shown, their VIP discount included (read before the clock starts, as the
                    // confirmation was shown before the press).
                    std::int64_t total_shown = 0;
                    if (i % 10 >= 6 && i % 10 < 9) {
                        const auto quote = wallet.quote({member, product, std::nullopt});
                        total_shown = quote ? quote->final_price.minor_units() : 0;
                    }
                    std::this_thread::sleep_until(due);
                    ports::interaction in{core::interaction_id{1000000 + i}, core::guild_id{1}, core::channel_id{2},
                                          {member, "member", {}}, ports::command_invocation{"buy", {}}};
                    const std::size_t kind = i % 10;
                    if (kind < 6) {
                        in.action = ports::component_action{"ac1:s", {std::to_string(product.value)}, ports::component_kind::string_select};
                    } else if (kind < 9) {
                        in.action = ports::component_action{
                            bot::encode_custom_id({bot::component_kind::confirm_purchase, product, total_shown, core::interaction_id{5000000 + i}}),
                            {}, ports::component_kind::button};
                    }
                    const auto response = bot.handle(in);
                    const double ms = std::chrono::duration<double, std::milli>(steady::now() - due).count();
                    if (kind < 6) {
                        my_card.push_back(ms);
                    } else if (kind < 9) {
                        my_purchase.push_back(ms);
                        (response.body.content.starts_with("Thank you!") ? bought : failed)++;
                    } else {
                        my_browse.push_back(ms);
                    }
                }
                std::lock_guard lock(mutex);
                card.insert(card.end(), my_card.begin(), my_card.end());
                purchase.insert(purchase.end(), my_purchase.begin(), my_purchase.end());
                browse.insert(browse.end(), my_browse.begin(), my_browse.end());
            });
        }
        for (auto& t : pool) t.join();
        const double elapsed = std::chrono::duration<double>(steady::now() - t0).count();
        out = {{"bench", "storefront"},
               {"products", products},
               {"rate", rate},
               {"seconds", seconds},
               {"workers", workers},
               {"interactions", total},
               {"achieved_per_s", static_cast<double>(total) / elapsed},
               {"card_p50_ms", percentile(card, 0.50)},
               {"card_p99_ms", percentile(card, 0.99)},
               {"purchase_p50_ms", percentile(purchase, 0.50)},
               {"purchase_p99_ms", percentile(purchase, 0.99)},
               {"browse_p50_ms", percentile(browse, 0.50)},
               {"browse_p99_ms", percentile(browse, 0.99)},
               {"purchases_ok", bought.load()},
               {"purchases_refused", failed.load()},
               {"setup_seconds", load_seconds},
               {"rss_after_setup_mb", rss_loaded},
               {"peak_rss_mb", peak_rss_mb()},
               {"reconcile_ok", store.reconcile().ok()}};
    }
    if (temporary) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
    }
    std::cout << out.dump() << std::endl;
    return out["reconcile_ok"].get<bool>() && out["purchases_refused"].get<std::uint64_t>() == 0 ? 0 : 1;
}

}  // namespace apexcore::bench
