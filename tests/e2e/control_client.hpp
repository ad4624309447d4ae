#pragma once
// A synchronous HTTP/1.1 client (Boost.Beast) for the sandbox's plain-HTTP control API.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace apexcore::test_support {

struct control_response {
    unsigned status = 0;
    nlohmann::json body;       ///< parsed, or discarded when the body is not JSON
    std::string text;          ///< the body as received
    std::string content_type;  ///< the Content-Type header
};

class control_client {
public:
    /// `base` like "http://127.0.0.1:12345".
    explicit control_client(const std::string& base) {
        const auto hostport = base.substr(base.find("//") + 2);
        host_ = hostport.substr(0, hostport.find(':'));
        port_ = hostport.substr(hostport.find(':') + 1);
    }

    control_response get(const std::string& target) { return exchange(boost::beast::http::verb::get, target, ""); }
    control_response post(const std::string& target, const nlohmann::json& body) {
        return exchange(boost::beast::http::verb::post, target, body.dump());
    }

private:
    control_response exchange(boost::beast::http::verb verb, const std::string& target, const std::string& body) {
        namespace http = boost::beast::http;
        boost::asio::io_context io;
        boost::asio::ip::tcp::resolver resolver(io);
        boost::beast::tcp_stream stream(io);
        stream.expires_after(std::chrono::seconds(15));
        stream.connect(resolver.resolve(host_, port_));
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, host_);
        if (!body.empty()) {
            req.set(http::field::content_type, "application/json");
            req.body() = body;
        }
        req.keep_alive(false);
        req.prepare_payload();
        http::write(stream, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        boost::beast::error_code ec;
        stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        control_response out;
        out.status = res.result_int();
        out.body = nlohmann::json::parse(res.body(), nullptr, false);
        out.text = res.body();
        out.content_type = std::string(res[http::field::content_type]);
        return out;
    }

    std::string host_;
    std::string port_;
};

}  // namespace apexcore::test_support
