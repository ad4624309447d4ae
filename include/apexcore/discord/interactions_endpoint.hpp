#pragma once
/// @file interactions_endpoint.hpp
/// HTTP interactions mode (Interactions Endpoint URL, REFERENCE.md §3.8): Discord POSTs each
/// interaction to the bot's URL, signed with Ed25519. Every request must be verified before it is
/// parsed — signature over `X-Signature-Timestamp` + the raw body, with the application's public
/// key — and answered 401 when the signature or timestamp is bad or missing (Discord probes this
/// and removes the URL otherwise). PING (type 1) is answered `{"type":1}`; other interactions are
/// answered inline with the interaction response as the HTTP 200 body.

#include <apexcore/discord/model.hpp>
#include <apexcore/discord/supervision.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace apexcore::discord {

/// The outcome of checking one request's signature.
enum class signature_result {
    valid,
    missing_headers,      ///< X-Signature-Ed25519 or X-Signature-Timestamp absent
    malformed_signature,  ///< not 128 hex digits
    malformed_timestamp,  ///< not a decimal Unix time in seconds
    stale_timestamp,      ///< further than max_skew from now (replay protection)
    bad_signature,        ///< does not verify against the public key
};

/// A short name for logs ("bad_signature").
[[nodiscard]] std::string_view to_string(signature_result r);

/// Verifies Discord's Ed25519 request signatures with OpenSSL. Thread-safe: verify() is const
/// and keeps no state between calls.
class signature_verifier {
public:
    /// `public_key_hex`: the application's public key from the Developer Portal (64 hex digits).
    /// Throws std::invalid_argument when it is not a valid Ed25519 public key.
    explicit signature_verifier(std::string_view public_key_hex,
                                std::chrono::seconds max_skew = std::chrono::seconds(300));
    ~signature_verifier();
    signature_verifier(const signature_verifier&) = delete;
    signature_verifier& operator=(const signature_verifier&) = delete;

    /// Checks `signature_hex` over `timestamp` + `body` (the raw bytes as received). `now` is the
    /// current Unix time; a timestamp further than max_skew from it is stale.
    [[nodiscard]] signature_result verify(std::string_view signature_hex, std::string_view timestamp, std::string_view body,
                                          std::chrono::system_clock::time_point now) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Where and how the endpoint listens.
struct endpoint_options {
    std::string address = "127.0.0.1";  ///< listen address
    std::uint16_t port = 8080;          ///< 0 picks a free port
    std::string path = "/interactions"; ///< the path Discord POSTs to
    std::string public_key_hex;         ///< the application's public key
    std::size_t body_limit = 1024 * 1024;  ///< larger bodies are answered 413
    std::size_t header_limit = 16 * 1024;  ///< larger request headers are answered 431
    std::size_t connections_max = 256;     ///< concurrent connections; more are closed at once
    /// A client must send a whole request within this (slowloris); idle keep-alive connections
    /// are closed after it too.
    std::chrono::seconds read_timeout{10};
    fault_hook inject_fault;  ///< tests only (supervision.hpp)
    /// PEM certificate chain and private key: when both are set the endpoint speaks HTTPS itself;
    /// otherwise plain HTTP, for a TLS-terminating reverse proxy in front (Discord requires an
    /// https:// URL).
    std::string tls_certificate_file;
    std::string tls_private_key_file;
};

/// The HTTP server. `on_interaction` receives each verified, parsed interaction (never a PING)
/// and a `respond` function to call exactly once (from any thread) with the interaction response
/// body (JSON), which becomes the HTTP 200 body. `on_interaction` runs on a connection's strand.
///
/// Hostile clients: every connection has its own strand; at most `connections_max` are served
/// at once (more are closed at once); a request must arrive whole within `read_timeout`; headers
/// over `header_limit` get 431 and bodies over `body_limit` 413. Accept errors are logged and
/// accepting goes on (after a short backoff on EMFILE/ENFILE, when the process is out of file
/// descriptors); a failure of the accept loop itself is logged and the loop restarted.
class interactions_endpoint {
public:
    using respond_fn = std::function<void(json response)>;
    using interaction_fn = std::function<void(interaction_envelope envelope, respond_fn respond)>;

    /// Binds at once; throws std::invalid_argument for a bad key or unreadable TLS files, and
    /// boost::system::system_error when the address cannot be bound.
    interactions_endpoint(boost::asio::io_context& io, endpoint_options options, interaction_fn on_interaction,
                          log_fn log);
    ~interactions_endpoint();

    /// Starts accepting connections.
    void start();
    /// Stops accepting; open exchanges finish.
    void stop();
    /// The bound port (useful with port 0).
    [[nodiscard]] std::uint16_t port() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
