#include "sandbox_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
#include <iostream>
#include <map>

namespace apexcore::sandbox {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t request_body_limit = 1024 * 1024;
constexpr std::size_t gateway_payload_max = 4096;  // REFERENCE.md §1.3
constexpr std::size_t replay_log_max = 1000;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

response json_response(const request& req, unsigned status, const json& body) {
    response res{static_cast<http::status>(status), req.version()};
    res.set(http::field::server, "apexcore-sandbox");
    res.keep_alive(req.keep_alive());
    if (status == 204) return res;
    res.set(http::field::content_type, "application/json");
    res.body() = body.dump();
    res.prepare_payload();
    return res;
}

response failure_response(const request& req, const api_failure& f) { return json_response(req, f.status, f.body); }

std::vector<std::string> split_path(std::string_view target) {
    target = target.substr(0, target.find('?'));
    std::vector<std::string> parts;
    while (!target.empty()) {
        if (target.front() == '/') {
            target.remove_prefix(1);
            continue;
        }
        const auto slash = target.find('/');
        parts.emplace_back(target.substr(0, slash));
        if (slash == std::string_view::npos) break;
        target.remove_prefix(slash);
    }
    return parts;
}

/// A gateway session (resumable state) and its live connection, if any.
struct gateway_connection {
    explicit gateway_connection(tls_stream stream) : ws(std::move(stream)), wake(ws.get_executor()) {}
    websocket::stream<tls_stream> ws;
    std::deque<std::string> outbox;
    net::steady_timer wake;
    bool open = true;
    std::uint16_t close_code = 0;
    std::string session_id;

    void send(const json& frame) {
        outbox.push_back(frame.dump());
        wake.cancel();
    }
    void close(std::uint16_t code) {
        if (close_code == 0) close_code = code;
        wake.cancel();
    }
};

struct session_state {
    std::int64_t seq = 0;
    std::deque<json> log;  ///< recent dispatches for RESUME replay
};

}  // namespace

struct sandbox_server::impl : std::enable_shared_from_this<impl> {
    impl(net::io_context& io_context, server_options opts, const tls_identity& identity)
        : io(io_context), options(std::move(opts)), tls(ssl::context::tls_server), api_acceptor(io_context),
          control_acceptor(io_context), state(options.token, world_ids{}) {
        tls.use_certificate_chain(net::buffer(identity.certificate_pem));
        tls.use_private_key(net::buffer(identity.private_key_pem), ssl::context::pem);
        const auto address = net::ip::make_address(options.host);
        open_acceptor(api_acceptor, tcp::endpoint(address, options.port));
        open_acceptor(control_acceptor, tcp::endpoint(address, options.control_port));
    }

    static void open_acceptor(tcp::acceptor& a, const tcp::endpoint& ep) {
        a.open(ep.protocol());
        a.set_option(net::socket_base::reuse_address(true));
        a.bind(ep);
        a.listen();
    }

    net::io_context& io;
    server_options options;
    ssl::context tls;
    tcp::acceptor api_acceptor;
    tcp::acceptor control_acceptor;
    world state;
    std::shared_ptr<gateway_connection> active;
    std::map<std::string, session_state> sessions;
    int session_counter = 0;

    std::string host_port(std::uint16_t port) const { return options.host + ":" + std::to_string(port); }
    std::string gateway_url() const { return "wss://" + host_port(api_acceptor.local_endpoint().port()); }

    static void log(const std::string& line) { std::cout << "sandbox: " << line << std::endl; }

    // --- accept loops ------------------------------------------------------------------------
    net::awaitable<void> accept_api() {
        for (;;) {
            auto [ec, socket] = co_await api_acceptor.async_accept(use_tuple);
            if (ec) co_return;
            net::co_spawn(io, api_session(std::move(socket)), net::detached);
        }
    }

    net::awaitable<void> accept_control() {
        for (;;) {
            auto [ec, socket] = co_await control_acceptor.async_accept(use_tuple);
            if (ec) co_return;
            net::co_spawn(io, control_session(beast::tcp_stream(std::move(socket))), net::detached);
        }
    }

