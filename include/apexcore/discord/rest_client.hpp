#pragma once
/// @file rest_client.hpp
/// Discord's HTTP API over HTTPS with keep-alive (REFERENCE.md §2): `Authorization: Bot <token>`,
/// `User-Agent: DiscordBot (url, version)`, JSON bodies. Requests are sent one at a time over one
/// persistent connection, in the order queued; a connection the server closed is reopened once
/// per request. (Rate-limit buckets and retries arrive with the production REST layer.)

#include <apexcore/discord/model.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace apexcore::discord {

/// How to reach the API.
struct rest_options {
    std::string api_base = "https://discord.com/api/v10";  ///< https:// URL including the version
    std::string token;            ///< bot token, sent as "Authorization: Bot <token>"
    std::string ca_file;          ///< PEM file to trust instead of the system store (sandbox)
    std::string user_agent = "DiscordBot (https://example.com/apexcore, 0.1.0)";  ///< REFERENCE.md §2.1
    std::chrono::seconds timeout{30};  ///< connect, TLS handshake and each exchange
};

/// HTTP methods used by the bot.
enum class http_method { get, post, put, patch, del };

/// One answered request. `status` is the HTTP status; `error` is Discord's JSON error body when
/// the status is >= 400 and the body is one.
struct rest_response {
    unsigned status = 0;
    std::string body;
    std::optional<api_error> error;
    [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
};

/// Called on the io_context thread with a transport error (connect, TLS, timeout) or the response.
using rest_callback = std::function<void(std::error_code, rest_response)>;

/// A queue of requests over one keep-alive HTTPS connection. Use from the io_context's thread.
class rest_client {
public:
    /// Throws std::invalid_argument for a malformed api_base or an empty token.
    rest_client(boost::asio::io_context& io, rest_options options);
    ~rest_client();
    rest_client(const rest_client&) = delete;
    rest_client& operator=(const rest_client&) = delete;

    /// Queues `method path` (path relative to api_base, e.g. "/gateway/bot") with an optional JSON
    /// body. `done` runs exactly once, unless the client is stopped first.
    void request(http_method method, std::string path, std::optional<json> body, rest_callback done);

    /// Drops queued requests and closes the connection.
    void stop();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace apexcore::discord
