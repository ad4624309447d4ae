#include "connection.hpp"

namespace apexcore::sqlite::detail {

void throw_sqlite_error(sqlite3* db, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    if (db != nullptr) message += " (SQLite code " + std::to_string(sqlite3_extended_errcode(db)) + ")";
    throw ports::store_error(message);
}

statement& statement::reset() {
    // sqlite3_reset repeats the error of the previous step, which step() already reported;
    // sqlite3_clear_bindings always returns SQLITE_OK.
    (void)sqlite3_reset(stmt_);
    (void)sqlite3_clear_bindings(stmt_);
    return *this;
}

namespace {

std::string_view type_name(int type) {
    switch (type) {
        case SQLITE_INTEGER: return "an integer";
        case SQLITE_FLOAT: return "a real";
        case SQLITE_TEXT: return "text";
        case SQLITE_BLOB: return "a blob";
        case SQLITE_NULL: return "NULL";
        default: return "an unknown type";
    }
}

}  // namespace

std::int64_t statement::int64(int column) const {
    const int type = sqlite3_column_type(stmt_, column);
    if (type != SQLITE_INTEGER) {
        const char* name = sqlite3_column_name(stmt_, column);
        const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
        throw ports::store_error("column '" + std::string(name != nullptr ? name : "?") + "' of `" + sql.substr(0, 60) +
                                 "`: expected an integer, found " + std::string(type_name(type)));
    }
    return sqlite3_column_int64(stmt_, column);
}

statement& statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_sqlite_error(db_, "bind");
    return *this;
}

statement& statement::bind(int index, std::string_view value) {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
        throw_sqlite_error(db_, "bind");
    }
    return *this;
}

statement& statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_sqlite_error(db_, "bind");
    return *this;
}

statement& statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

statement& statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
    sqlite3_reset(stmt_);
    throw_sqlite_error(db_, "step `" + sql.substr(0, 60) + "`");
}

void statement::run() {
    while (step()) {
    }
}

std::string statement::text(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
        const char* name = sqlite3_column_name(stmt_, column);
        throw ports::store_error("column '" + std::string(name != nullptr ? name : "?") + "': expected text, found NULL");
    }
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (p == nullptr) throw_sqlite_error(db_, "column text");  // out of memory converting to text
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

connection::connection(const std::string& path, std::chrono::milliseconds busy_timeout, bool synchronous_full) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = "cannot open database '" + path + "': " +
                              (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
        sqlite3_close(db_);
        db_ = nullptr;
        throw ports::store_error(message);
    }
    try {
        if (sqlite3_extended_result_codes(db_, 1) != SQLITE_OK) throw_sqlite_error(db_, "extended result codes");
        if (sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count())) != SQLITE_OK) {
            throw_sqlite_error(db_, "busy timeout");
        }
        exec("PRAGMA foreign_keys = ON");
        if (path != ":memory:") enable_wal(path);
        exec(synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        exec("PRAGMA temp_store = MEMORY");
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

void connection::enable_wal(const std::string& path) {
    // PRAGMA journal_mode answers the mode in force, which is not WAL when SQLite cannot use it.
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr) != SQLITE_OK) {
        throw_sqlite_error(db_, "PRAGMA journal_mode");
    }
    std::string mode;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) throw_sqlite_error(db_, "PRAGMA journal_mode = WAL");
    if (mode != "wal") {
        throw ports::store_error("cannot enable the WAL journal on '" + path + "': SQLite kept journal mode '" + mode +
                                 "' (the filesystem may not support shared memory, e.g. a network filesystem); "
                                 "apexcore needs WAL — put the database on a local filesystem");
    }
}

connection::~connection() {
    cache_.clear();  // finalize statements before closing
    sqlite3_close(db_);
}

void connection::exec(std::string_view sql) {
    char* error = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
        message += " (SQLite code " + std::to_string(sqlite3_extended_errcode(db_)) + ")";
        sqlite3_free(error);
        throw ports::store_error("exec `" + text.substr(0, 60) + "`: " + message);
    }
}

void connection::reset_statements() {
    for (statement* stmt : used_) {
        stmt->reset();
        stmt->in_use = false;
    }
    used_.clear();
}

statement& connection::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                               nullptr) != SQLITE_OK) {
            throw_sqlite_error(db_, "prepare `" + std::string(sql.substr(0, 60)) + "`");
        }
        it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, stmt)).first;
    }
    statement& s = *it->second;
    if (!s.in_use) {
        s.in_use = true;
        used_.push_back(&s);
    }
    return s.reset();
}

void copy_database(sqlite3* source, const std::string& path, bool self_contained) {
    sqlite3* copy = nullptr;
    if (sqlite3_open_v2(path.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        const std::string why = copy != nullptr ? sqlite3_errmsg(copy) : "out of memory";
        sqlite3_close(copy);
        throw ports::store_error("copy to '" + path + "': " + why);
    }
    std::string error;
    sqlite3_busy_timeout(copy, 5000);
    if (sqlite3_backup* b = sqlite3_backup_init(copy, "main", source, "main")) {
        // One step copies every page under one read transaction of the source: one snapshot.
        const int rc = sqlite3_backup_step(b, -1);
        if (rc != SQLITE_DONE) error = sqlite3_errstr(rc);
        sqlite3_backup_finish(b);
    } else {
        error = sqlite3_errmsg(copy);
    }
    if (error.empty() && self_contained &&
        sqlite3_exec(copy, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        error = sqlite3_errmsg(copy);
    }
    sqlite3_close(copy);  // the last write is synced: synchronous FULL is SQLite's default
    if (!error.empty()) throw ports::store_error("copy to '" + path + "': " + error);
}

}  // namespace apexcore::sqlite::detail
