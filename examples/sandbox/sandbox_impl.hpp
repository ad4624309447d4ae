#pragma once
// Private to apexcore-sandbox: the server's state, shared by the Discord side
// (sandbox_server.cpp: REST + gateway) and the control API (control_api.cpp).
#include "rate_limits.hpp"
#include "signing.hpp"
#include "sandbox_server.hpp"
#include "world.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace apexcore::sandbox {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
inline constexpr std::size_t request_body_limit = 1024 * 1024;  ///< control API and gateway upgrades
/// Discord's limit for a whole request, files included (REFERENCE.md §2.4).
inline constexpr std::size_t api_request_body_limit = 25 * 1024 * 1024;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

response json_response(const request& req, unsigned status, const json& body);
response failure_response(const request& req, const api_failure& f);
std::vector<std::string> split_path(std::string_view target);
/// The decoded query parameters of a request target (the last value of a repeated key).
std::map<std::string, std::string> query_of(std::string_view target);

/// A REST request after authentication, rate limiting and body decoding.
struct rest_call {
    std::vector<std::string> route;            ///< path segments after /api/v10
    std::map<std::string, std::string> query;
    json body;                                 ///< JSON body, or multipart payload_json
    json attachments = json::array();          ///< attachment objects of multipart files[n]
};

/// One gateway connection and its single writer's queue.
struct gateway_connection {
    explicit gateway_connection(tls_stream stream) : ws(std::move(stream)), wake(ws.get_executor()) {}
    websocket::stream<tls_stream> ws;
    std::deque<std::string> outbox;
    net::steady_timer wake;
    bool open = true;
    std::uint16_t close_code = 0;
    bool drop = false;  ///< tear down TCP without a close frame
    bool stalled = false;  ///< send nothing and ignore everything (a hung server)
    std::string session_id;
    int shard_id = 0;
    std::uint64_t intents = 0;  ///< from IDENTIFY
    std::chrono::steady_clock::time_point last_heartbeat = std::chrono::steady_clock::now();  ///< or HELLO
    std::deque<std::chrono::steady_clock::time_point> received;  ///< events in the last 60 s (send limit)

    void send(const json& frame) {
        outbox.push_back(frame.dump());
        wake.cancel();
    }
    void close(std::uint16_t code) {
        if (close_code == 0) close_code = code;
        wake.cancel();
    }
};

/// Resumable session state.
struct session_state {
    int shard_id = 0;
    std::int64_t seq = 0;
    std::deque<json> log;  ///< recent dispatches for RESUME replay
    std::optional<std::chrono::steady_clock::time_point> disconnected_at;  ///< set while no connection holds it
};

/// Faults injected through the control API (docs/sandbox.md).
struct fault_state {
    bool heartbeat_ack = true;        ///< false: heartbeats are not ACKed (zombie)
    unsigned rest_error_status = 0;   ///< answer the next rest_error_count requests with this
    int rest_error_count = 0;
    std::string rest_error_path;      ///< only requests whose target starts with this (empty: every request)
    int rest_429_count = 0;           ///< answer the next N requests with 429 (scope user)
    double rest_429_retry_after = 0.5;
    std::chrono::milliseconds rest_delay{0};  ///< delay every REST response
    bool duplicate_interactions = false;      ///< dispatch every INTERACTION_CREATE twice
    int stall_callbacks = 0;  ///< hold the next N interaction callbacks unread for stall_ms (a hung server)
    std::chrono::milliseconds stall{60000};
    std::string stall_route_path;  ///< hold REST requests whose path starts with this (a stalled bucket)
    int stall_route_count = 0;     ///< ... the next N of them
    std::chrono::milliseconds stall_route{10000};
};

/// What happened, for /_sandbox/stats.
struct counters {
    std::uint64_t rest_requests = 0;
    std::uint64_t rest_429 = 0;
    std::uint64_t rest_429_injected = 0;
    std::uint64_t rest_errors_injected = 0;
    std::uint64_t gateway_connections = 0;
    std::uint64_t identifies = 0;
    std::uint64_t resumes = 0;
    std::uint64_t heartbeats = 0;
    std::uint64_t interactions_dispatched = 0;
    std::uint64_t callbacks_stalled = 0;   ///< callbacks held by the stall_callbacks fault
    std::uint64_t requests_stalled = 0;    ///< requests held by the stall_route fault
    std::uint64_t callbacks_repeated = 0;  ///< a second callback for one interaction (40060)
    std::uint64_t posts_repeated = 0;      ///< a POST with the same path and body as an earlier one
    std::map<std::string, std::uint64_t> post_fingerprints;  ///< "path\nbody" -> count, for posts_repeated
    std::map<std::string, std::uint64_t> by_route;  ///< "METHOD /path" -> count (paths with ids)
};

