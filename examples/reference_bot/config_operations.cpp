// The "log" and "monitoring" sections of apexbot's config (docs/configuration.md).
#include "config_detail.hpp"

namespace apexbot::detail {

std::pair<std::string, std::uint16_t> listen_key(const std::string& value, const std::string& path, const std::string& key,
                                                 const std::string& example) {
    const std::string expected = "expected \"address:port\", e.g. \"" + example + "\"";
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) bad(path, key, expected);
    const std::string_view port_text = std::string_view(value).substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) bad(path, key, expected);
    return {value.substr(0, colon), static_cast<std::uint16_t>(port)};
}

void load_operations(const json& doc, const std::string& path, config& c) {
    if (const auto l = doc.find("log"); l != doc.end()) {
        if (!l->is_object()) bad(path, "log", "expected an object, e.g. {\"level\": \"info\", \"format\": \"text\"}");
        for (const auto& [key, _] : l->items()) {
            if (key != "level" && key != "format") bad(path, "log." + key, "unknown key (known: level, format)");
        }
        if (const std::string level = string_key(*l, path, "level", false, "log."); !level.empty()) {
            if (level != "debug" && level != "info" && level != "warning" && level != "error") {
                bad(path, "log.level", "expected \"debug\", \"info\", \"warning\" or \"error\"");
            }
            c.log_level = level;
        }
        if (const std::string format = string_key(*l, path, "format", false, "log."); !format.empty()) {
            if (format != "text" && format != "json") bad(path, "log.format", "expected \"text\" or \"json\"");
            c.log_format = format;
        }
    }
    if (const auto m = doc.find("monitoring"); m != doc.end()) {
        if (!m->is_object()) bad(path, "monitoring", "expected an object, e.g. {\"listen\": \"127.0.0.1:9464\"}");
        for (const auto& [key, _] : m->items()) {
            if (key != "listen") bad(path, "monitoring." + key, "unknown key (known: listen)");
        }
        const std::string listen = string_key(*m, path, "listen", true, "monitoring.");
        c.monitoring_listen = listen_key(listen, path, "monitoring.listen", "127.0.0.1:9464");
    }
}

}  // namespace apexbot::detail
