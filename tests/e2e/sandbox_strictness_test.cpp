// The sandbox is as strict as Discord where a lenient one would hide a client bug (issue 9 §7,
// first part): a connection that stops heartbeating is closed (4009), more than 120 events in 60 s
// are closed (4008), `%40original` is the same route as `@original` (discord.js sends it), and the
// DiscordBot User-Agent is required only on bot-authenticated routes. A raw WebSocket / HTTPS
// client plays the misbehaving library; the real apexbot runs beside it untouched.
#include "bot_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using apexcore::test_support::BotFixture;
using nlohmann::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

class SandboxStrictnessTest : public BotFixture {
protected:
    SandboxStrictnessTest() { sandbox_args_ = {"--heartbeat-interval-ms", "300"}; }

    /// Host and port of the sandbox's API (the gateway shares them).
    std::pair<std::string, std::string> host_port() const {
        const std::string url = info_["gateway_url"];  // wss://127.0.0.1:PORT
        const auto hostport = url.substr(url.find("//") + 2);
        return {hostport.substr(0, hostport.find(':')), hostport.substr(hostport.find(':') + 1)};
    }

    /// A raw gateway connection that has read HELLO; `close_code()` reads until the server closes.
    struct raw_gateway {
        net::io_context io;
        net::ssl::context tls{net::ssl::context::tls_client};
        std::unique_ptr<websocket::stream<beast::ssl_stream<tcp::socket>>> ws;

        raw_gateway(const std::string& ca, const std::string& host, const std::string& port) {
            tls.load_verify_file(ca);
            tls.set_verify_mode(net::ssl::verify_peer);
            ws = std::make_unique<websocket::stream<beast::ssl_stream<tcp::socket>>>(io, tls);
            net::connect(beast::get_lowest_layer(*ws), tcp::resolver(io).resolve(host, port));
            ws->next_layer().handshake(net::ssl::stream_base::client);
            ws->handshake(host + ":" + port, "/?v=10&encoding=json");
            beast::flat_buffer hello;
            ws->read(hello);
        }
        /// Reads until the server closes; its close code (0 if none within `limit`).
        int close_code(std::chrono::seconds limit) {
            beast::get_lowest_layer(*ws).non_blocking(false);
            const auto deadline = std::chrono::steady_clock::now() + limit;
            while (std::chrono::steady_clock::now() < deadline) {
                beast::flat_buffer buffer;
                beast::error_code ec;
                ws->read(buffer, ec);
                if (ec) return ws->reason().code;
            }
            return 0;
        }
    };

    unsigned rest_status(http::verb verb, const std::string& target, const std::string& user_agent, json* body_out,
                         bool bot_auth = false) {
        const auto [host, port] = host_port();
        net::io_context io;
        net::ssl::context tls{net::ssl::context::tls_client};
        tls.load_verify_file(info_["ca_file"].get<std::string>());
        beast::ssl_stream<beast::tcp_stream> stream(io, tls);
        beast::get_lowest_layer(stream).expires_after(10s);
        beast::get_lowest_layer(stream).connect(tcp::resolver(io).resolve(host, port));
        stream.handshake(net::ssl::stream_base::client);
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, host);
        if (!user_agent.empty()) req.set(http::field::user_agent, user_agent);
        if (bot_auth) req.set(http::field::authorization, "Bot " + token_);
        req.set(http::field::content_type, "application/json");
        req.body() = R"({"content":"x"})";
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        if (body_out != nullptr) *body_out = json::parse(res.body(), nullptr, false);
        return res.result_int();
    }
};

TEST_F(SandboxStrictnessTest, AConnectionThatNeverHeartbeatsIsClosedWith4009) {
    const auto [host, port] = host_port();
    raw_gateway client(info_["ca_file"], host, port);
    EXPECT_EQ(client.close_code(10s), 4009);
    expect_balance("$0.00");  // the bot, which heartbeats, is untouched
}

TEST_F(SandboxStrictnessTest, MoreThan120EventsInAMinuteAreClosedWith4008) {
    const auto [host, port] = host_port();
    raw_gateway client(info_["ca_file"], host, port);
    for (int i = 0; i < 125; ++i) {
        beast::error_code ec;
        client.ws->write(net::buffer(std::string(R"({"op":1,"d":null})")), ec);
        if (ec) break;
    }
    EXPECT_EQ(client.close_code(10s), 4008);
}

TEST_F(SandboxStrictnessTest, PercentEncodedOriginalIsTheSameRouteAndTokenRoutesNeedNoUserAgent) {
    const std::string app = info_["application_id"];
    json body;
    // An unknown token on a known route answers Discord's webhook error, not "404: Not Found".
    EXPECT_EQ(rest_status(http::verb::patch, "/api/v10/webhooks/" + app + "/no-such-token/messages/%40original", "",
                          &body),
              401U)
        << body.dump();
    EXPECT_EQ(body.value("code", 0), 50027) << body.dump();
    EXPECT_EQ(rest_status(http::verb::patch, "/api/v10/webhooks/" + app + "/no-such-token/messages/@original",
                          "discord.js", &body),
              401U);
    // Bot-authenticated routes still require the DiscordBot User-Agent.
    EXPECT_EQ(rest_status(http::verb::get, "/api/v10/gateway/bot", "curl/8", &body, true), 403U) << body.dump();
    EXPECT_EQ(body.value("code", 0), 40333) << body.dump();
    EXPECT_EQ(rest_status(http::verb::get, "/api/v10/gateway/bot", "DiscordBot (https://example.com, 1)", &body, true),
              200U)
        << body.dump();
}

}  // namespace
