#pragma once
// apexbot's log: every record from the library and the bot, as text or JSON lines on stderr
// (docs/deployment.md §Logs). Thread-safe; the level threshold can change while running (SIGHUP).
#include <apexcore/ports/log.hpp>

#include <atomic>
#include <cstdint>
#include <vector>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace apexbot {

/// How lines are written: "text" for people (and journald), "json" for log collectors.
enum class log_format : std::uint8_t { text, json };

/// "debug" | "info" | "warning" | "error"; nullopt for anything else.
std::optional<apexcore::ports::log_level> parse_log_level(std::string_view text);

/// One line for `r` at `unix_ms` (milliseconds since the epoch, UTC), without the newline.
///   text: 2026-11-30T04:40:31.123Z info gateway: READY (session …) interaction=… order=… ticket=#12
///   json: {"ts":"2026-11-30T04:40:31.123Z","level":"info","component":"gateway","message":"…",
///          "interaction":"…","order":"…","ticket":12}   (context keys only when set)
/// Invalid UTF-8 in the record is replaced with U+FFFD, so every line is valid UTF-8.
std::string format_log_line(const apexcore::ports::log_record& r, log_format format, long long unix_ms);

/// The process's log. Secrets registered with `redact` (the bot token, S3 keys) are replaced by
/// "[redacted]" in every line, wherever the text came from.
class logger {
public:
    explicit logger(std::ostream& out) : out_(out) {}

    void set_level(apexcore::ports::log_level level) { level_ = level; }
    void set_format(log_format format) { format_ = format; }
    /// Never write `secret` (ignored when shorter than 8 characters: it would mask ordinary words).
    void redact(std::string secret);

    void write(const apexcore::ports::log_record& r);
    void info(std::string_view component, std::string_view message, apexcore::ports::log_context context = {}) {
        write({apexcore::ports::log_level::info, component, message, context});
    }
    void warning(std::string_view component, std::string_view message) {
        write({apexcore::ports::log_level::warning, component, message, {}});
    }
    void error(std::string_view component, std::string_view message) {
        write({apexcore::ports::log_level::error, component, message, {}});
    }
    /// A log function for the library's components; the logger must outlive it.
    apexcore::ports::log_fn sink() {
        return [this](const apexcore::ports::log_record& r) { write(r); };
    }

private:
    std::ostream& out_;
    std::mutex mutex_;
    std::atomic<apexcore::ports::log_level> level_{apexcore::ports::log_level::info};
    std::atomic<log_format> format_{log_format::text};
    std::vector<std::string> secrets_;  ///< guarded by mutex_
};

}  // namespace apexbot
