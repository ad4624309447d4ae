#include "multipart.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace apexcore::sandbox {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// The value of `key=` in a header's parameters ("form-data; name=\"x\"; filename=\"y\"").
std::optional<std::string> parameter(std::string_view header, std::string_view key) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        const std::size_t semi = header.find(';', pos);
        std::string_view item = trim(header.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
        pos = semi == std::string_view::npos ? header.size() : semi + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || lower(trim(item.substr(0, eq))) != key) continue;
        std::string_view value = trim(item.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return std::string(value);
    }
    return std::nullopt;
}

}  // namespace

std::variant<multipart_body, std::string> parse_multipart(std::string_view content_type, std::string_view body) {
    if (!lower(content_type).starts_with("multipart/form-data")) return std::string("not multipart/form-data");
    const auto boundary = parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) return std::string("missing or invalid boundary");
    const std::string delimiter = "--" + *boundary;
    std::size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) return std::string("no part delimiter");
    multipart_body out;
    std::set<int> seen;
    bool payload_seen = false;
    for (;;) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") break;  // closing delimiter
        if (body.substr(pos, 2) != "\r\n") return std::string("malformed delimiter line");
        pos += 2;
        const std::size_t headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) return std::string("part headers do not end");
        std::string_view headers = body.substr(pos, headers_end - pos);
        const std::size_t content_start = headers_end + 4;
        const std::size_t next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) return std::string("part does not end with the boundary");
        std::string_view content = body.substr(content_start, next - content_start);
        std::optional<std::string> disposition;
        std::string part_type;
        while (!headers.empty()) {
            const std::size_t eol = headers.find("\r\n");
            const std::string_view line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) return std::string("malformed part header");
            const std::string name = lower(trim(line.substr(0, colon)));
            if (name == "content-disposition") disposition = std::string(trim(line.substr(colon + 1)));
            if (name == "content-type") part_type = std::string(trim(line.substr(colon + 1)));
        }
        if (!disposition || !lower(*disposition).starts_with("form-data")) return std::string("a part without Content-Disposition: form-data");
        const auto name = parameter(*disposition, "name");
        if (!name) return std::string("a part without a name");
        if (*name == "payload_json") {
            if (payload_seen) return std::string("payload_json given twice");
            payload_seen = true;
            out.payload = nlohmann::json::parse(content, nullptr, false);
            if (!out.payload.is_object()) return std::string("payload_json is not a JSON object");
        } else if (name->starts_with("files[") && name->ends_with("]")) {
            int index = -1;
            const std::string digits = name->substr(6, name->size() - 7);
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
            if (ec != std::errc{} || end != digits.data() + digits.size() || index < 0) return std::string("bad file field " + *name);
            if (!seen.insert(index).second) return std::string("file field " + *name + " given twice");
            const auto filename = parameter(*disposition, "filename");
            if (!filename || filename->empty()) return std::string("file field " + *name + " has no filename");
            out.files.push_back({index, *filename, part_type, std::string(content)});
        }
        // Other fields are ignored, as Discord ignores unknown form fields.
        pos = next + 2;
    }
    return out;
}

}  // namespace apexcore::sandbox
