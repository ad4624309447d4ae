// The Interactions Endpoint server over real sockets on loopback, in HTTP and HTTPS: Discord's
// checks (signed PING -> PONG, bad or stale signatures -> 401) and an inline interaction answer.
#include <apexcore/discord/interactions_endpoint.hpp>

#include "../../examples/sandbox/certificate.hpp"
#include "../../examples/sandbox/signing.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using apexcore::discord::json;

struct reply {
    unsigned status = 0;
    json body;
};

class EndpointTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        const bool https = GetParam();
        apexcore::discord::endpoint_options options;
        options.port = 0;
        options.public_key_hex = signer_.public_key_hex();
        if (https) {
            const auto identity = apexcore::sandbox::generate_self_signed();
            dir_ = std::filesystem::temp_directory_path() / ("apexcore-endpoint-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir_);
            std::ofstream(dir_ / "cert.pem") << identity.certificate_pem;
            std::ofstream(dir_ / "key.pem") << identity.private_key_pem;
            options.tls_certificate_file = (dir_ / "cert.pem").string();
            options.tls_private_key_file = (dir_ / "key.pem").string();
            client_tls_.load_verify_file(options.tls_certificate_file);
            client_tls_.set_verify_mode(net::ssl::verify_peer);
        }
        endpoint_ = std::make_unique<apexcore::discord::interactions_endpoint>(
            io_, options,
            [](apexcore::discord::interaction_envelope envelope, auto respond) {
                respond(json{{"type", 4}, {"data", {{"content", "hello " + envelope.neutral.from.user.str()}}}});
            },
            nullptr);
        endpoint_->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        net::post(io_, [this] { endpoint_->stop(); });
        io_.stop();
        thread_.join();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    reply post(const std::string& body, std::string signature = "", std::string timestamp = "") {
        if (timestamp.empty()) {
            timestamp = std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
        }
        if (signature.empty()) signature = signer_.sign_hex(timestamp + body);
        http::request<http::string_body> req{http::verb::post, "/interactions", 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        req.set("X-Signature-Ed25519", signature);
        req.set("X-Signature-Timestamp", timestamp);
        req.body() = body;
        req.prepare_payload();
        net::io_context io;
        net::ip::tcp::resolver resolver(io);
        const auto endpoints = resolver.resolve("127.0.0.1", std::to_string(endpoint_->port()));
        http::response<http::string_body> res;
        beast::flat_buffer buffer;
        if (GetParam()) {
            beast::ssl_stream<beast::tcp_stream> stream(io, client_tls_);
            stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
            beast::get_lowest_layer(stream).connect(endpoints);
            stream.handshake(net::ssl::stream_base::client);
            http::write(stream, req);
            http::read(stream, buffer, res);
        } else {
            beast::tcp_stream stream(io);
            stream.expires_after(std::chrono::seconds(10));
            stream.connect(endpoints);
            http::write(stream, req);
            http::read(stream, buffer, res);
        }
        return {res.result_int(), json::parse(res.body(), nullptr, false)};
    }

    apexcore::sandbox::ed25519_signer signer_;
    net::io_context io_;
    net::ssl::context client_tls_{net::ssl::context::tls_client};
    std::unique_ptr<apexcore::discord::interactions_endpoint> endpoint_;
    std::thread thread_;
    std::filesystem::path dir_;
};

const std::string ping = R"({"id":"1","application_id":"2","type":1,"token":"t","version":1})";

TEST_P(EndpointTest, SignedPingGetsPong) {
    const auto r = post(ping);
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.body, json::parse(R"({"type":1})"));
}

TEST_P(EndpointTest, BadSignaturesGet401) {
    EXPECT_EQ(post(ping, std::string(128, '0')).status, 401U);
    EXPECT_EQ(post(ping, "nothex").status, 401U);
    const std::string old = "1000000000";
    EXPECT_EQ(post(ping, signer_.sign_hex(old + ping), old).status, 401U);
    const std::string now = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    EXPECT_EQ(post(ping + " ", signer_.sign_hex(now + ping), now).status, 401U) << "an altered body";
}

TEST_P(EndpointTest, InteractionsAreAnsweredInline) {
    const std::string command =
        R"({"id":"5","application_id":"2","type":2,"token":"t","version":1,"guild_id":"9",
            "member":{"user":{"id":"77","username":"u"},"roles":[]},"data":{"id":"3","name":"balance","type":1}})";
    const auto r = post(command);
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.body["type"], 4);
    EXPECT_EQ(r.body["data"]["content"], "hello 77");
    EXPECT_EQ(post(R"({"type":2})").status, 400U) << "a signed but malformed interaction";
}

INSTANTIATE_TEST_SUITE_P(HttpAndHttps, EndpointTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? std::string("Https") : std::string("Http"); });

}  // namespace
