#include <apexcore/storage/sigv4.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace apexcore::storage {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += hex[data[i] >> 4U];
        out += hex[data[i] & 0xFU];
    }
    return out;
}

std::string hmac(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
             data.size(), out.data(), &size) == nullptr) {
        throw std::runtime_error("sigv4: HMAC-SHA256 failed (OpenSSL)");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

std::string trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return std::string(v);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    return to_hex(digest.data(), digest.size());
}

std::string amz_date(long long unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[20];
    std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
    return out;
}

std::string uri_encode_path(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4U];
            out += hex[u & 0xFU];
        }
    }
    return out;
}

std::string sigv4_authorization(const sigv4_request& r, const sigv4_credentials& c, std::string_view date) {
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : r.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        headers[lower] = trim(value);
    }
    headers["x-amz-content-sha256"] = r.payload_sha256;
    std::string canonical_headers;
    std::string signed_headers;
    for (const auto& [name, value] : headers) {
        canonical_headers += name + ":" + value + "\n";
        signed_headers += (signed_headers.empty() ? "" : ";") + name;
    }
    const std::string canonical_request =
        r.method + "\n" + r.path + "\n" + r.query + "\n" + canonical_headers + "\n" + signed_headers + "\n" + r.payload_sha256;
    const std::string day(date.substr(0, 8));
    const std::string scope = day + "/" + c.region + "/" + c.service + "/aws4_request";
    const std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(date) + "\n" + scope + "\n" + sha256_hex(canonical_request);
    const std::string key = hmac(hmac(hmac(hmac("AWS4" + c.secret_key, day), c.region), c.service), "aws4_request");
    const std::string signature = hmac(key, to_sign);
    return "AWS4-HMAC-SHA256 Credential=" + c.access_key + "/" + scope + ",SignedHeaders=" + signed_headers +
           ",Signature=" + to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace apexcore::storage
