// libFuzzer: the Interactions Endpoint's request handling. Raw bytes go through Beast's request
// parser with the endpoint's limits; a complete request is signed (so the fuzzer reaches past the
// signature check) and decided: never throws, and every answer serialises.
#include "detail/endpoint_request.hpp"

#include "signing.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <cstdlib>

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static apexcore::sandbox::ed25519_signer signer;
    static apexcore::discord::signature_verifier verifier(signer.public_key_hex());
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_done()) return 0;
    const auto& req = parser.get();
    const auto now = std::chrono::system_clock::now();
    const std::string timestamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    const std::string signature = signer.sign_hex(timestamp + req.body());
    try {
        auto decision = apexcore::discord::detail::decide_endpoint_request(
            "/interactions", req.target(), req.method_string(), signature, timestamp, req.body(), verifier, now, nullptr);
        if (auto* reply = std::get_if<apexcore::discord::detail::endpoint_reply>(&decision)) (void)reply->body.dump();
    } catch (...) {
        std::abort();
    }
    return 0;
}
