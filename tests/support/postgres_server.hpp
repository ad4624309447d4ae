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
    postgres_server() {
        bindir_ = output_of("pg_config --bindir");
        if (bindir_.empty() || !std::filesystem::exists(bindir_ + "/initdb")) {
            throw std::runtime_error("postgres_server: no initdb (install Debian's postgresql and libpq-dev: scripts/install-deps.sh)");
        }
        const passwd* pg = nullptr;
        if (::geteuid() == 0) {
            pg = ::getpwnam("postgres");
            if (pg == nullptr) throw std::runtime_error("postgres_server: running as root needs the postgres user (Debian's postgresql)");
            as_ = "runuser -u postgres -- ";
        }
        reap_orphans();
        char pattern[] = "/tmp/apexcore-pg-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("postgres_server: mkdtemp failed");
        dir_ = pattern;
        std::ofstream(dir_ + "/owner") << ::getpid() << "\n";
        if (pg != nullptr && ::chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) throw std::runtime_error("postgres_server: chown failed");
        run(as_ + bindir_ + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --locale=C --no-sync > " + dir_ +
            "/initdb.log 2>&1");
        run(as_ + bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-c listen_addresses='' -k " +
            dir_ + " -c fsync=off -c max_connections=200\" start > " + dir_ + "/pg_ctl.log 2>&1");
    }
    ~postgres_server() {
        std::system((as_ + bindir_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop > /dev/null 2>&1").c_str());
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;

    /// The URL of database `name` on this server.
    [[nodiscard]] std::string url(const std::string& name = "postgres") const {
        return "postgresql:///" + name + "?host=" + dir_ + "&user=postgres";
    }
    /// A new, empty database; returns its URL.
    std::string fresh_database() {
        static std::atomic<int> counter{0};
        const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        postgresql::database admin({.url = url(), .connections = 1});
        admin.with([&](postgresql::session& s) { s.exec_script("CREATE DATABASE " + name); });
        return url(name);
    }

    /// The one server of this test binary, started on first use.
    static postgres_server& shared() {
        static postgres_server server;
        return server;
    }

private:
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
};

}  // namespace apexcore::test_support
