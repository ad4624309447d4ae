// apexcore-admin: shop administration that runs with the bots stopped (docs/scaling.md).
//
//   apexcore-admin migrate --from <sqlite file> --to postgresql://…
//     Copies a shop from its SQLite file into an empty PostgreSQL database, row by row with the
//     same ids, in one PostgreSQL transaction (a failure leaves the target as it was), then
//     verifies: every table holds as many rows on both sides, and reconcile() finds every wallet
//     equal to its ledger on both. Refuses a target that holds any shop data. The SQLite file is
//     read on one snapshot; it is first brought to this build's schema, as apexbot would on start.
//
// Exit codes: 0 copied and verified, 1 refused or failed (nothing copied), 2 usage.
#include <apexcore/core/catalog.hpp>
#include <apexcore/postgresql/postgresql_store.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

namespace pg = apexcore::postgresql;

/// The shop's tables, parents before children (foreign keys); the same names on both stores.
const std::vector<std::string> tables{
    "products",       "product_tags",     "wallets",         "orders",          "wallet_ledger",       "idempotency_keys",
    "customers",      "customer_roles",   "scheduled_jobs",  "shop_setup",      "refunds",             "outbox",
    "staff_proposals", "promo_codes",     "promo_redemptions", "license_keys",  "payment_sessions",    "payment_session_events",
    "tickets",        "ticket_participants", "ticket_answers", "ticket_events", "member_erasures"};

constexpr const char* usage =
    "usage: apexcore-admin migrate --from <sqlite file> --to postgresql://…\n"
    "  Copies a shop from SQLite into an empty PostgreSQL database and verifies the copy\n"
    "  (row counts per table, every wallet equal to its ledger on both sides). Stop the bots first.\n";

/// A read-only SQLite handle on one snapshot of the source.
class source {
public:
    explicit source(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
        }
        run("BEGIN");
        (void)count("products");  // the read transaction starts here: one snapshot for the whole copy
    }
    ~source() { sqlite3_close(db_); }
    source(const source&) = delete;
    source& operator=(const source&) = delete;

    std::vector<std::string> columns(const std::string& table) {
        std::vector<std::string> out;
        each("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid", [&](sqlite3_stmt* s) {
            out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        });
        return out;
    }
    std::int64_t count(const std::string& table) {
        std::int64_t n = 0;
        each("SELECT COUNT(*) FROM " + table, [&](sqlite3_stmt* s) { n = sqlite3_column_int64(s, 0); });
        return n;
    }
    template <class Row>
    void each(const std::string& sql, Row row) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
        int rc = SQLITE_OK;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) row(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) throw std::runtime_error(std::string("reading the source: ") + sqlite3_errmsg(db_));
    }

private:
    void run(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3* db_ = nullptr;
};

/// The JSON form of a products.deliverables value: legacy comma-separated lists are converted.
std::string deliverables_json(const std::string& text) {
    if (text.empty()) return "[]";
    if (text.front() == '[') return text;
    const auto legacy = apexcore::core::parse_legacy_deliverables(text);
    if (!legacy) throw std::runtime_error("products.deliverables: unreadable value '" + text + "'");
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *legacy) out.push_back({{"type", apexcore::core::to_string(d.kind)}, {"value", d.value}});
    return out.dump();
}

