#include <apexcore/discord/interactions_endpoint.hpp>

#include "../../examples/sandbox/signing.hpp"

#include <gtest/gtest.h>

namespace {

using apexcore::discord::signature_result;
using apexcore::discord::signature_verifier;

/// A throw-away Ed25519 key pair, signing as Discord does (the sandbox's signer).
class Signer {
public:
    std::string public_key_hex() const { return key_.public_key_hex(); }
    std::string sign(const std::string& timestamp, const std::string& body) const { return key_.sign_hex(timestamp + body); }

private:
    apexcore::sandbox::ed25519_signer key_;
};

class SignatureTest : public ::testing::Test {
protected:
    Signer signer_;
    signature_verifier verifier_{signer_.public_key_hex()};
    std::chrono::system_clock::time_point now_ = std::chrono::system_clock::time_point(std::chrono::seconds(1763800000));
    std::string timestamp_ = "1763800000";
    std::string body_ = R"({"type":1,"id":"1","application_id":"2","token":"t","version":1})";
};

TEST_F(SignatureTest, ValidSignatureVerifies) {
    EXPECT_EQ(verifier_.verify(signer_.sign(timestamp_, body_), timestamp_, body_, now_), signature_result::valid);
}

TEST_F(SignatureTest, AlteredBodyFails) {
    const std::string sig = signer_.sign(timestamp_, body_);
    std::string altered = body_;
    altered[9] = '2';
    EXPECT_EQ(verifier_.verify(sig, timestamp_, altered, now_), signature_result::bad_signature);
    EXPECT_EQ(verifier_.verify(sig, timestamp_, body_ + " ", now_), signature_result::bad_signature)
        << "the raw body is signed, so even whitespace matters";
}

TEST_F(SignatureTest, SignatureFromAnotherKeyFails) {
    Signer other;
    EXPECT_EQ(verifier_.verify(other.sign(timestamp_, body_), timestamp_, body_, now_), signature_result::bad_signature);
}

TEST_F(SignatureTest, TimestampIsPartOfTheSignedMessage) {
    const std::string sig = signer_.sign(timestamp_, body_);
    EXPECT_EQ(verifier_.verify(sig, "1763800001", body_, now_), signature_result::bad_signature);
}

TEST_F(SignatureTest, StaleOrMalformedTimestampsFail) {
    const std::string old_ts = "1763799000";  // 1000 s before now
    EXPECT_EQ(verifier_.verify(signer_.sign(old_ts, body_), old_ts, body_, now_), signature_result::stale_timestamp);
    const std::string future = "1763801000";
    EXPECT_EQ(verifier_.verify(signer_.sign(future, body_), future, body_, now_), signature_result::stale_timestamp);
    EXPECT_EQ(verifier_.verify(signer_.sign("12ab", body_), "12ab", body_, now_), signature_result::malformed_timestamp);
}

TEST_F(SignatureTest, MissingOrMalformedHeadersFail) {
    const std::string sig = signer_.sign(timestamp_, body_);
    EXPECT_EQ(verifier_.verify("", timestamp_, body_, now_), signature_result::missing_headers);
    EXPECT_EQ(verifier_.verify(sig, "", body_, now_), signature_result::missing_headers);
    EXPECT_EQ(verifier_.verify(sig.substr(2), timestamp_, body_, now_), signature_result::malformed_signature);
    EXPECT_EQ(verifier_.verify(std::string(128, 'z'), timestamp_, body_, now_), signature_result::malformed_signature);
}

TEST(SignatureVerifierTest, RejectsBadPublicKeys) {
    EXPECT_THROW(signature_verifier("abc"), std::invalid_argument);
    EXPECT_THROW(signature_verifier(std::string(64, 'g')), std::invalid_argument);
    EXPECT_THROW(signature_verifier(std::string(62, '0')), std::invalid_argument);
}

}  // namespace
