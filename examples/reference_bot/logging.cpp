#include "logging.hpp"

#include <apexcore/core/text.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace apexbot {

namespace {

std::string timestamp(long long unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[40];
    const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(unix_ms % 1000));
    return std::string(text, n) + millis;
}

}  // namespace

std::optional<apexcore::ports::log_level> parse_log_level(std::string_view text) {
    using apexcore::ports::log_level;
    for (const auto level : {log_level::debug, log_level::info, log_level::warning, log_level::error}) {
        if (text == apexcore::ports::to_string(level)) return level;
    }
    return std::nullopt;
}

std::string format_log_line(const apexcore::ports::log_record& r, log_format format, long long unix_ms) {
    const auto& c = r.context;
    if (format == log_format::json) {
        nlohmann::ordered_json line{{"ts", timestamp(unix_ms)},
                                    {"level", apexcore::ports::to_string(r.level)},
                                    {"component", r.component},
                                    {"message", r.message}};
        if (!c.interaction.empty()) line["interaction"] = c.interaction;
        if (!c.order.empty()) line["order"] = c.order;
        if (c.ticket != 0) line["ticket"] = c.ticket;
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string line = timestamp(unix_ms) + " " + std::string(apexcore::ports::to_string(r.level)) + " " +
                       std::string(r.component) + ": " + std::string(r.message);
    if (!c.interaction.empty()) line += " interaction=" + std::string(c.interaction);
    if (!c.order.empty()) line += " order=" + std::string(c.order);
    if (c.ticket != 0) line += " ticket=#" + std::to_string(c.ticket);
    for (char& ch : line) {
        if (ch == '\n' || ch == '\r') ch = ' ';  // one record, one line
    }
    return apexcore::core::to_valid_utf8(line);
}

void logger::redact(std::string secret) {
    if (secret.size() < 8) return;
    const std::lock_guard lock(mutex_);
    secrets_.push_back(std::move(secret));
}

void logger::write(const apexcore::ports::log_record& r) {
    if (r.level < level_.load()) return;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::string line = format_log_line(r, format_.load(), now);
    const std::lock_guard lock(mutex_);  // the io_context and the handler pool log from several threads
    for (const auto& secret : secrets_) {
        for (auto at = line.find(secret); at != std::string::npos; at = line.find(secret, at)) {
            line.replace(at, secret.size(), "[redacted]");
        }
    }
    out_ << line << '\n' << std::flush;
}

}  // namespace apexbot