struct sandbox_server::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, server_options opts, const tls_identity& identity);

    net::io_context& io;
    server_options options;
    ssl::context tls;
    tcp::acceptor api_acceptor;
    tcp::acceptor control_acceptor;
    world state;
    rate_limits limits;
    fault_state faults;
    counters stats;
    std::map<int, std::shared_ptr<gateway_connection>> connections;  ///< shard id -> live connection
    std::map<int, steady::time_point> last_identify;                ///< rate-limit key -> time
    std::map<std::string, session_state> sessions;
    int session_counter = 0;
    ed25519_signer signer;           ///< the application key for HTTP interactions
    std::string interactions_url;    ///< when set, interactions are POSTed here instead of the gateway
    std::vector<std::string> interaction_backends;  ///< every URL of interactions_url, taken in turn
    std::size_t next_backend = 0;
    /// Uploaded files, served at https://<api host>/attachments/<id>/<filename> as Discord's CDN
    /// serves them; the newest 64 MiB are kept.
    struct stored_file {
        std::string content_type;
        std::string bytes;
    };
    std::map<std::string, stored_file> files;
    std::deque<std::string> file_order;
    std::size_t file_bytes = 0;
    static constexpr std::size_t file_bytes_max = 64 * 1024 * 1024;
    void store_file(const std::string& id, stored_file f);
    /// Keeps an uploaded file and returns its attachment object (id, filename, size, url and
    /// proxy_url served at /attachments/<id>/<filename> like Discord's CDN, content_type).
    json keep_upload(const std::string& filename, const std::string& content_type, std::string bytes);
    /// The newest audit-log entries (X-Audit-Log-Reason on REST requests), for the control API.
    std::deque<json> audit_log;
    static constexpr std::size_t audit_log_max = 200;

    std::string host_port(std::uint16_t port) const { return options.host + ":" + std::to_string(port); }
    std::string gateway_url() const { return "wss://" + host_port(api_acceptor.local_endpoint().port()); }
    static void log(const std::string& line);
    /// Logs an accept error and waits 50 ms before the accept loop goes on.
    net::awaitable<void> pause_after_accept_error(const char* what, boost::system::error_code ec);
    /// Closes (4009) a connection that stops heartbeating, unless it is stalled.
    net::awaitable<void> heartbeat_watchdog(std::shared_ptr<gateway_connection> conn);
    /// Events a connection may send per 60 s (REFERENCE.md §1.12).
    static constexpr std::size_t gateway_sends_per_minute_max = 120;
    /// A co_spawn completion handler: logs what escaped the coroutine; when `fatal` (an accept
    /// loop: the sandbox would be deaf), throws it on so io_context::run() ends and main exits 1.
    static std::function<void(std::exception_ptr)> supervised(std::string what, bool fatal);

    // Discord side (sandbox_server.cpp)
    net::awaitable<void> accept_api();
    net::awaitable<void> api_session(tcp::socket socket);
    response handle_rest(const request& req);
    response answer_rest(const request& req);
    response serve_file(const request& req);
    response route_rest(const request& req, const rest_call& call);
    /// Dispatches CHANNEL_CREATE / UPDATE / DELETE and GUILD_ROLE_CREATE after a successful change.
    void announce(const std::string& method, const rest_call& call, const response& res);
    net::awaitable<void> gateway_session(tls_stream stream, request req);
    void on_gateway_frame(const std::shared_ptr<gateway_connection>& conn, const json& frame);
    /// The shard that owns the sandbox guild: (guild_id >> 22) % shards.
    int guild_shard() const;
    /// The live connection of the guild's shard, if any.
    std::shared_ptr<gateway_connection> active() const;
    /// Sends a dispatch on the guild's shard / on `conn`, recording it for RESUME replay.
    bool dispatch(const std::string& event, const json& d);
    bool dispatch_to(const std::shared_ptr<gateway_connection>& conn, const std::string& event, const json& d);
    net::awaitable<void> gateway_writer(std::shared_ptr<gateway_connection> conn);

    // Control API (control_api.cpp)
    net::awaitable<void> accept_control();
    net::awaitable<void> control_session(beast::tcp_stream stream);
    net::awaitable<response> handle_control(const request& req);
    net::awaitable<response> await_callback(const request& req, const std::string& id);
    response set_faults(const request& req, const json& body);
    response gateway_action(const request& req, const json& body);
    /// POSTs a signed body to interactions_url; returns {status, parsed body}. `signature`
    /// overrides the real signature and `timestamp` the current time (for probes).
    net::awaitable<std::pair<unsigned, json>> post_signed(const std::string& body, std::string signature = "",
                                                          std::string timestamp = "", std::string url = "");
    net::awaitable<response> deliver_over_http(const request& req, const json& interaction);
    net::awaitable<response> http_probe(const request& req);
    json stats_json() const;
};

}  // namespace apexcore::sandbox
