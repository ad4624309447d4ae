#pragma once
// A local S3-compatible server for tests: s3rver (npm, installed in tests/s3 by
// scripts/install-deps.sh) on a free loopback port, with one bucket, killed with the object.
#include "../e2e/process.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace apexcore::test_support {

class s3rver {
public:
    /// Starts s3rver with `bucket` in a fresh directory; throws std::runtime_error when it is not
    /// installed or does not say where it listens within 20 s.
    s3rver(const std::filesystem::path& s3_dir, const std::string& bucket) {
        const auto bin = s3_dir / "node_modules" / ".bin" / "s3rver";
        if (!std::filesystem::exists(bin)) {
            throw std::runtime_error("s3rver is not installed: run scripts/install-deps.sh (npm ci in tests/s3)");
        }
        dir_ = std::filesystem::temp_directory_path() / ("apexcore-s3rver-" + std::to_string(::getpid()) + "-" + bucket);
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "data");
        process_ = std::make_unique<child_process>(
            "/usr/bin/env",
            std::vector<std::string>{"node", bin.string(), "-d", (dir_ / "data").string(), "-a", "127.0.0.1", "-p", "0",
                                     "--configure-bucket", bucket},
            (dir_ / "s3rver.log").string());
        // It prints "S3rver listening on 127.0.0.1:PORT".
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline && port_.empty()) {
            const std::string out = process_->output();
            const auto at = out.find("listening on 127.0.0.1:");
            if (at != std::string::npos) {
                const auto end = out.find_first_not_of("0123456789", at + 23);
                port_ = out.substr(at + 23, end == std::string::npos ? std::string::npos : end - at - 23);
            }
            if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (port_.empty()) throw std::runtime_error("s3rver did not start: " + process_->output());
    }
    ~s3rver() {
        process_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    s3rver(const s3rver&) = delete;
    s3rver& operator=(const s3rver&) = delete;

    [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + port_; }
    [[nodiscard]] const std::string& port() const { return port_; }
    [[nodiscard]] std::string output() const { return process_->output(); }
    /// s3rver's fixed credentials.
    static constexpr const char* access_key = "S3RVER";
    static constexpr const char* secret_key = "S3RVER";

private:
    std::filesystem::path dir_;
    std::unique_ptr<child_process> process_;
    std::string port_;
};

}  // namespace apexcore::test_support
