#pragma once
// The sandbox's TLS identity: a fresh self-signed certificate for 127.0.0.1 and localhost.
#include <string>

namespace apexcore::sandbox {

/// A PEM certificate and its private key.
struct tls_identity {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// Generates an EC P-256 key and a self-signed X.509 v3 certificate valid for 30 days with
/// subjectAltName IP:127.0.0.1, DNS:localhost. Throws std::runtime_error with OpenSSL's reason.
tls_identity generate_self_signed();

}  // namespace apexcore::sandbox
