#include <apexcore/discord/interactions_endpoint.hpp>

#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>
#include <vector>

namespace apexcore::discord {
namespace {

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::vector<unsigned char> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned value = 0;
        const auto* first = hex.data() + 2 * i;
        const auto [end, ec] = std::from_chars(first, first + 2, value, 16);
        if (ec != std::errc{} || end != first + 2) return std::nullopt;
        out[i] = static_cast<unsigned char>(value);
    }
    return out;
}

}  // namespace

std::string_view to_string(signature_result r) {
    switch (r) {
        case signature_result::valid: return "valid";
        case signature_result::missing_headers: return "missing_headers";
        case signature_result::malformed_signature: return "malformed_signature";
        case signature_result::malformed_timestamp: return "malformed_timestamp";
        case signature_result::stale_timestamp: return "stale_timestamp";
        case signature_result::bad_signature: return "bad_signature";
    }
    return "unknown";
}

struct signature_verifier::impl {
    EVP_PKEY* key = nullptr;
    std::chrono::seconds max_skew;
    ~impl() { EVP_PKEY_free(key); }
};

signature_verifier::signature_verifier(std::string_view public_key_hex, std::chrono::seconds max_skew)
    : impl_(std::make_unique<impl>()) {
    impl_->max_skew = max_skew;
    const auto raw = from_hex(public_key_hex);
    if (!raw || raw->size() != 32) {
        throw std::invalid_argument("interactions public key must be 64 hex digits (Developer Portal, General Information)");
    }
    impl_->key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), raw->size());
    if (impl_->key == nullptr) throw std::invalid_argument("interactions public key is not a valid Ed25519 key");
}

signature_verifier::~signature_verifier() = default;

signature_result signature_verifier::verify(std::string_view signature_hex, std::string_view timestamp,
                                            std::string_view body, std::chrono::system_clock::time_point now) const {
    if (signature_hex.empty() || timestamp.empty()) return signature_result::missing_headers;
    const auto signature = from_hex(signature_hex);
    if (!signature || signature->size() != 64) return signature_result::malformed_signature;
    std::int64_t ts = 0;
    const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
    if (ec != std::errc{} || end != timestamp.data() + timestamp.size()) return signature_result::malformed_timestamp;
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (ts < now_s - impl_->max_skew.count() || ts > now_s + impl_->max_skew.count()) {
        return signature_result::stale_timestamp;
    }
    std::string message;
    message.reserve(timestamp.size() + body.size());
    message.append(timestamp).append(body);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return signature_result::bad_signature;
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, impl_->key) == 1 &&
                    EVP_DigestVerify(ctx, signature->data(), signature->size(),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? signature_result::valid : signature_result::bad_signature;
}

}  // namespace apexcore::discord
