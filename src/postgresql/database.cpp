// The PostgreSQL adapter's pool, sessions and migrations over libpq (database.hpp).
#include <apexcore/postgresql/database.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <stdexcept>
#include <unordered_map>

namespace apexcore::postgresql {
namespace {

using pg_result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

/// Throws the failure of `what` on `conn` (with the server's SQLSTATE when `r` carries one).
[[noreturn]] void fail(PGconn* conn, const PGresult* r, std::string_view what) {
    std::string state;
    std::string message;
    if (r != nullptr) {
        if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
        message = PQresultErrorMessage(r);
    }
    if (message.empty() && conn != nullptr) message = PQerrorMessage(conn);
    throw database_error(std::string(what) + ": " + trimmed(std::move(message)), std::move(state));
}

PGconn* as_conn(void* c) { return static_cast<PGconn*>(c); }

/// A connection's prepared statements: statement text -> server-side name.
using prepared_statements = std::unordered_map<std::string, std::string>;
constexpr std::size_t prepared_max = 512;  // statements past this run unprepared

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

// --- result -----------------------------------------------------------------------------------

struct result::impl {
    explicit impl(PGresult* r) : res(r) {}
    ~impl() { PQclear(res); }
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;
    PGresult* res;
};

result::result() = default;
result::~result() = default;
result::result(result&&) noexcept = default;
result& result::operator=(result&&) noexcept = default;

int result::rows() const { return impl_ ? PQntuples(impl_->res) : 0; }
int result::columns() const { return impl_ ? PQnfields(impl_->res) : 0; }

std::int64_t result::affected() const {
    if (!impl_) return 0;
    const char* n = PQcmdTuples(impl_->res);
    std::int64_t out = 0;
    if (n != nullptr && *n != '\0') std::from_chars(n, n + std::char_traits<char>::length(n), out);
    return out;
}

bool result::is_null(int row, int column) const {
    if (row < 0 || row >= rows() || column < 0 || column >= columns()) throw std::out_of_range("postgresql result: no such cell");
    return PQgetisnull(impl_->res, row, column) != 0;
}

std::string_view result::text(int row, int column) const {
    if (is_null(row, column)) return {};
    return {PQgetvalue(impl_->res, row, column), static_cast<std::size_t>(PQgetlength(impl_->res, row, column))};
}

std::int64_t result::int64(int row, int column) const {
    if (is_null(row, column)) throw database_error("postgresql result: NULL where an integer was expected", "");
    const auto t = text(row, column);
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec != std::errc() || end != t.data() + t.size()) {
        throw database_error("postgresql result: '" + std::string(t) + "' is not a 64-bit integer", "");
    }
    return out;
}

// --- session ----------------------------------------------------------------------------------

result session::exec(std::string_view sql, std::span<const param> params) {
    const std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGconn* conn = as_conn(connection_);
    const std::string* name = nullptr;
    if (auto* prepared = static_cast<prepared_statements*>(prepared_)) {
        if (const auto it = prepared->find(text); it != prepared->end()) {
            name = &it->second;
        } else if (prepared->size() < prepared_max) {
            std::string fresh = "apexcore_" + std::to_string(prepared->size() + 1);
            pg_result made(PQprepare(conn, fresh.c_str(), text.c_str(), static_cast<int>(values.size()), nullptr), &PQclear);
            if (made && PQresultStatus(made.get()) == PGRES_COMMAND_OK) {
                name = &prepared->emplace(text, std::move(fresh)).first->second;
            } else if (PQtransactionStatus(conn) == PQTRANS_INERROR || !made) {
                fail(conn, made.get(), "statement failed");  // the transaction is aborted: report why
            }
            // otherwise run it unprepared below, which reports its error with the statement's own SQLSTATE
        }
    }
    pg_result r(name != nullptr ? PQexecPrepared(conn, name->c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0)
                                : PQexecParams(conn, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                               nullptr, 0),
                &PQclear);
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(as_conn(connection_), r.get(), "statement failed");
    result out;
    out.impl_ = std::make_unique<result::impl>(r.release());
    return out;
}

void session::exec_script(std::string_view sql) {
    const std::string text(sql);
    pg_result r(PQexec(as_conn(connection_), text.c_str()), &PQclear);
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(as_conn(connection_), r.get(), "script failed");
}

void session::transaction(const std::function<void(session&)>& work, std::string_view isolation) {
    if (!isolation.empty() && isolation != "READ COMMITTED" && isolation != "REPEATABLE READ" && isolation != "SERIALIZABLE") {
        throw std::invalid_argument("postgresql: isolation must be READ COMMITTED, REPEATABLE READ or SERIALIZABLE");
    }
    exec_script(isolation.empty() ? std::string("BEGIN") : "BEGIN ISOLATION LEVEL " + std::string(isolation));
    try {
        work(*this);
        exec_script("COMMIT");
    } catch (...) {
        pg_result ignored(PQexec(as_conn(connection_), "ROLLBACK"), &PQclear);
        throw;
    }
}

// --- database ---------------------------------------------------------------------------------

struct database::impl {
    database_options options;
    /// A caller waiting for a connection. Waiters are served first come, first served: a
    /// connection given back goes to the longest waiting one (nullptr: it may open a new one).
    struct waiter {
        std::condition_variable ready;
        bool served = false;
        PGconn* conn = nullptr;
    };
    std::mutex mutex;
    std::deque<waiter*> waiting;
    std::vector<PGconn*> idle;
    std::size_t open = 0;  ///< idle + lent + being opened

