#pragma once
/// @file clock.hpp
/// The clock port: time is passed in so that services and bot flows are testable with a manual
/// clock (TigerBeetle src/testing/time.zig).

#include <chrono>

namespace apexcore::ports {

/// A source of wall-clock time.
class clock {
public:
    virtual ~clock() = default;
    /// The current UTC time.
    virtual std::chrono::system_clock::time_point now() const = 0;
};

/// The real clock (std::chrono::system_clock).
class system_clock final : public clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace apexcore::ports
