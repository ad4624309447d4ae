// apexcore-bench purchases: shared/bench/purchases.md run through the real purchase path
// (services::wallet_service over sqlite::sqlite_store with group commit, or with --store over
// postgresql::postgresql_store), then the §7 invariants and state digest checked against the
// database-free reference simulation.
#include "bench_common.hpp"
#include "purchases_workload.hpp"

#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/postgresql/postgresql_store.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace apexcore::bench {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

/// A read-only handle on the database under test for the checks of §7, independent of the store:
/// SQLite's C API or a PostgreSQL session. Every value is read as an integer (NULL as 0).
class checker {
public:
    using row = std::vector<std::int64_t>;
    explicit checker(const std::string& where) {
        if (where.starts_with("postgresql://") || where.starts_with("postgres://")) {
            pg_ = std::make_unique<postgresql::database>(postgresql::database_options{.url = where, .connections = 1});
        } else if (sqlite3_open_v2(where.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + where + " for checking");
        }
    }
    ~checker() { sqlite3_close(db_); }
    checker(const checker&) = delete;
    checker& operator=(const checker&) = delete;

    [[nodiscard]] bool postgres() const { return pg_ != nullptr; }

    /// Runs `sql` and calls `each_row` for each result row.
    template <class Row>
    void each(const std::string& sql, Row each_row) {
        if (pg_) {
            pg_->with([&](postgresql::session& s) {
                const auto r = s.exec(sql);
                for (int i = 0; i < r.rows(); ++i) {
                    row values;
                    for (int c = 0; c < r.columns(); ++c) values.push_back(r.is_null(i, c) ? 0 : r.int64(i, c));
                    each_row(values);
                }
            });
            return;
        }
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
        while (sqlite3_step(s) == SQLITE_ROW) {
            row values;
            for (int c = 0; c < sqlite3_column_count(s); ++c) values.push_back(sqlite3_column_int64(s, c));
            each_row(values);
        }
        sqlite3_finalize(s);
    }
    std::int64_t scalar(const std::string& sql) {
        std::int64_t v = 0;
        each(sql, [&](const row& r) { v = r.at(0); });
        return v;
    }

private:
    sqlite3* db_ = nullptr;
    std::unique_ptr<postgresql::database> pg_;
};

