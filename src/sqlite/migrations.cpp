#include <apexcore/sqlite/migrations.hpp>

#include "connection.hpp"
#include "migrations_detail.hpp"

#include <array>
#include <chrono>

namespace apexcore::sqlite {
namespace {

// v1: the core tables. Snowflakes are stored as INTEGER (their int64 bit pattern); money as
// integer minor units with the ISO 4217 code next to it; times as Unix milliseconds.
constexpr std::string_view v1_sql = R"sql(
CREATE TABLE products (
  id              INTEGER PRIMARY KEY,
  main_category   TEXT    NOT NULL CHECK (length(main_category) BETWEEN 1 AND 64),
  sub_category    TEXT    NOT NULL CHECK (length(sub_category) BETWEEN 1 AND 64),
  service_name    TEXT    NOT NULL CHECK (length(service_name) BETWEEN 1 AND 48),
  variant_name    TEXT    NOT NULL CHECK (length(variant_name) BETWEEN 1 AND 48),
  price_minor     INTEGER NOT NULL CHECK (price_minor >= 0),
  currency        TEXT    NOT NULL CHECK (length(currency) = 3),
  is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at_ms   INTEGER NOT NULL
);
CREATE TABLE wallets (
  user_id         INTEGER NOT NULL,
  currency        TEXT    NOT NULL CHECK (length(currency) = 3),
  balance_minor   INTEGER NOT NULL CHECK (balance_minor >= 0),
  PRIMARY KEY (user_id, currency)
) WITHOUT ROWID;
CREATE TABLE orders (
  id               INTEGER PRIMARY KEY,
  customer_id      INTEGER NOT NULL,
  product_id       INTEGER NOT NULL REFERENCES products (id),
  status           TEXT    NOT NULL CHECK (status IN ('pending_payment', 'awaiting_review', 'paid',
                                                      'delivered', 'cancelled', 'refunded')),
  currency         TEXT    NOT NULL CHECK (length(currency) = 3),
  list_price_minor INTEGER NOT NULL CHECK (list_price_minor >= 0),
  price_paid_minor INTEGER NOT NULL CHECK (price_paid_minor >= 0),
  discount_bp      INTEGER NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
  created_at_ms    INTEGER NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, id);
CREATE TABLE wallet_ledger (
  id                  INTEGER PRIMARY KEY,
  user_id             INTEGER NOT NULL,
  currency            TEXT    NOT NULL,
  type                TEXT    NOT NULL CHECK (type IN ('deposit', 'purchase', 'refund', 'staff_credit',
                                                       'bonus', 'withdrawal')),
  amount_minor        INTEGER NOT NULL CHECK (amount_minor <> 0),
  balance_after_minor INTEGER NOT NULL CHECK (balance_after_minor >= 0),
  description         TEXT    NOT NULL CHECK (length(description) <= 200),
  order_id            INTEGER REFERENCES orders (id),
  staff_id            INTEGER,
  created_at_ms       INTEGER NOT NULL,
  FOREIGN KEY (user_id, currency) REFERENCES wallets (user_id, currency)
);
CREATE INDEX wallet_ledger_by_user ON wallet_ledger (user_id, currency, id);
)sql";

// v2: the ledger becomes insert-only at the database level too.
constexpr std::string_view v2_sql = R"sql(
CREATE TRIGGER wallet_ledger_no_update BEFORE UPDATE ON wallet_ledger
BEGIN SELECT RAISE(ABORT, 'wallet_ledger rows are insert-only'); END;
CREATE TRIGGER wallet_ledger_no_delete BEFORE DELETE ON wallet_ledger
BEGIN SELECT RAISE(ABORT, 'wallet_ledger rows are insert-only'); END;
)sql";

// v3: idempotency keys of money movements, written in the movement's own transaction.
constexpr std::string_view v3_sql = R"sql(
CREATE TABLE idempotency_keys (
  key             TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
  operation       TEXT    NOT NULL,
  fingerprint     TEXT    NOT NULL,
  ledger_entry_id INTEGER REFERENCES wallet_ledger (id),
  order_id        INTEGER REFERENCES orders (id),
  created_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr std::array<migration, 3> migrations{{
    {1, "core tables: products, wallets, orders, wallet_ledger", v1_sql},
    {2, "wallet_ledger is insert-only (triggers)", v2_sql},
    {3, "idempotency keys of money movements", v3_sql},
}};

static_assert(migrations.front().version == 1);
static_assert(migrations.back().version == static_cast<int>(migrations.size()));

}  // namespace

std::span<const migration> all_migrations() { return migrations; }

int latest_schema_version() { return migrations.back().version; }

namespace detail {

int current_version(connection& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at_ms INTEGER NOT NULL)");
    auto& stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    stmt.step();
    const auto version = static_cast<int>(stmt.int64(0));
    stmt.reset();
    return version;
}

int migrate(connection& db, int target_version) {
    if (target_version < 0) target_version = latest_schema_version();
    if (target_version > latest_schema_version()) {
        throw ports::store_error("migrate: target version " + std::to_string(target_version) +
                                 " is newer than this build knows (" + std::to_string(latest_schema_version()) + ")");
    }
    int version = current_version(db);
    if (version > latest_schema_version()) {
        throw ports::store_error("database schema version " + std::to_string(version) +
                                 " is newer than this build of apexcore supports (" +
                                 std::to_string(latest_schema_version()) + "); upgrade apexcore");
    }
    for (const migration& m : migrations) {
        if (m.version <= version || m.version > target_version) continue;
        db.exec("BEGIN IMMEDIATE");
        try {
            // Another process may have migrated while we waited for the write lock.
            if (current_version(db) >= m.version) {
                db.exec("COMMIT");
                continue;
            }
            db.exec(m.sql);
            const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
            db.prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
                .bind(1, std::int64_t{m.version})
                .bind(2, m.name)
                .bind(3, std::int64_t{now_ms})
                .run();
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            throw;
        }
        version = m.version;
    }
    return current_version(db);
}

}  // namespace detail

int migrate(const std::string& path, int target_version) {
    detail::connection db(path, std::chrono::milliseconds(5000));
    return detail::migrate(db, target_version);
}

int schema_version(const std::string& path) {
    detail::connection db(path, std::chrono::milliseconds(5000));
    return detail::current_version(db);
}

}  // namespace apexcore::sqlite
