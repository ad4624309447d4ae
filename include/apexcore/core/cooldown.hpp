#pragma once
/// @file cooldown.hpp
/// Financial cooldowns (issue "The storefront" §7): at most `max_count` purchases (or refund
/// requests) per member in any sliding `period`. A shop sets them to blunt card-testing, refund
/// abuse and runaway scripts; the member is told when they may try again.

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace apexcore::core {

/// At most `max_count` actions in any `period` (a sliding window ending now).
struct cooldown_rule {
    int max_count = 1;                 ///< 1..1000
    std::chrono::minutes period{60};   ///< 1 minute .. 30 days
};

/// Whether `r` is within the limits above.
[[nodiscard]] constexpr bool is_valid(const cooldown_rule& r) {
    return r.max_count >= 1 && r.max_count <= 1000 && r.period >= std::chrono::minutes(1) &&
           r.period <= std::chrono::minutes(60 * 24 * 30);
}

/// The shop's cooldowns; none by default.
struct cooldown_policy {
    std::optional<cooldown_rule> purchases;        ///< wallet purchases per member
    std::optional<cooldown_rule> refund_requests;  ///< refund requests per member
    std::optional<cooldown_rule> deposits;         ///< deposit requests (deposit tickets, /deposit) per member
};

/// When the member may act again, given the times of their actions inside the window
/// (`recent`, oldest first, each after now - period): nullopt when they may act now (fewer than
/// max_count), else the moment the oldest action that keeps them at the limit leaves the window.
[[nodiscard]] inline std::optional<std::chrono::system_clock::time_point> cooldown_until(
    const cooldown_rule& r, const std::vector<std::chrono::system_clock::time_point>& recent) {
    if (r.max_count < 1 || recent.size() < static_cast<std::size_t>(r.max_count)) return std::nullopt;
    return recent[recent.size() - static_cast<std::size_t>(r.max_count)] + r.period;
}

}  // namespace apexcore::core