double percentile_ms(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

int run_purchases(int argc, char** argv) {
    workload_params w;
    std::string db_path;
    std::uint64_t workers = 64;
    std::string sync = "full";
    bool no_group_commit = false;
    bool no_keys = false;
    bool notifications = false;
    std::string store_url;
    std::size_t connections = 16;
    po::options_description desc("apexcore-bench purchases options (shared/bench/purchases.md)");
    desc.add_options()("help,h", "this help")(
        "db", po::value(&db_path), "database file to create (must not exist); default: a temporary file, removed after")(
        "users", po::value(&w.users)->default_value(1000), "number of users")(
        "products", po::value(&w.products)->default_value(200), "number of products")(
        "purchases", po::value(&w.purchases)->default_value(20000), "purchase attempts in total")(
        "workers", po::value(&workers)->default_value(64), "concurrent workers (threads)")(
        "seed", po::value(&w.seed)->default_value(1), "SplitMix64 seed")(
        "deposit-cents", po::value(&w.deposit_cents)->default_value(50000), "each user's starting deposit, cents")(
        "sync", po::value(&sync)->default_value("full"),
        "full = synchronous=FULL (every acknowledged purchase fsynced); normal = synchronous=NORMAL (WAL)")(
        "no-group-commit", po::bool_switch(&no_group_commit), "one transaction and fsync per purchase (for comparison)")(
        "no-idempotency-keys", po::bool_switch(&no_keys), "purchase without idempotency keys (the bot always sends one)")(
        "notifications", po::bool_switch(&notifications),
        "write the outbox rows a shop with an orders log channel and DMs writes: 2 per purchase (docs/operations.md)")(
        "store", po::value(&store_url),
        "postgresql://… : run on PostgreSQL instead of SQLite, in this database, which must be empty (--db and --sync "
        "do not apply; durability is the server's synchronous_commit)")(
        "connections", po::value(&connections)->default_value(16), "PostgreSQL: pooled connections (1..256)");
    if (parse_options(argc, argv, desc)) return 0;
    if (w.users == 0 || w.products == 0 || workers == 0 || w.deposit_cents < 0) {
        std::cerr << "apexcore-bench purchases: --users, --products and --workers must be > 0, --deposit-cents >= 0\n";
        return 2;
    }
    if (sync != "full" && sync != "normal") {
        std::cerr << "apexcore-bench purchases: --sync must be full or normal\n";
        return 2;
    }
    const bool postgres = !store_url.empty();
    if (postgres && !store_url.starts_with("postgresql://") && !store_url.starts_with("postgres://")) {
        std::cerr << "apexcore-bench purchases: --store expects a postgresql:// URL (SQLite is the default: --db PATH)\n";
        return 2;
    }
    if (postgres && (connections < 1 || connections > 256)) {
        std::cerr << "apexcore-bench purchases: --connections must be 1..256\n";
        return 2;
    }
    if (postgres) {
        postgresql::database probe({.url = store_url, .connections = 1});
        if (probe.schema_version() != 0) {
            std::cerr << "apexcore-bench purchases: " << store_url << " holds a shop already; give an empty database\n";
            return 2;
        }
    }
    const bool temporary = !postgres && db_path.empty();
    if (temporary) {
        db_path = (fs::temp_directory_path() / ("apexcore-bench-purchases-" + std::to_string(::getpid()) + ".db")).string();
    }
    if (!postgres && fs::exists(db_path)) {
        std::cerr << "apexcore-bench purchases: " << db_path << " exists; give a path for a new database\n";
        return 2;
    }

    const workload draws = draw(w);
    services::shop_config config;
    config.currency = core::usd;
    config.tiers = example_tiers();
    if (notifications) {
        config.notifications.log_topics = {core::log_topic::orders, core::log_topic::payments};
        config.notifications.direct_messages = true;
        config.notifications.max_pending = std::numeric_limits<std::int64_t>::max();  // nothing is sent here: keep them all
    }
    std::uint64_t ok = 0, rejected = 0, errors = 0, promotions = 0;
    std::vector<double> latencies;
    double seconds = 0;
    {
        std::unique_ptr<ports::store> opened;
        if (postgres) {
            opened = std::make_unique<postgresql::postgresql_store>(postgresql::store_options{.url = store_url, .connections = connections});
        } else {
            opened = std::make_unique<sqlite::sqlite_store>(sqlite::sqlite_options{
                .path = db_path, .connections_max = 8, .group_commit = !no_group_commit, .synchronous_full = sync == "full"});
        }
        ports::store& store = *opened;
        services::catalog_service catalog(store, config);
        services::wallet_service wallet(store, config);

        // Setup (not timed): products k -> id k+1, then one deposit per user, in order.
        for (std::uint64_t k = 0; k < w.products; ++k) {
            core::product p;
            p.main_category = "Category " + std::to_string(k % 10);
            p.sub_category = "Sub " + std::to_string(k % 5);
            p.service_name = "Service " + std::to_string(k + 1);
            p.variant_name = "Variant " + std::to_string(k + 1);
            p.price = core::money::usd_cents(draws.prices[k]);
            const auto added = catalog.add(p);
            if (!added || added->id.value != static_cast<std::int64_t>(k + 1)) throw std::runtime_error("product setup failed");
        }
        const services::actor bank{core::user_id{1}, true};
        for (std::uint64_t u = 0; u < w.users && w.deposit_cents > 0; ++u) {
            const auto credited = wallet.deposit({bank, core::user_id{first_user_id + u},
                                                  core::money::usd_cents(w.deposit_cents), "Benchmark deposit"});
            if (!credited) throw std::runtime_error("deposit setup failed");
        }

        // Attempt i goes to worker u[i] mod C, each worker in increasing i (§5).
        std::vector<std::vector<std::size_t>> plan(workers);
        for (std::size_t i = 0; i < draws.attempts.size(); ++i) plan[draws.attempts[i].first % workers].push_back(i);
        std::vector<double> lat(draws.attempts.size(), 0);
        std::atomic<std::uint64_t> a_ok{0}, a_rejected{0}, a_errors{0}, a_promotions{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        threads.reserve(workers);
        for (std::uint64_t c = 0; c < workers; ++c) {
            threads.emplace_back([&, c] {
                while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
                for (const std::size_t i : plan[c]) {
                    const auto [u, p] = draws.attempts[i];
                    services::purchase_request r{core::user_id{first_user_id + u},
                                                 core::product_id{static_cast<std::int64_t>(p + 1)}, std::nullopt};
                    if (!no_keys) r.idempotency_key = "bench:" + std::to_string(i);
                    const auto t0 = steady::now();
                    try {
                        const auto receipt = wallet.purchase(r);
                        const auto t1 = steady::now();
                        lat[i] = std::chrono::duration<double, std::milli>(t1 - t0).count();
                        if (receipt) {
                            a_ok.fetch_add(1, std::memory_order_relaxed);
                            for (const auto& role : receipt->role_changes.grant) {
                                for (const auto& t : config.tiers) {
                                    if (t.role == role && t.mode == core::tier_mode::automatic_spend) {
                                        a_promotions.fetch_add(1, std::memory_order_relaxed);
                                    }
                                }
                            }
                        } else {
                            a_rejected.fetch_add(1, std::memory_order_relaxed);
                        }
                    } catch (const std::exception& e) {
                        lat[i] = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
                        if (a_errors.fetch_add(1) == 0) std::cerr << "apexcore-bench purchases: " << e.what() << "\n";
                    }
                }
            });
        }
        const auto start = steady::now();
        go.store(true, std::memory_order_release);
        for (auto& t : threads) t.join();
        seconds = std::chrono::duration<double>(steady::now() - start).count();
        ok = a_ok;
        rejected = a_rejected;
        errors = a_errors;
        promotions = a_promotions;
        latencies = std::move(lat);
        if (!store.reconcile().ok()) std::cerr << "apexcore-bench purchases: reconcile() found mismatches\n";
    }
    const double rss = peak_rss_mb();

    // §7 invariants and the digest, read back from the database.
    std::vector<user_state> state(w.users, user_state{});
    bool invariants = true;
    {
        checker db(postgres ? store_url : db_path);
        auto index = [&](std::int64_t id) -> std::optional<std::size_t> {
            const auto u = static_cast<std::uint64_t>(id) - first_user_id;
            if (static_cast<std::uint64_t>(id) < first_user_id || u >= w.users) return std::nullopt;
            return static_cast<std::size_t>(u);
        };
        db.each("SELECT w.user_id, w.balance_minor, COALESCE(SUM(l.amount_minor), 0), "
                "(SELECT balance_after_minor FROM wallet_ledger x WHERE x.user_id = w.user_id ORDER BY x.id DESC LIMIT 1), "
                "MIN(l.balance_after_minor) FROM wallets w LEFT JOIN wallet_ledger l ON l.user_id = w.user_id "
                "GROUP BY w.user_id, w.balance_minor",
                [&](const checker::row& r) {
                    const auto u = index(r[0]);
                    if (!u) return;
                    const std::int64_t balance = r[1];
                    state[*u].balance = balance;
                    if (balance != r[2] || balance != r[3] || balance < 0 || r[4] < 0) invariants = false;
                });
        db.each("SELECT user_id, lifetime_spend_minor FROM customers", [&](const checker::row& r) {
            if (const auto u = index(r[0])) state[*u].lifetime = r[1];
        });
        db.each("SELECT customer_id, COUNT(*), SUM(price_paid_minor) FROM orders WHERE status IN ('paid', 'delivered') "
                "GROUP BY customer_id",
                [&](const checker::row& r) {
                    const auto u = index(r[0]);
                    if (!u) return;
                    state[*u].orders = r[1];
                    if (state[*u].lifetime != r[2]) invariants = false;
                });
        const std::string client_sql = "SELECT user_id FROM customer_roles WHERE role_id = " + std::to_string(client_role);
        db.each(client_sql, [&](const checker::row& r) {
            if (const auto u = index(r[0])) state[*u].client = true;
        });
        const auto purchase_rows = db.scalar("SELECT COUNT(*) FROM wallet_ledger WHERE type = 'purchase'");
        const auto order_rows = db.scalar("SELECT COUNT(*) FROM orders");
        const auto mismatched = db.scalar(
            "SELECT COUNT(*) FROM wallet_ledger l LEFT JOIN orders o ON o.id = l.order_id WHERE l.type = 'purchase' AND "
            "(o.id IS NULL OR o.customer_id <> l.user_id OR l.amount_minor <> -o.price_paid_minor)");
        std::int64_t fk_problems = 0;  // PostgreSQL checks every foreign key on every write
        if (!db.postgres()) db.each("PRAGMA foreign_key_check", [&](const checker::row&) { ++fk_problems; });
        if (purchase_rows != order_rows || order_rows != static_cast<std::int64_t>(ok) || mismatched != 0 || fk_problems != 0) {
            invariants = false;
        }
    }
    if (temporary) {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path + suffix);
    }

    const outcome reference = simulate(w, draws);
    const std::string digest = state_digest(state);
    const std::string reference_digest = state_digest(reference.users);
    const bool matches = digest == reference_digest && ok == reference.ok && rejected == reference.rejected &&
                         promotions == reference.vip_promotions && errors == 0;
    std::sort(latencies.begin(), latencies.end());
    const double attempts = static_cast<double>(ok + rejected + errors);
    const nlohmann::json line{{"workload", "purchases"},
                              {"implementation", "apexcore"},
                              {"users", w.users},
                              {"products", w.products},
                              {"purchases", w.purchases},
                              {"workers", workers},
                              {"seed", w.seed},
                              {"deposit_cents", w.deposit_cents},
                              {"store", postgres ? "postgresql" : "sqlite"},
                              {"sync", postgres ? "synchronous_commit" : sync},
                              {"group_commit", !no_group_commit},
                              {"idempotency_keys", !no_keys},
                              {"notifications", notifications},
                              {"seconds", seconds},
                              {"purchases_per_s", seconds > 0 ? attempts / seconds : 0.0},
                              {"completed_per_s", seconds > 0 ? static_cast<double>(ok) / seconds : 0.0},
                              {"purchases_ok", ok},
                              {"purchases_rejected", rejected},
                              {"errors", errors},
                              {"vip_promotions", promotions},
                              {"p50_ms", percentile_ms(latencies, 0.50)},
                              {"p99_ms", percentile_ms(latencies, 0.99)},
                              {"max_ms", latencies.empty() ? 0.0 : latencies.back()},
                              {"peak_rss_mb", rss},
                              {"invariants_ok", invariants},
                              {"state_digest", digest},
                              {"reference_digest", reference_digest},
                              {"state_matches_reference", matches}};
    std::cout << line.dump() << std::endl;
    return invariants && matches ? 0 : 1;
}

}  // namespace apexcore::bench
