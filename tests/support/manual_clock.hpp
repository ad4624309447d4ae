#pragma once
// A clock tests and benchmarks move by hand (ports/clock.hpp).
#include <apexcore/ports/clock.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace apexcore::test_support {

/// A clock tests move by hand.
class manual_clock final : public ports::clock {
public:
    manual_clock() = default;
    /// Starts at `start` (whole milliseconds).
    explicit manual_clock(std::chrono::system_clock::time_point start)
        : ms_(std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count()) {}
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms_.load()));
    }
    void advance(std::chrono::milliseconds d) { ms_ += d.count(); }

private:
    std::atomic<std::int64_t> ms_{1795000000000};  // 2026-11-18
};

}  // namespace apexcore::test_support
