#include <apexcore/sqlite/migrations.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <apexcore/services/wallet_service.hpp>

#include "temp_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace {

using namespace apexcore;

bool has_trigger(const std::string& path, const std::string& name) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?", -1, &stmt, nullptr);
    sqlite3_bind_text(stmt, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(stmt);
    const bool found = sqlite3_column_int(stmt, 0) == 1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return found;
}

TEST(MigrationsTest, VersionsAreContiguousFromOne) {
    const auto all = sqlite::all_migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(sqlite::latest_schema_version(), static_cast<int>(all.size()));
}

TEST(MigrationsTest, FreshDatabaseIsMigratedToLatest) {
    test_support::temp_db db;
    EXPECT_EQ(sqlite::schema_version(db.path()), 0);
    { sqlite::sqlite_store store({.path = db.path()}); }
    EXPECT_EQ(sqlite::schema_version(db.path()), sqlite::latest_schema_version());
    EXPECT_TRUE(has_trigger(db.path(), "wallet_ledger_no_update"));
}

TEST(MigrationsTest, ReopeningKeepsDataAndVersion) {
    test_support::temp_db db;
    {
        sqlite::sqlite_store store({.path = db.path()});
        services::wallet_service wallet(store, services::shop_config{});
        ASSERT_TRUE(wallet.staff_credit({{core::user_id{1}, true}, core::user_id{2}, core::money::usd_cents(300), ""}).ok());
    }
    sqlite::sqlite_store store({.path = db.path()});
    services::wallet_service wallet(store, services::shop_config{});
    EXPECT_EQ(wallet.balance(core::user_id{2}), core::money::usd_cents(300));
    EXPECT_EQ(sqlite::schema_version(db.path()), sqlite::latest_schema_version());
}

TEST(MigrationsTest, OlderDatabaseIsUpgradedWithItsData) {
    test_support::temp_db db;
    ASSERT_EQ(sqlite::migrate(db.path(), 1), 1);
    EXPECT_FALSE(has_trigger(db.path(), "wallet_ledger_no_update"));
    sqlite3* raw = nullptr;
    sqlite3_open(db.path().c_str(), &raw);
    ASSERT_EQ(sqlite3_exec(raw,
                           "INSERT INTO wallets VALUES (7, 'USD', 250);"
                           "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, "
                           "description, created_at_ms) VALUES (7, 'USD', 'deposit', 250, 250, 'v1 row', 0);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);

    sqlite::sqlite_store store({.path = db.path()});
    EXPECT_EQ(sqlite::schema_version(db.path()), sqlite::latest_schema_version());
    EXPECT_TRUE(has_trigger(db.path(), "wallet_ledger_no_update"));
    services::wallet_service wallet(store, services::shop_config{});
    EXPECT_EQ(wallet.balance(core::user_id{7}), core::money::usd_cents(250));
    EXPECT_TRUE(store.reconcile().ok());
}

TEST(MigrationsTest, NewerDatabaseIsRefused) {
    test_support::temp_db db;
    { sqlite::sqlite_store store({.path = db.path()}); }
    sqlite3* raw = nullptr;
    sqlite3_open(db.path().c_str(), &raw);
    sqlite3_exec(raw, "INSERT INTO schema_migrations VALUES (99, 'from the future', 0)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    try {
        sqlite::sqlite_store store({.path = db.path()});
        FAIL() << "expected store_error";
    } catch (const ports::store_error& e) {
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    }
}

TEST(MigrationsTest, AFailingMigrationLeavesThePreviousVersion) {
    test_support::temp_db db;
    ASSERT_EQ(sqlite::migrate(db.path(), 1), 1);
    // Make the second statement of migration 2 fail: a trigger with its name already exists.
    sqlite3* raw = nullptr;
    sqlite3_open(db.path().c_str(), &raw);
    sqlite3_exec(raw, "CREATE TRIGGER wallet_ledger_no_delete BEFORE UPDATE ON wallets BEGIN SELECT 1; END;", nullptr,
                 nullptr, nullptr);
    sqlite3_close(raw);
    EXPECT_THROW(sqlite::migrate(db.path()), ports::store_error);
    EXPECT_EQ(sqlite::schema_version(db.path()), 1);
    // The first statement of the failed migration was rolled back with it.
    EXPECT_FALSE(has_trigger(db.path(), "wallet_ledger_no_update"));
}

/// The answer to `sql` on the database at `path`: its first column, one row per line; or the
/// error message when it fails.
std::string query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    std::string out;
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), [](void* into, int, char** values, char**) {
        *static_cast<std::string*>(into) += std::string(values[0] != nullptr ? values[0] : "NULL") + "\n";
        return 0;
    }, &out, &error);
    if (rc != SQLITE_OK) out = "error: " + std::string(error != nullptr ? error : "?");
    sqlite3_free(error);
    sqlite3_close(db);
    return out;
}