    /// Hands `conn` (or, with nullptr, the right to open one) to the longest waiting caller;
    /// false when nobody waits. Called with `mutex` held.
    bool hand_over(PGconn* conn) {
        if (waiting.empty()) return false;
        waiter* w = waiting.front();
        waiting.pop_front();
        w->served = true;
        w->conn = conn;
        w->ready.notify_one();
        return true;
    }
    std::unordered_map<PGconn*, prepared_statements> prepared;  ///< per open connection

    PGconn* connect() const {
        const std::string timeout = std::to_string(options.connect_timeout.count());
        const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
        const char* values[] = {options.url.c_str(), timeout.c_str(), "apexcore", nullptr};
        PGconn* c = PQconnectdbParams(keys, values, 1);  // expand_dbname: `url` may be a URI or key=value pairs
        if (c == nullptr) throw database_error("postgresql: out of memory connecting", "");
        if (PQstatus(c) != CONNECTION_OK) {
            std::string message = trimmed(PQerrorMessage(c));
            PQfinish(c);
            throw database_error("postgresql: cannot connect: " + message, "08001");
        }
        // The server's NOTICEs ("relation … already exists, skipping") are not failures and would
        // otherwise go to stderr; warnings and errors arrive as results and are reported there.
        PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
        return c;
    }

