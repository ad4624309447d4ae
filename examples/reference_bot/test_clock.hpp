#pragma once
// Test-only (docs/configuration.md): APEXBOT_TEST_CLOCK_FILE=<path> makes the shop's clock the
// system clock plus the whole number of seconds written in that file, read on every call (0 when
// the file is missing or holds anything else). End-to-end tests move time forward with it — the
// ticket sweep's 48 hours — without waiting; the scheduler then finds the jobs due at its next tick.
#include <apexcore/ports/clock.hpp>

#include <charconv>
#include <fstream>
#include <string>

namespace apexbot {

class file_offset_clock final : public apexcore::ports::clock {
public:
    explicit file_offset_clock(std::string path) : path_(std::move(path)) {}

    [[nodiscard]] std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now() + std::chrono::seconds(offset_seconds());
    }

private:
    [[nodiscard]] std::int64_t offset_seconds() const {
        std::ifstream in(path_);
        std::string text;
        if (!(in >> text)) return 0;
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        // At most ten years either way: a typo must not overflow the clock.
        if (ec != std::errc{} || end != text.data() + text.size() || v > 315360000 || v < -315360000) return 0;
        return v;
    }
    std::string path_;
};

}  // namespace apexbot
