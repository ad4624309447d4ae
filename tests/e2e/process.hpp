#pragma once
// Starts a real binary as a child process for end-to-end tests: posix_spawn with stdout and
// stderr sent to a log file, environment additions, a bounded wait, and kill on destruction.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace apexcore::test_support {

class child_process {
public:
    child_process(const std::string& program, const std::vector<std::string>& args, const std::string& log_path,
                  const std::vector<std::string>& extra_env = {})
        : log_path_(log_path) {
        std::vector<std::string> argv_storage{program};
        argv_storage.insert(argv_storage.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_storage) argv.push_back(a.data());
        argv.push_back(nullptr);
        // extra_env replaces a variable of the same name (a program reads the first one it finds;
        // e.g. NODE_EXTRA_CA_CERTS is often set machine-wide).
        const auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=') + 1); };
        std::vector<std::string> env_storage;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            const bool replaced = std::any_of(extra_env.begin(), extra_env.end(),
                                              [&](const std::string& x) { return name_of(x) == name_of(entry); });
            if (!replaced) env_storage.push_back(entry);
        }
        env_storage.insert(env_storage.end(), extra_env.begin(), extra_env.end());
        std::vector<char*> envp;
        for (auto& e : env_storage) envp.push_back(e.data());
        envp.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start " + program);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() {
        if (pid_ > 0 && !exit_code_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    /// Sends `signal` and returns at once (e.g. SIGHUP to a daemon that keeps running).
    void send(int signal) const {
        if (!exit_code_) ::kill(pid_, signal);
    }

    /// Sends `signal` and waits up to `timeout` for the exit code (nullopt: still running).
    std::optional<int> stop(int signal, std::chrono::milliseconds timeout) {
        if (exit_code_) return exit_code_;
        ::kill(pid_, signal);
        return wait(timeout);
    }

    /// Waits up to `timeout` for the process to exit; its exit code (128+signal if killed).
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!exit_code_) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() > deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return exit_code_;
    }

    /// Everything the process printed so far.
    [[nodiscard]] std::string output() const {
        std::ifstream in(log_path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    pid_t pid_ = -1;
    std::string log_path_;
    std::optional<int> exit_code_;
};

/// Runs a program to completion (bounded) and returns {exit code, output}.
inline std::pair<int, std::string> run_to_completion(const std::string& program, const std::vector<std::string>& args,
                                                     const std::string& log_path,
                                                     const std::vector<std::string>& extra_env = {}) {
    child_process p(program, args, log_path, extra_env);
    const auto code = p.wait(std::chrono::seconds(20));
    return {code.value_or(-1), p.output()};
}

}  // namespace apexcore::test_support