    ~impl() {
        for (auto* c : idle) PQfinish(c);
    }
};

database::database(database_options options) : impl_(std::make_unique<impl>()) {
    if (options.url.empty()) throw std::invalid_argument("postgresql: the database URL is empty");
    if (options.connections < 1 || options.connections > 256) throw std::invalid_argument("postgresql: connections must be 1..256");
    if (options.connect_timeout < std::chrono::seconds(1)) throw std::invalid_argument("postgresql: connect_timeout must be >= 1 s");
    impl_->options = std::move(options);
    impl_->idle.push_back(impl_->connect());
    impl_->open = 1;
}

database::~database() = default;

void database::with(const std::function<void(session&)>& work) {
    PGconn* conn = nullptr;
    {
        std::unique_lock lock(impl_->mutex);
        if (impl_->waiting.empty() && !impl_->idle.empty()) {
            conn = impl_->idle.back();
            impl_->idle.pop_back();
        } else if (impl_->waiting.empty() && impl_->open < impl_->options.connections) {
            ++impl_->open;  // opened below, outside the lock
        } else {
            impl::waiter me;
            impl_->waiting.push_back(&me);
            me.ready.wait(lock, [&] { return me.served; });
            conn = me.conn;  // nullptr: a slot was freed, open a connection in it
        }
    }
    if (conn == nullptr) {
        try {
            conn = impl_->connect();
        } catch (...) {
            const std::lock_guard lock(impl_->mutex);
            if (!impl_->hand_over(nullptr)) --impl_->open;  // the slot passes on, or is given up
            throw;
        }
    }
    const auto give_back = [&] {
        bool keep = PQstatus(conn) == CONNECTION_OK;
        if (keep && PQtransactionStatus(conn) != PQTRANS_IDLE) {  // work left a transaction open
            pg_result r(PQexec(conn, "ROLLBACK"), &PQclear);
            keep = PQtransactionStatus(conn) == PQTRANS_IDLE;
        }
        const std::lock_guard lock(impl_->mutex);
        if (keep) {
            if (!impl_->hand_over(conn)) impl_->idle.push_back(conn);
        } else {
            impl_->prepared.erase(conn);  // its statements went with it
            PQfinish(conn);
            if (!impl_->hand_over(nullptr)) --impl_->open;  // the next waiter opens a new one in its slot
        }
    };
    prepared_statements* statements = nullptr;
    {
        const std::lock_guard lock(impl_->mutex);
        statements = &impl_->prepared[conn];  // a node: stays put while the map grows
    }
    try {
        session s(conn, statements);
        work(s);
    } catch (...) {
        give_back();
        throw;
    }
    give_back();
}

namespace {

/// Runs `run` until it succeeds, `retryable` says no, or `attempts` are spent, pausing 1..4 ms
/// after the first failure, doubling up to ~64 ms: colliding transactions spread out.
void with_retries(const std::function<void()>& run, const std::function<bool(const std::string&)>& retryable, int attempts) {
    if (attempts < 1) throw std::invalid_argument("postgresql: attempts must be at least 1");
    thread_local std::mt19937 jitter{std::random_device{}()};
    for (int attempt = 1;; ++attempt) {
        try {
            run();
            return;
        } catch (const database_error& e) {
            if (!retryable(e.sqlstate()) || attempt >= attempts) throw;
        }
        const int ceiling = 1 << std::min(attempt + 1, 6);
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, ceiling)(jitter)));
    }
}

}  // namespace

void database::serializable(const std::function<void(session&)>& work, int attempts) {
    with_retries([&] { with([&](session& s) { s.transaction(work, "SERIALIZABLE"); }); },
                 [](const std::string& state) { return state == "40001" || state == "40P01"; }, attempts);
}

void database::repeatable_read(const std::function<void(session&)>& work, int attempts) {
    with_retries([&] { with([&](session& s) { s.transaction(work, "REPEATABLE READ"); }); },
                 [](const std::string& state) { return state == "40001" || state == "40P01" || state == "23505"; }, attempts);
}

std::vector<int> database::migrate() {
    const auto steps = all_migrations();
    const int latest = steps.empty() ? 0 : steps.back().version;
    std::vector<int> applied;
    for (const auto& m : steps) {
        with([&](session& s) {
            s.transaction([&](session& tx) {
                // Processes starting at once take turns here; each sees what the other applied.
                tx.exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(migration_lock_key)});
                tx.exec_script(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at_ms BIGINT NOT NULL)");
                const auto current = tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int64(0, 0);
                if (current > latest) {
                    throw ports::store_error("postgresql: the database is at schema version " + std::to_string(current) +
                                             ", newer than this build knows (" + std::to_string(latest) +
                                             "); upgrade apexcore instead of running an older one");
                }
                if (current >= m.version) return;
                tx.exec_script(m.sql);
                tx.exec("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
                        {std::to_string(m.version), std::string(m.name), std::to_string(now_ms())});
                applied.push_back(m.version);
            });
        });
    }
    if (steps.empty() || applied.empty()) {  // still refuse a newer database when nothing was to do
        const int version = schema_version();
        if (version > latest) {
            throw ports::store_error("postgresql: the database is at schema version " + std::to_string(version) +
                                     ", newer than this build knows (" + std::to_string(latest) + ")");
        }
    }
    return applied;
}

int database::schema_version() {
    int version = 0;
    with([&](session& s) {
        if (s.exec("SELECT to_regclass('schema_migrations') IS NULL").text(0, 0) == "t") return;
        version = static_cast<int>(s.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int64(0, 0));
    });
    return version;
}

}  // namespace apexcore::postgresql
