#pragma once
/// @file s3_transcript_store.hpp
/// ports::transcript_store in an S3-compatible bucket (AWS S3, MinIO, Ceph, s3rver, ...):
/// path-style `PUT /<bucket>/<prefix><key>` and `GET`, signed with AWS Signature Version 4
/// (sigv4.hpp, OpenSSL), over HTTP or HTTPS (Boost.Beast; TLS verified against the system store
/// or `ca_file`, with SNI). Each call makes one connection and is bounded by `timeout`.
///
/// Errors: invalid_key (ports::is_valid_storage_key); not_found (404 on get); unavailable
/// (connect / TLS / timeout, 5xx, 403 SignatureDoesNotMatch or AccessDenied — the detail carries
/// S3's error code so an owner sees which).

#include <apexcore/ports/transcript_store.hpp>

#include <chrono>
#include <string>

namespace apexcore::storage {

/// Where and as whom.
struct s3_options {
    std::string endpoint;         ///< "https://s3.eu-central-1.amazonaws.com" or "http://127.0.0.1:4568"
    std::string bucket;           ///< 3..63 of [a-z0-9.-]
    std::string region = "us-east-1";
    std::string access_key;
    std::string secret_key;
    std::string prefix;           ///< put before every key, e.g. "apexcore/"; may be empty
    std::string ca_file;          ///< PEM file to trust instead of the system store (https)
    std::chrono::seconds timeout{30};  ///< per call: connect, TLS, send and receive
    std::size_t max_object_bytes = 64 * 1024 * 1024;  ///< get() refuses bigger answers
};

/// See the file comment. Thread-safe (no shared state between calls).
class s3_transcript_store final : public ports::transcript_store {
public:
    /// Throws std::invalid_argument for a malformed endpoint (not http:// or https://), an
    /// invalid bucket name or empty credentials.
    explicit s3_transcript_store(s3_options options);
    /// Returns the object's URL ("<endpoint>/<bucket>/<key>").
    core::result<std::string, ports::storage_error> put(const std::string& key, const std::string& bytes,
                                                        const std::string& content_type) override;
    core::result<std::string, ports::storage_error> get(const std::string& key) override;

private:
    s3_options options_;
    bool tls_ = false;
    std::string host_;   ///< for the connection
    std::string port_;
    std::string host_header_;  ///< host[:port] as signed
};

}  // namespace apexcore::storage
