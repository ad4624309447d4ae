#pragma once
// The store the service tests run on — the conformance suite (issue "Beyond one process" §2):
// the same test sources are built once per store, and each build picks its store here.
//   - default: SQLite, a fresh database file per test;
//   - APEXCORE_TEST_STORE_POSTGRESQL: PostgreSQL, a fresh database per test on the server of
//     support/postgres_server.hpp (the one ctest starts for the whole run, or the test's own);
//   - APEXCORE_TEST_STORE_MEMORY: the in-memory store (no SQL: the tests that send SQL past the
//     store skip, has_sql).
// The raw SQL a few tests send past the store (to check that the database itself refuses a
// change) is the same text on both: the two schemas have the same tables and columns.
#include <apexcore/ports/clock.hpp>
#include <apexcore/ports/store.hpp>

#include <cstdint>
#include <memory>
#include <string>

#if defined(APEXCORE_TEST_STORE_POSTGRESQL)
#include "postgres_server.hpp"

#include <apexcore/postgresql/postgresql_store.hpp>
#elif defined(APEXCORE_TEST_STORE_MEMORY)
#include <apexcore/memory/memory_store.hpp>
#else
#include "../sqlite/temp_db.hpp"

#include <apexcore/sqlite/sqlite_store.hpp>

#include <sqlite3.h>
#endif

namespace apexcore::test_support {

#if defined(APEXCORE_TEST_STORE_POSTGRESQL)

class store_under_test {
public:
    static constexpr const char* name = "postgresql";
    static constexpr bool has_sql = true;

    store_under_test() = default;
    ~store_under_test() {
        admin_.reset();
        try {
            postgres_server::shared().drop_database(database_);
        } catch (const std::exception&) {
            // the server is going away with the test process anyway
        }
    }
    store_under_test(const store_under_test&) = delete;
    store_under_test& operator=(const store_under_test&) = delete;

    /// Opens the test's database (again: a second call sees what the first wrote).
    [[nodiscard]] std::unique_ptr<ports::store> open(const ports::clock* clock) const {
        return std::make_unique<postgresql::postgresql_store>(postgresql::store_options{.url = url_, .connections = 8, .clock = clock});
    }
    /// Rows in `table`.
    [[nodiscard]] std::int64_t count(const std::string& table) const {
        std::int64_t n = -1;
        admin().with([&](postgresql::session& s) { n = s.exec("SELECT COUNT(*) FROM " + table).int64(0, 0); });
        return n;
    }
    /// Runs `sql` past the store; "" when it succeeded, else the database's message.
    [[nodiscard]] std::string exec(const std::string& sql) const {
        try {
            admin().with([&](postgresql::session& s) { s.exec_script(sql); });
            return "";
        } catch (const postgresql::database_error& e) {
            return e.what();
        }
    }

private:
    [[nodiscard]] postgresql::database& admin() const {
        if (!admin_) admin_ = std::make_unique<postgresql::database>(postgresql::database_options{.url = url_, .connections = 1});
        return *admin_;
    }
    std::string database_ = postgres_server::shared().fresh_database_name();
    std::string url_ = postgres_server::shared().url(database_);
    mutable std::unique_ptr<postgresql::database> admin_;
};

#elif defined(APEXCORE_TEST_STORE_MEMORY)

class store_under_test {
public:
    static constexpr const char* name = "memory";
    static constexpr bool has_sql = false;

    /// The test's store (again: a second call sees what the first wrote, as after a restart).
    [[nodiscard]] std::unique_ptr<ports::store> open(const ports::clock* clock) {
        if (!shop_) shop_ = std::make_shared<memory::memory_store>(memory::memory_options{.clock = clock});
        return std::make_unique<view>(shop_);
    }
    /// Rows in `table`.
    [[nodiscard]] std::int64_t count(const std::string& table) const { return shop_ ? shop_->rows(table) : -1; }
    /// There is no SQL to run: tests check has_sql first.
    [[nodiscard]] std::string exec(const std::string&) const { return "the in-memory store has no SQL"; }

private:
    /// The shared store, as a store of its own (one per open()).
    class view final : public ports::store {
    public:
        explicit view(std::shared_ptr<memory::memory_store> s) : store_(std::move(s)) {}
        void transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) override { store_->transact(work); }
        void read(const std::function<void(ports::unit_of_work&)>& work) override { store_->read(work); }
        ports::reconcile_report reconcile() override { return store_->reconcile(); }

    private:
        std::shared_ptr<memory::memory_store> store_;
    };
    std::shared_ptr<memory::memory_store> shop_;
};

#else

class store_under_test {
public:
    static constexpr const char* name = "sqlite";
    static constexpr bool has_sql = true;

    /// Opens the test's database file (again: a second call sees what the first wrote).
    [[nodiscard]] std::unique_ptr<ports::store> open(const ports::clock* clock) const {
        return std::make_unique<sqlite::sqlite_store>(sqlite::sqlite_options{.path = db_.path(), .clock = clock});
    }
    /// Rows in `table`.
    [[nodiscard]] std::int64_t count(const std::string& table) const {
        std::int64_t n = -1;
        sqlite3* db = nullptr;
        sqlite3_open_v2(db_.path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, ("SELECT COUNT(*) FROM " + table).c_str(), -1, &s, nullptr);
        if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        sqlite3_close(db);
        return n;
    }
    /// Runs `sql` past the store; "" when it succeeded, else SQLite's message.
    [[nodiscard]] std::string exec(const std::string& sql) const {
        sqlite3* db = nullptr;
        if (sqlite3_open(db_.path().c_str(), &db) != SQLITE_OK) {
            sqlite3_close(db);
            return "cannot open " + db_.path();
        }
        char* error = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
        std::string out = rc == SQLITE_OK ? "" : (error != nullptr ? error : "failed");
        sqlite3_free(error);
        sqlite3_close(db);
        return out;
    }

    /// The database file.
    [[nodiscard]] const std::string& path() const { return db_.path(); }

private:
    temp_db db_;
};

#endif

}  // namespace apexcore::test_support