    // --- Discord API (TLS) -----------------------------------------------------------------
    net::awaitable<void> api_session(tcp::socket socket) {
        auto self = shared_from_this();
        tls_stream stream(std::move(socket), tls);
        beast::get_lowest_layer(stream).expires_after(30s);
        auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
        if (hec) co_return;
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(request_body_limit);
            beast::get_lowest_layer(stream).expires_after(120s);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)rn;
            if (rec) co_return;
            request req = parser.release();
            if (websocket::is_upgrade(req)) {
                beast::get_lowest_layer(stream).expires_never();
                co_await gateway_session(std::move(stream), std::move(req));
                co_return;
            }
            response res;
            try {
                res = handle_rest(req);
            } catch (const std::exception& e) {
                log(std::string("api: internal error: ") + e.what());
                res = failure_response(req, error_body(500, 0, "500: Internal Server Error"));
            }
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !res.keep_alive()) break;
        }
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await stream.async_shutdown(use_tuple);
    }

    response handle_rest(const request& req) {
        const auto parts = split_path(req.target());
        const std::string method(req.method_string());
        if (parts.size() < 2 || parts[0] != "api" || parts[1] != "v10") {
            return failure_response(req, error_body(404, 0, "404: Not Found (the sandbox serves /api/v10 only)"));
        }
        const std::vector<std::string> route(parts.begin() + 2, parts.end());
        const bool callback = route.size() == 4 && route[0] == "interactions" && route[3] == "callback";
        if (!callback) {
            if (req[http::field::authorization] != "Bot " + state.token()) {
                return failure_response(req, error_body(401, 0, "401: Unauthorized"));
            }
        }
        if (!req[http::field::user_agent].starts_with("DiscordBot (")) {
            return failure_response(req, error_body(403, 40333, "internal network error (missing DiscordBot User-Agent)"));
        }
        json body;
        if (!req.body().empty()) {
            if (!std::string_view(req[http::field::content_type]).starts_with("application/json")) {
                return failure_response(req, error_body(400, 50035, "Invalid Form Body (Content-Type must be application/json)"));
            }
            body = json::parse(req.body(), nullptr, false);
            if (body.is_discarded()) return failure_response(req, error_body(400, 50109, "The request body contains invalid JSON."));
        }
        if (route == std::vector<std::string>{"gateway", "bot"}) {
            if (method != "GET") return failure_response(req, error_body(405, 0, "405: Method Not Allowed"));
            return json_response(req, 200,
                                 {{"url", gateway_url()},
                                  {"shards", 1},
                                  {"session_start_limit",
                                   {{"total", 1000}, {"remaining", 1000 - session_counter}, {"reset_after", 86400000},
                                    {"max_concurrency", 1}}}});
        }
        if (route.size() == 5 && route[0] == "applications" && route[2] == "guilds" && route[4] == "commands") {
            if (method == "GET") return json_response(req, 200, state.commands());
            if (method != "PUT") return failure_response(req, error_body(405, 0, "405: Method Not Allowed"));
            auto result = state.overwrite_guild_commands(route[1], route[3], body);
            if (auto* f = std::get_if<api_failure>(&result)) return failure_response(req, *f);
            log("commands registered: " + std::to_string(std::get<json>(result).size()));
            return json_response(req, 200, std::get<json>(result));
        }
        if (callback) {
            if (method != "POST") return failure_response(req, error_body(405, 0, "405: Method Not Allowed"));
            if (auto f = state.interaction_callback(route[1], route[2], body)) {
                log("interaction callback refused: " + f->body.dump());
                return failure_response(req, *f);
            }
            return json_response(req, 204, nullptr);
        }
        if (route == std::vector<std::string>{"users", "@me"} && method == "GET") {
            return json_response(req, 200, state.ready("", "")["user"]);
        }
        return failure_response(req, error_body(404, 0, "404: Not Found"));
    }

    // --- Gateway (TLS WebSocket) -------------------------------------------------------------
    net::awaitable<void> gateway_session(tls_stream stream, request req) {
        auto conn = std::make_shared<gateway_connection>(std::move(stream));
        const std::string target(req.target());
        conn->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        conn->ws.read_message_max(64 * 1024);
        auto [aec] = co_await conn->ws.async_accept(req, use_tuple);
        if (aec) co_return;
        net::co_spawn(io, gateway_writer(conn), net::detached);
        if (target.find("v=10") == std::string::npos || target.find("encoding=json") == std::string::npos) {
            conn->close(4012);  // invalid API version / encoding
        } else {
            conn->send({{"op", 10}, {"d", {{"heartbeat_interval", options.heartbeat_interval_ms}}}, {"s", nullptr}, {"t", nullptr}});
        }
        beast::flat_buffer buffer;
        while (conn->open) {
            buffer.clear();
            auto [ec, n] = co_await conn->ws.async_read(buffer, use_tuple);
            if (ec) break;
            if (n > gateway_payload_max) {
                conn->close(4002);
                continue;
            }
            const json frame = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
            if (frame.is_discarded() || !frame.is_object() || !frame.contains("op") || !frame["op"].is_number_integer()) {
                conn->close(4002);
                continue;
            }
            on_gateway_frame(conn, frame);
        }
        conn->open = false;
        conn->wake.cancel();
        if (active == conn) active.reset();
        log("gateway: connection closed");
    }

    void on_gateway_frame(const std::shared_ptr<gateway_connection>& conn, const json& frame) {
        const int op = frame["op"].get<int>();
        const json d = frame.value("d", json());
        switch (op) {
            case 1: conn->send({{"op", 11}}); return;
            case 2: {
                if (!conn->session_id.empty()) return conn->close(4005);
                if (!d.is_object() || d.value("token", "") != state.token()) return conn->close(4004);
                if (!d.contains("intents") || !d["intents"].is_number_unsigned()) return conn->close(4013);
                constexpr std::uint64_t undefined_bits = (7ULL << 17) | (3ULL << 22);
                if ((d["intents"].get<std::uint64_t>() & undefined_bits) != 0 || d["intents"].get<std::uint64_t>() >= (1ULL << 26)) {
                    return conn->close(4013);
                }
                if (!d.contains("properties") || !d["properties"].is_object()) return conn->close(4001);
                conn->session_id = "sandbox-session-" + std::to_string(++session_counter);
                sessions[conn->session_id] = session_state{};
                active = conn;
                log("gateway: IDENTIFY ok, session " + conn->session_id);
                dispatch("READY", state.ready(conn->session_id, gateway_url()));
                dispatch("GUILD_CREATE", state.guild_create());
                return;
            }
            case 6: {
                if (!d.is_object() || d.value("token", "") != state.token()) return conn->close(4004);
                const auto s = sessions.find(d.value("session_id", ""));
                if (s == sessions.end() || !d.contains("seq") || !d["seq"].is_number_integer()) {
                    conn->send({{"op", 9}, {"d", false}});
                    return;
                }
                const auto seq = d["seq"].get<std::int64_t>();
                if (seq > s->second.seq) return conn->close(4007);
                conn->session_id = s->first;
                active = conn;
                for (const auto& event : s->second.log) {
                    if (event["s"].get<std::int64_t>() > seq) conn->send(event);
                }
                dispatch("RESUMED", json::object());
                log("gateway: RESUME ok, session " + conn->session_id);
                return;
            }
            case 3:
            case 8:
                if (conn->session_id.empty()) return conn->close(4003);
                return;
            default: return conn->close(4001);
        }
    }

    /// Sends a dispatch to the active session, recording it for RESUME replay.
    bool dispatch(const std::string& event, const json& d) {
        if (!active || !active->open) return false;
        session_state& s = sessions[active->session_id];
        json frame{{"op", 0}, {"t", event}, {"s", ++s.seq}, {"d", d}};
        s.log.push_back(frame);
        if (s.log.size() > replay_log_max) s.log.pop_front();
        active->send(frame);
        return true;
    }

    net::awaitable<void> gateway_writer(std::shared_ptr<gateway_connection> conn) {
        while (conn->open) {
            if (conn->outbox.empty() && conn->close_code != 0) {
                log("gateway: closing with " + std::to_string(conn->close_code));
                auto [cec] = co_await conn->ws.async_close(websocket::close_reason(conn->close_code), use_tuple);
                (void)cec;
                conn->open = false;
                break;
            }
            if (conn->outbox.empty()) {
                conn->wake.expires_at(net::steady_timer::time_point::max());
                auto [ec] = co_await conn->wake.async_wait(use_tuple);
                (void)ec;
                continue;
            }
            const std::string frame = std::move(conn->outbox.front());
            conn->outbox.pop_front();
            conn->ws.text(true);
            auto [ec, n] = co_await conn->ws.async_write(net::buffer(frame), use_tuple);
            (void)n;
            if (ec) {
                conn->open = false;
                break;
            }
        }
    }

    // --- control API (plain HTTP) ------------------------------------------------------------
    net::awaitable<void> control_session(beast::tcp_stream stream) {
        auto self = shared_from_this();
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(request_body_limit);
            stream.expires_after(120s);
            auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            (void)rn;
            if (rec) co_return;
            request req = parser.release();
            response res;
            try {
                res = co_await handle_control(req);
            } catch (const std::exception& e) {
                log(std::string("control: internal error: ") + e.what());
                res = json_response(req, 500, {{"error", std::string("sandbox internal error: ") + e.what()}});
            }
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !res.keep_alive()) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    net::awaitable<response> handle_control(const request& req) {
        const auto parts = split_path(req.target());
        const bool post = req.method() == http::verb::post;
        if (parts.size() < 2 || parts[0] != "_sandbox") co_return json_response(req, 404, {{"error", "unknown control route; see docs/sandbox.md"}});
        const std::string& what = parts[1];
        if (what == "state" && req.method() == http::verb::get) {
            co_return json_response(req, 200,
                                    {{"bot_connected", active != nullptr},
                                     {"session_id", active ? active->session_id : ""},
                                     {"guild_id", state.ids().guild_id},
                                     {"staff_role_id", state.ids().staff_role_id},
                                     {"staff_user_id", state.ids().staff_user_id},
                                     {"customer_user_id", state.ids().customer_user_id},
                                     {"members", state.members_json()},
                                     {"commands", state.commands()}});
        }
        if (what == "messages" && parts.size() == 3 && req.method() == http::verb::get) {
            const json* m = state.find_message(parts[2]);
            if (m == nullptr) co_return json_response(req, 404, {{"error", "no such message"}});
            co_return json_response(req, 200, *m);
        }
        if ((what == "commands" || what == "components") && post) {
            const json body = json::parse(req.body(), nullptr, false);
            if (body.is_discarded()) co_return json_response(req, 400, {{"error", "body is not valid JSON"}});
            if (!active) co_return json_response(req, 409, {{"error", "the bot is not connected to the gateway"}});
            auto built = what == "commands" ? state.command_interaction(body) : state.component_interaction(body);
            if (auto* f = std::get_if<api_failure>(&built)) co_return failure_response(req, *f);
            const json interaction = std::get<json>(built);
            const std::string id = interaction["id"].get<std::string>();
            dispatch("INTERACTION_CREATE", interaction);
            co_return co_await await_callback(req, id);
        }
        co_return json_response(req, 404, {{"error", "unknown control route; see docs/sandbox.md"}});
    }

    /// Waits (polling every 10 ms) for the bot's callback, up to the 3 s deadline plus slack.
    net::awaitable<response> await_callback(const request& req, const std::string& id) {
        net::steady_timer timer(io);
        const auto give_up = steady::now() + interaction_deadline + 500ms;
        while (steady::now() < give_up) {
            const pending_interaction* p = state.find_interaction(id);
            if (p != nullptr && p->acknowledged) {
                json out{{"interaction_id", id}, {"response", p->callback}};
                if (p->message_id) out["message_id"] = *p->message_id;
                co_return json_response(req, 200, out);
            }
            timer.expires_after(10ms);
            co_await timer.async_wait(use_tuple);
        }
        co_return json_response(req, 504, {{"error", "the bot did not answer within Discord's 3 s deadline "
                                                     "(a Discord client would show 'This interaction failed')"},
                                           {"interaction_id", id}});
    }
};

sandbox_server::sandbox_server(net::io_context& io, server_options options, const tls_identity& identity)
    : impl_(std::make_shared<impl>(io, std::move(options), identity)) {}

sandbox_server::~sandbox_server() = default;

void sandbox_server::start() {
    net::co_spawn(impl_->io, impl_->accept_api(), net::detached);
    net::co_spawn(impl_->io, impl_->accept_control(), net::detached);
}

std::uint16_t sandbox_server::port() const { return impl_->api_acceptor.local_endpoint().port(); }
std::uint16_t sandbox_server::control_port() const { return impl_->control_acceptor.local_endpoint().port(); }
std::string sandbox_server::api_base() const { return "https://" + impl_->host_port(port()) + "/api/v10"; }
std::string sandbox_server::gateway_url() const { return impl_->gateway_url(); }
std::string sandbox_server::control_url() const { return "http://" + impl_->host_port(control_port()); }
const world& sandbox_server::state() const { return impl_->state; }

}  // namespace apexcore::sandbox
