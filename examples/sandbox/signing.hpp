#pragma once
// The sandbox's Ed25519 application key: it signs interactions it POSTs to a bot's Interactions
// Endpoint URL exactly as Discord does (timestamp + raw body; REFERENCE.md §3.8).
#include <string>

namespace apexcore::sandbox {

class ed25519_signer {
public:
    /// Generates a fresh key pair; throws std::runtime_error if OpenSSL cannot.
    ed25519_signer();
    ~ed25519_signer();
    ed25519_signer(const ed25519_signer&) = delete;
    ed25519_signer& operator=(const ed25519_signer&) = delete;

    /// The public key as 64 hex digits (what the Developer Portal shows).
    [[nodiscard]] std::string public_key_hex() const;
    /// The signature of `message` as 128 hex digits.
    [[nodiscard]] std::string sign_hex(const std::string& message) const;

private:
    void* key_ = nullptr;  // EVP_PKEY*, kept opaque so OpenSSL stays out of this header
};

}  // namespace apexcore::sandbox
