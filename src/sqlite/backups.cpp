#include <apexcore/sqlite/backups.hpp>

#include "connection.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>

namespace apexcore::sqlite {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

constexpr std::string_view name_prefix = "apexcore-";

/// flock(2) on `<directory>/.apexcore-backups.lock` while it lives: processes that share a
/// backups directory take turns, so one never removes or renames another's copy in progress.
class directory_lock {
public:
    explicit directory_lock(const std::string& directory) {
        const std::string path = (fs::path(directory) / ".apexcore-backups.lock").string();
        fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        if (fd_ < 0) throw ports::store_error("backups: cannot open the lock file '" + path + "'");
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                throw ports::store_error("backups: cannot lock '" + path + "'");
            }
        }
    }
    ~directory_lock() { ::close(fd_); }  // releases the lock
    directory_lock(const directory_lock&) = delete;
    directory_lock& operator=(const directory_lock&) = delete;

private:
    int fd_ = -1;
};
constexpr std::string_view name_suffix = ".db";

/// "20261130-143000" (UTC).
std::string stamp(system_clock::time_point at) {
    const auto day = std::chrono::floor<std::chrono::days>(at);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss time{std::chrono::floor<std::chrono::seconds>(at - day)};
    char out[32];
    std::snprintf(out, sizeof out, "%04d%02u%02u-%02ld%02ld%02ld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    return out;
}

/// The decimal number in `text` (digits only); nullopt otherwise.
std::optional<int> number(std::string_view text) {
    int n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return n;
}

/// A read-only handle on a file, closed on scope exit.
struct read_only_db {
    sqlite3* db = nullptr;
    explicit read_only_db(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            const std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
            sqlite3_close(db);
            db = nullptr;
            throw ports::store_error("'" + path + "': " + why);
        }
    }
    ~read_only_db() { sqlite3_close(db); }
    read_only_db(const read_only_db&) = delete;
    read_only_db& operator=(const read_only_db&) = delete;

    /// The first column of the first row of `sql` as text ("" when no row); throws on error.
    std::string first(const char* sql) const {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) detail::throw_sqlite_error(db, sql);
        std::string out;
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(s, 0);
            if (text != nullptr) out = reinterpret_cast<const char*>(text);
        }
        sqlite3_finalize(s);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) detail::throw_sqlite_error(db, sql);
        return out;
    }
};

std::int64_t count_of(const read_only_db& db, const char* sql) {
    const std::string text = db.first(sql);
    std::int64_t n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    return n;
}

}  // namespace

std::string backup_file_name(system_clock::time_point at) {
    return std::string(name_prefix) + stamp(at) + std::string(name_suffix);
}

std::optional<system_clock::time_point> parse_backup_file_name(const std::string& name) {
    // apexcore-YYYYMMDD-HHMMSS.db
    constexpr std::size_t length = 9 + 8 + 1 + 6 + 3;
    if (name.size() != length || !name.starts_with(name_prefix) || !name.ends_with(name_suffix) || name[17] != '-') {
        return std::nullopt;
    }
    const std::string_view n(name);
    const auto y = number(n.substr(9, 4)), mo = number(n.substr(13, 2)), d = number(n.substr(15, 2));
    const auto h = number(n.substr(18, 2)), mi = number(n.substr(20, 2)), s = number(n.substr(22, 2));
    if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                          std::chrono::day(static_cast<unsigned>(*d))};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) + std::chrono::seconds(*s);
}

