#pragma once
/// @file log.hpp
/// Structured log events, from every layer, to whatever the program logs to.
///
/// The library never writes to stdout or stderr itself: each component that has something to say
/// is given a `log_fn` and calls it with one `log_record` per event. The program decides the
/// format and the destination — apexbot writes text or JSON lines with a level threshold
/// (docs/deployment.md §Logs). A record names its component and, where there is one, the
/// interaction, order or ticket it is about, so a line can be found from what a member reports.
/// Records never contain the bot token or other secrets, nor library-internal source paths.

#include <cstdint>
#include <functional>
#include <string_view>

namespace apexcore::ports {

/// How much a record matters. `warning`: something failed and was handled (a retry, a skipped
/// message); `error`: something failed that a person should look at (a component restarted, a
/// Discord action the shop needed was refused).
enum class log_level : std::uint8_t { debug, info, warning, error };

/// "debug", "info", "warning" or "error".
[[nodiscard]] constexpr std::string_view to_string(log_level level) noexcept {
    switch (level) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::warning: return "warning";
        case log_level::error: return "error";
    }
    return "info";
}

/// What a record is about, beyond its component; every field is optional.
struct log_context {
    std::string_view interaction;  ///< the interaction's snowflake (decimal), "" when none
    std::string_view order;        ///< the order reference (e.g. "AC-7Q2K9X"), "" when none
    std::int64_t ticket = 0;       ///< the ticket's id (ids start at 1), 0 when none
};

/// One event. The views are valid only during the call to the log function: a sink that keeps
/// a record must copy it.
struct log_record {
    log_level level = log_level::info;
    std::string_view component;  ///< who speaks: "gateway", "rest", "router", "tickets", "scheduler", …
    std::string_view message;    ///< one line in words, without a trailing newline
    log_context context;         ///< what it is about
};

/// Receives records. Called from any thread the component runs on, possibly from several at
/// once: it must be thread-safe. An exception it throws is swallowed by `emit`.
using log_fn = std::function<void(const log_record&)>;

/// Calls `sink` with one record when it is set; never throws.
inline void emit(const log_fn& sink, log_level level, std::string_view component, std::string_view message,
                 log_context context = {}) noexcept {
    if (!sink) return;
    try {
        sink(log_record{level, component, message, context});
    } catch (...) {  // a log sink that fails must not take the component down with it
    }
}

}  // namespace apexcore::ports
