#pragma once
// multipart/form-data request bodies as Discord takes them (REFERENCE.md §2.4): a `payload_json`
// part with the JSON fields and `files[n]` parts with the uploads.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace apexcore::sandbox {

/// One uploaded file.
struct uploaded_file {
    int index = 0;             ///< n of files[n]
    std::string filename;
    std::string content_type;  ///< as the client declared it; empty if none
    std::string bytes;
};

/// A decoded multipart body.
struct multipart_body {
    nlohmann::json payload = nlohmann::json::object();  ///< payload_json, or {} when absent
    std::vector<uploaded_file> files;
};

/// Decodes `body` sent with `content_type` ("multipart/form-data; boundary=..."). Errors are a
/// short reason (malformed framing, a part without a name, payload_json not a JSON object, a
/// files[n] without a filename or with a repeated n).
[[nodiscard]] std::variant<multipart_body, std::string> parse_multipart(std::string_view content_type, std::string_view body);

}  // namespace apexcore::sandbox