// v11: a CHECK's IN list made SQLite build a temporary index for every row it checked; the same
// rules as = / OR chains keep refusing what they refused, on a database upgraded with its rows.
TEST(MigrationsTest, CheckConstraintsWithoutInListsStillRefuseAndNeedNoTemporaryIndex) {
    test_support::temp_db db;
    ASSERT_EQ(sqlite::migrate(db.path(), 10), 10);
    const std::string seed =
        "INSERT INTO wallets VALUES (7, 'USD', 500);"
        "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, created_at_ms)"
        " VALUES (7, 'USD', 'deposit', 500, 500, 'first', 1)";
    ASSERT_EQ(query(db.path(), seed), "");
    ASSERT_EQ(sqlite::migrate(db.path()), sqlite::latest_schema_version());

    EXPECT_EQ(query(db.path(), "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '% IN (%'"), "0\n");
    EXPECT_NE(query(db.path(), "SELECT sql FROM sqlite_schema WHERE name = 'wallet_ledger'")
                  .find("(type = 'deposit' OR type = 'purchase' OR type = 'refund' OR type = 'staff_credit' OR type = 'bonus' OR type = 'withdrawal')"),
              std::string::npos);
    EXPECT_EQ(query(db.path(), "PRAGMA integrity_check"), "ok\n");
    EXPECT_EQ(query(db.path(), "SELECT type || ' ' || amount_minor FROM wallet_ledger"), "deposit 500\n") << "rows kept";

    const std::string insert =
        "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, created_at_ms)"
        " VALUES (7, 'USD', '%s', 1, 501, 'x', 2)";
    const auto with_type = [&](const std::string& type) {
        std::string sql = insert;
        sql.replace(sql.find("%s"), 2, type);
        return sql;
    };
    EXPECT_NE(query(db.path(), with_type("gift")).find("CHECK constraint failed"), std::string::npos);
    EXPECT_EQ(query(db.path(), with_type("bonus")), "");
    EXPECT_NE(query(db.path(), "INSERT INTO orders (reference, customer_id, product_id, status, currency, list_price_minor,"
                               " price_paid_minor, discount_bp, created_at_ms, updated_at_ms) VALUES ('r', 7, 1, 'lost', 'USD', 1, 1, 0, 1, 1)")
                  .find("CHECK constraint failed"),
              std::string::npos);
    EXPECT_EQ(query(db.path(), "EXPLAIN " + with_type("bonus")).find("OpenEphemeral"), std::string::npos)
        << "no temporary index per row";
    EXPECT_EQ(query(db.path(), "EXPLAIN INSERT INTO orders (reference, customer_id, product_id, status, currency, list_price_minor,"
                               " price_paid_minor, discount_bp, created_at_ms, updated_at_ms) VALUES ('r', 7, 1, 'paid', 'USD', 1, 1, 0, 1, 1)")
                  .find("OpenEphemeral"),
              std::string::npos);
}

}  // namespace