ports::backup_report verify_backup(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw ports::store_error("backup '" + path + "': no such file");
    ports::backup_report report;
    report.file = path;
    report.bytes = fs::file_size(path, ec);
    try {
        const read_only_db db(path);
        report.integrity = db.first("PRAGMA integrity_check");
        if (report.integrity != "ok") {
            if (report.integrity.size() > 300) report.integrity.resize(300);
            return report;
        }
        report.ledger_entries = count_of(db, "SELECT COUNT(*) FROM wallet_ledger");
        report.orders = count_of(db, "SELECT COUNT(*) FROM orders");
    } catch (const ports::store_error& e) {
        report.integrity = std::string("not a readable shop database: ") + e.what();
        return report;
    }
    try {
        // Reopened as a store: the schema is one this build runs, and the ledger reconciles.
        sqlite_options options;
        options.path = path;
        options.group_commit = false;
        options.connections_max = 1;
        sqlite_store copy(std::move(options));
        const auto reconciled = copy.reconcile();
        report.wallets_checked = reconciled.users_checked;
        report.mismatches = reconciled.mismatches.size();
    } catch (const ports::store_error& e) {
        report.integrity = std::string("cannot be opened as a store: ") + e.what();
    }
    // The store left it in WAL mode; a backup stays one self-contained file.
    if (sqlite3* db = nullptr; sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_exec(db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    } else {
        sqlite3_close(db);
    }
    report.bytes = fs::file_size(path, ec);
    return report;
}

restore_report restore_backup(const std::string& backup, const std::string& database, system_clock::time_point at) {
    restore_report out;
    out.backup = verify_backup(backup);
    if (!out.backup.verified()) {
        throw ports::store_error("backup '" + backup + "' is not restored: " +
                                 (out.backup.integrity != "ok" ? out.backup.integrity
                                                               : std::to_string(out.backup.mismatches) +
                                                                     " wallet(s) disagree with their ledger"));
    }
    std::error_code ec;
    if (fs::exists(database, ec)) {
        out.previous = database + ".before-restore-" + stamp(at);
        if (fs::exists(out.previous, ec)) throw ports::store_error("'" + out.previous + "' exists already; try again in a second");
        const read_only_db current(database);
        detail::copy_database(current.db, out.previous, true);
    }
    const read_only_db source(backup);
    detail::copy_database(source.db, database, false);
    return out;
}

sqlite_backups::sqlite_backups(sqlite_store& store, std::string directory) : store_(store), directory_(std::move(directory)) {
    if (directory_.empty()) throw ports::store_error("backups: the directory is empty");
}

ports::backup_report sqlite_backups::create(system_clock::time_point at) {
    const std::lock_guard lock(mutex_);
    const auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec) throw ports::store_error("backups: cannot create '" + directory_ + "': " + ec.message());
    const directory_lock across_processes(directory_);
    const std::string final_path = (fs::path(directory_) / backup_file_name(at)).string();
    if (fs::exists(final_path, ec)) throw ports::store_error("backup '" + final_path + "' exists already; try again in a second");
    const std::string partial = final_path + ".partial";
    fs::remove(partial, ec);
    store_.backup_to(partial);
    ports::backup_report report = verify_backup(partial);
    const std::string kept = report.verified() ? final_path : final_path + ".failed";
    fs::rename(partial, kept, ec);
    if (ec) throw ports::store_error("backup: cannot rename '" + partial + "': " + ec.message());
    report.file = kept;
    report.taken_at = std::chrono::floor<std::chrono::seconds>(at);
    report.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return report;
}

std::vector<ports::backup_listing> sqlite_backups::list() {
    std::vector<ports::backup_listing> out;
    std::error_code ec;
    for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const auto taken = parse_backup_file_name(it->path().filename().string());
        if (!taken) continue;
        out.push_back({it->path().string(), it->file_size(ec), *taken});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.taken_at > b.taken_at; });
    return out;
}

std::size_t sqlite_backups::prune(std::size_t keep) {
    keep = std::max<std::size_t>(keep, 1);
    auto on_hand = list();
    const std::lock_guard lock(mutex_);
    std::size_t deleted = 0;
    std::error_code ec;
    if (on_hand.size() > keep) {
        for (std::size_t i = keep; i < on_hand.size(); ++i) deleted += fs::remove(on_hand[i].file, ec) ? 1 : 0;
        on_hand.resize(keep);
    }
    // Failed copies and copies cut short by a crash, older than the oldest backup kept.
    const auto oldest_kept = on_hand.empty() ? system_clock::time_point::max() : on_hand.back().taken_at;
    std::vector<fs::path> stale;
    for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        for (const std::string_view suffix : {".failed", ".partial"}) {
            if (!name.ends_with(suffix)) continue;
            const auto taken = parse_backup_file_name(name.substr(0, name.size() - suffix.size()));
            if (taken && *taken < oldest_kept) stale.push_back(it->path());
        }
    }
    for (const auto& path : stale) deleted += fs::remove(path, ec) ? 1 : 0;
    return deleted;
}

}  // namespace apexcore::sqlite
