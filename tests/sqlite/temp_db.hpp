#pragma once
// A unique database path under the system temp directory, removed (with -wal/-shm) afterwards.
#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace apexcore::test_support {

class temp_db {
public:
    temp_db() {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("apexcore-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
                    .string();
        remove();
    }
    ~temp_db() { remove(); }
    temp_db(const temp_db&) = delete;
    temp_db& operator=(const temp_db&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    void remove() const {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
    }
    std::string path_;
};

}  // namespace apexcore::test_support
