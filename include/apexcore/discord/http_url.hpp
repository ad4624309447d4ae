#pragma once
/// @file http_url.hpp
/// Splits the configurable base URLs (API and gateway) into what a connection needs.

#include <optional>
#include <string>
#include <string_view>

namespace apexcore::discord {

/// A parsed http(s)/ws(s) URL.
struct endpoint_url {
    std::string scheme;  ///< "https" or "wss"; "http" only where parse_endpoint_url allows it
    std::string host;    ///< name or IP literal, used for SNI and certificate verification
    std::string port;    ///< explicit or the scheme default ("443", "80" for http)
    std::string path;    ///< without a trailing '/', may be empty ("/api/v10")
    std::string query;   ///< without '?', may be empty
};

/// Parses `text` with Boost.URL. Returns nullopt (and sets `error`) for anything but an absolute
/// https:// or wss:// URL with a host — or, with `allow_http`, an http:// one (the REST API
/// through apexcore-rest-proxy on a private network: docs/scaling.md).
[[nodiscard]] std::optional<endpoint_url> parse_endpoint_url(std::string_view text, std::string& error, bool allow_http = false);

}  // namespace apexcore::discord
