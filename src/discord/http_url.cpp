#include <apexcore/discord/http_url.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace apexcore::discord {

std::optional<endpoint_url> parse_endpoint_url(std::string_view text, std::string& error, bool allow_http) {
    const auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) {
        error = "not an absolute URL: '" + std::string(text) + "'";
        return std::nullopt;
    }
    const boost::urls::url_view& u = *parsed;
    endpoint_url out;
    out.scheme = std::string(u.scheme());
    if (out.scheme != "https" && out.scheme != "wss" && !(allow_http && out.scheme == "http")) {
        error = "URL must use https:// or wss:// (TLS is required): '" + std::string(text) + "'";
        return std::nullopt;
    }
    out.host = std::string(u.encoded_host_address());
    if (!out.host.empty() && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
    if (out.host.empty()) {
        error = "URL has no host: '" + std::string(text) + "'";
        return std::nullopt;
    }
    out.port = u.has_port() ? std::string(u.port()) : out.scheme == "http" ? "80" : "443";
    out.path = std::string(u.encoded_path());
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    out.query = std::string(u.encoded_query());
    return out;
}

}  // namespace apexcore::discord
