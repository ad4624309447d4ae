#pragma once
// A private PostgreSQL server for a test binary (Debian's `postgresql`): initdb into a temporary
// directory, pg_ctl start listening on a Unix socket there only (no TCP port), trust
// authentication, stopped and removed when the object goes. As root (CI), the server runs as the
// `postgres` user, since PostgreSQL refuses to run as root. A test process killed before its
// destructor ran leaves its server behind: the next one started stops and removes it (each
// directory records the pid of the process that owns it).
#include <apexcore/postgresql/database.hpp>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cerrno>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace apexcore::test_support {

class postgres_server {
public:
    /// The server ctest started for the whole run (APEXCORE_TEST_POSTGRES_DIR, see
    /// tests/support/postgres_fixture.cpp) when there is one; otherwise a server of this process.
    postgres_server() {
        find_tools();
        if (const char* shared_dir = std::getenv("APEXCORE_TEST_POSTGRES_DIR");
            shared_dir != nullptr && std::filesystem::exists(std::string(shared_dir) + "/data/postmaster.pid")) {
            dir_ = shared_dir;
            owned_ = false;
            return;
        }
        reap_orphans();
        char pattern[] = "/tmp/apexcore-pg-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("postgres_server: mkdtemp failed");
        dir_ = pattern;
        launch(::getpid());
    }
    /// A server in `dir` (made afresh: what was there is removed) that belongs to process
    /// `owner`: when that process is gone, the next server started stops and removes it.
    postgres_server(std::string dir, pid_t owner) : dir_(std::move(dir)) {
        find_tools();
        reap_orphans();
        stop_and_remove(dir_);
        std::filesystem::create_directories(dir_);
        launch(owner);
        owned_ = false;  // it outlives this object: postgres_fixture stop removes it
    }
    ~postgres_server() {
        if (owned_) stop_and_remove(dir_);
    }
    /// Stops the server in `dir` (if one runs there) and removes the directory.
    void stop_and_remove(const std::string& dir) const {
        if (std::filesystem::exists(dir + "/data/postmaster.pid")) {
            std::system((as_ + bindir_ + "/pg_ctl -D " + dir + "/data -m immediate -w stop > /dev/null 2>&1").c_str());
        }
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;
    /// Stops the server in `dir` (postgres_fixture stop) and removes the directory.
    static void stop_in(const std::string& dir) {
        const postgres_server tools(tools_only{});
        tools.stop_and_remove(dir);
    }

    /// The URL of database `name` on this server.
    [[nodiscard]] std::string url(const std::string& name = "postgres") const {
        return "postgresql:///" + name + "?host=" + dir_ + "&user=postgres";
    }
    /// A new, empty database; returns its URL. Its name is unique on a server that many test
    /// processes share (pid and time).
    std::string fresh_database() { return url(fresh_database_name()); }
    /// A new, empty database; returns its name.
    std::string fresh_database_name() {
        static std::atomic<int> counter{0};
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(now) + "_" + std::to_string(++counter);
        postgresql::database admin({.url = url(), .connections = 1});
        admin.with([&](postgresql::session& s) { s.exec_script("CREATE DATABASE " + name); });
        return name;
    }
    /// Drops database `name`, closing what is still connected to it.
    void drop_database(const std::string& name) {
        postgresql::database admin({.url = url(), .connections = 1});
        admin.with([&](postgresql::session& s) { s.exec_script("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); });
    }

    /// The one server of this test binary, started on first use.
    static postgres_server& shared() {
        static postgres_server server;
        return server;
    }

private:
    struct tools_only {};
    explicit postgres_server(tools_only) : owned_(false) { find_tools(); }
    void find_tools() {
        bindir_ = output_of("pg_config --bindir");
        if (bindir_.empty() || !std::filesystem::exists(bindir_ + "/initdb")) {
            throw std::runtime_error("postgres_server: no initdb (install Debian's postgresql and libpq-dev: scripts/install-deps.sh)");
        }
        if (::geteuid() == 0) {
            pg_ = ::getpwnam("postgres");
            if (pg_ == nullptr) throw std::runtime_error("postgres_server: running as root needs the postgres user (Debian's postgresql)");
            as_ = "runuser -u postgres -- ";
        }
    }
    void launch(pid_t owner) {
        std::ofstream(dir_ + "/owner") << owner << "\n";
        if (pg_ != nullptr && ::chown(dir_.c_str(), pg_->pw_uid, pg_->pw_gid) != 0) throw std::runtime_error("postgres_server: chown failed");
        run(as_ + bindir_ + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --locale=C --no-sync > " + dir_ +
            "/initdb.log 2>&1");
        run(as_ + bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-c listen_addresses='' -k " +
            dir_ + " -c fsync=off -c max_connections=300\" start > " + dir_ + "/pg_ctl.log 2>&1");
    }
    /// Stops and removes the servers of test processes that are gone.
    void reap_orphans() const {
        std::vector<std::filesystem::path> orphans;
        std::error_code ec;
        for (std::filesystem::directory_iterator it("/tmp", ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().filename().string().rfind("apexcore-pg-", 0) != 0) continue;
            pid_t owner = 0;
            std::ifstream(it->path() / "owner") >> owner;
            if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) orphans.push_back(it->path());  // its owner is gone
        }
        for (const auto& dir : orphans) {
            std::system((as_ + bindir_ + "/pg_ctl -D " + dir.string() + "/data -m immediate -w stop > /dev/null 2>&1").c_str());
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    }
    static std::string output_of(const std::string& command) {
        std::string out;
        FILE* p = ::popen(command.c_str(), "r");
        if (p == nullptr) return out;
        std::array<char, 512> buffer{};
        while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), p) != nullptr) out += buffer.data();
        ::pclose(p);
        while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
        return out;
    }
    void run(const std::string& command) const {
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("postgres_server: failed: " + command + " (logs in " + dir_ + ")");
        }
    }

    std::string bindir_;
    std::string dir_;
    std::string as_;
    const passwd* pg_ = nullptr;
    bool owned_ = true;
};

}  // namespace apexcore::test_support
