#include "signing.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace apexcore::sandbox {
namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
    std::string out;
    char buf[3];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", p[i]);
        out += buf;
    }
    return out;
}

}  // namespace

ed25519_signer::ed25519_signer() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* key = nullptr;
    const bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) throw std::runtime_error("cannot generate an Ed25519 key");
    key_ = key;
}

ed25519_signer::~ed25519_signer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

std::string ed25519_signer::public_key_hex() const {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(static_cast<EVP_PKEY*>(key_), raw, &len) != 1) throw std::runtime_error("public key");
    return to_hex(raw, len);
}

std::string ed25519_signer::sign_hex(const std::string& message) const {
    unsigned char sig[64];
    std::size_t len = sizeof sig;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx != nullptr &&
                    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(key_)) == 1 &&
                    EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("cannot sign");
    return to_hex(sig, len);
}

}  // namespace apexcore::sandbox