int migrate(const std::string& from, const std::string& to) {
    if (!std::filesystem::is_regular_file(from)) {
        std::cerr << "apexcore-admin: " << from << " is not a SQLite database file\n";
        return 1;
    }
    if (!to.starts_with("postgresql://") && !to.starts_with("postgres://")) {
        std::cerr << "apexcore-admin: --to expects a postgresql:// URL\n";
        return 2;
    }
    apexcore::sqlite::sqlite_store sqlite_shop({.path = from});  // brings the file to this build's schema
    pg::postgresql_store pg_shop({.url = to, .connections = 2});
    std::int64_t in_target = 0;
    pg_shop.db().with([&](pg::session& s) {
        for (const auto& t : tables) in_target += s.exec("SELECT COUNT(*) FROM " + t).int64(0, 0);
    });
    if (in_target != 0) {
        std::cerr << "apexcore-admin: refused: the target holds " << in_target
                  << " rows of shop data already; migrate into an empty database\n";
        return 1;
    }

    source src(from);
    std::map<std::string, std::int64_t> copied;
    pg_shop.db().with([&](pg::session& s) {
        s.transaction([&](pg::session& tx) {
            for (const auto& table : tables) {
                // The target's columns and types; every column must exist on both sides.
                const auto info = tx.exec(
                    "SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = current_schema()"
                    " AND table_name = $1 ORDER BY ordinal_position",
                    {table});
                const auto source_columns = src.columns(table);
                const std::set<std::string> in_source(source_columns.begin(), source_columns.end());
                std::string names;
                std::string values;
                std::vector<std::string> columns;
                for (int i = 0; i < info.rows(); ++i) {
                    const std::string name(info.text(i, 0));
                    if (!in_source.contains(name)) throw std::runtime_error(table + "." + name + " is not in the SQLite database");
                    const std::string n = "$" + std::to_string(i + 1);
                    const std::string type(info.text(i, 1));
                    std::string value = n;
                    if (type == "jsonb") value = n + "::jsonb";
                    if (type == "ARRAY") {  // a JSON array on SQLite
                        const std::string element = std::string(info.text(i, 2)).substr(1);  // _int8 -> int8
                        value = "ARRAY(SELECT jsonb_array_elements_text(" + n + "::jsonb))::" + element + "[]";
                    }
                    names += (i == 0 ? "" : ", ") + name;
                    values += (i == 0 ? "" : ", ") + value;
                    columns.push_back(name);
                }
                if (columns.size() != source_columns.size()) {
                    throw std::runtime_error(table + ": the SQLite table has columns the PostgreSQL schema lacks");
                }
                const bool has_id = std::find(columns.begin(), columns.end(), "id") != columns.end();
                const std::string insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")";
                const std::string select = "SELECT " + names + " FROM " + table + (has_id ? " ORDER BY id" : "");
                std::int64_t rows = 0;
                src.each(select, [&](sqlite3_stmt* row) {
                    std::vector<pg::param> params;
                    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
                        if (sqlite3_column_type(row, c) == SQLITE_NULL) {
                            params.emplace_back(std::nullopt);
                            continue;
                        }
                        std::string text(reinterpret_cast<const char*>(sqlite3_column_text(row, c)),
                                         static_cast<std::size_t>(sqlite3_column_bytes(row, c)));
                        if (table == "products" && columns[c] == "deliverables") text = deliverables_json(text);
                        params.emplace_back(std::move(text));
                    }
                    tx.exec(insert, params);
                    ++rows;
                });
                // Identity columns go on after the highest id copied.
                if (has_id) {
                    tx.exec("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM " + table);
                }
                copied[table] = rows;
                std::cout << "  " << table << ": " << rows << " rows\n";
            }
        });
    });

    // Verification: counts on both sides, and every wallet equal to its ledger on both.
    bool ok = true;
    pg_shop.db().with([&](pg::session& s) {
        for (const auto& t : tables) {
            const auto there = s.exec("SELECT COUNT(*) FROM " + t).int64(0, 0);
            const auto here = src.count(t);
            if (there != here || copied[t] != here) {
                std::cerr << "apexcore-admin: " << t << ": " << here << " rows in SQLite, " << there << " in PostgreSQL\n";
                ok = false;
            }
        }
    });
    const auto before = sqlite_shop.reconcile();
    const auto after = pg_shop.reconcile();
    std::cout << "verified: row counts equal in " << tables.size() << " tables; reconcile: SQLite " << before.users_checked
              << " wallets " << (before.ok() ? "ok" : "MISMATCHED") << ", PostgreSQL " << after.users_checked << " wallets "
              << (after.ok() ? "ok" : "MISMATCHED") << "\n";
    if (!ok || !before.ok() || !after.ok() || before.users_checked != after.users_checked) {
        std::cerr << "apexcore-admin: the copy does not verify; drop the target database before trying again\n";
        return 1;
    }
    std::cout << "the shop is in " << to << "; point every apexbot's \"database\" at it\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    std::string from;
    std::string to;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if ((args[i] == "--from" || args[i] == "--to") && i + 1 < args.size()) {
            (args[i] == "--from" ? from : to) = args[i + 1];
            ++i;
        } else {
            std::cerr << "apexcore-admin: unknown argument '" << args[i] << "'\n" << usage;
            return 2;
        }
    }
    if (args[0] != "migrate" || from.empty() || to.empty()) {
        std::cerr << usage;
        return 2;
    }
    try {
        return migrate(from, to);
    } catch (const std::exception& e) {
        std::cerr << "apexcore-admin: failed, nothing was copied: " << e.what() << "\n";
        return 1;
    }
}
