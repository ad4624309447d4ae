#pragma once
/// @file sigv4.hpp
/// AWS Signature Version 4 for S3 requests (header-based, the payload's SHA-256 signed),
/// computed with OpenSSL: the canonical request, the string to sign, the derived signing key
/// and the Authorization header (AWS: "Signing AWS API requests", SigV4 header-based auth).
/// Pure functions; the S3 store (s3_transcript_store.hpp) uses them.

#include <map>
#include <string>
#include <string_view>

namespace apexcore::storage {

/// What is signed. Header names are lower-cased and their values trimmed by the signer; `host`
/// and `x-amz-date` must be among them, `x-amz-content-sha256` is added from `payload_sha256`.
struct sigv4_request {
    std::string method;                          ///< "GET", "PUT"
    std::string path;                            ///< URI-encoded path, e.g. "/bucket/key%20name"
    std::string query;                           ///< canonical query string (sorted, encoded), usually empty
    std::map<std::string, std::string> headers;  ///< name -> value
    std::string payload_sha256;                  ///< hex SHA-256 of the body
};

/// Credentials and scope.
struct sigv4_credentials {
    std::string access_key;
    std::string secret_key;
    std::string region = "us-east-1";
    std::string service = "s3";
};

/// Hex SHA-256 of `data` (lower case).
[[nodiscard]] std::string sha256_hex(std::string_view data);

/// "20130524T000000Z" for a Unix time in seconds.
[[nodiscard]] std::string amz_date(long long unix_seconds);

/// The Authorization header's value for `r` at `date` (amz_date form; it must equal the
/// request's x-amz-date header).
[[nodiscard]] std::string sigv4_authorization(const sigv4_request& r, const sigv4_credentials& c, std::string_view date);

/// `text` percent-encoded as SigV4 wants for a path: unreserved characters (A-Z a-z 0-9 - . _ ~)
/// and '/' kept, every other byte as %XX (upper-case hex).
[[nodiscard]] std::string uri_encode_path(std::string_view text);

}  // namespace apexcore::storage
