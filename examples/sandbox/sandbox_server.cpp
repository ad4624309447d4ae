// apexcore-sandbox, Discord side: the TLS port (REST and gateway) and the gateway; the REST API
// itself is in sandbox_rest.cpp.
#include "sandbox_impl.hpp"

#include <boost/url/parse.hpp>

#include <iostream>

namespace apexcore::sandbox {

using namespace std::chrono_literals;

namespace {

constexpr std::size_t gateway_payload_max = 4096;  // REFERENCE.md §1.3
constexpr std::size_t replay_log_max = 1000;

}  // namespace

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

/// The decoded, non-empty segments of a request target's path (Boost.URL: `%40original` is
/// `@original`, which discord.js sends); a target that is not a valid origin-form has none.
std::map<std::string, std::string> query_of(std::string_view target) {
    std::map<std::string, std::string> out;
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return out;
    for (const auto& param : parsed->params()) out[param.key] = param.value;
    return out;
}

std::vector<std::string> split_path(std::string_view target) {
    std::vector<std::string> parts;
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return parts;
    for (const auto& segment : parsed->segments()) {
        if (!segment.empty()) parts.push_back(segment);
    }
    return parts;
}

sandbox_server::impl::impl(net::io_context& io_context, server_options opts, const tls_identity& identity)
    : io(io_context), options(std::move(opts)), tls(ssl::context::tls_server), api_acceptor(io_context),
      control_acceptor(io_context), state(options.token, world_ids{}, options.text_channels),
      limits(limit_config{options.route_limit, options.route_window, options.global_per_second}) {
    tls.use_certificate_chain(net::buffer(identity.certificate_pem));
    tls.use_private_key(net::buffer(identity.private_key_pem), ssl::context::pem);
    const auto address = net::ip::make_address(options.host);
    for (auto* acceptor : {&api_acceptor, &control_acceptor}) {
        const tcp::endpoint ep(address, acceptor == &api_acceptor ? options.port : options.control_port);
        acceptor->open(ep.protocol());
        acceptor->set_option(net::socket_base::reuse_address(true));
        acceptor->bind(ep);
        acceptor->listen();
    }
}

void sandbox_server::impl::log(const std::string& line) { std::cout << "sandbox: " << line << std::endl; }

std::function<void(std::exception_ptr)> sandbox_server::impl::supervised(std::string what, bool fatal) {
    return [what = std::move(what), fatal](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            log(what + ": failed: " + x.what());
        } catch (...) {
            log(what + ": failed");
        }
        if (fatal) std::rethrow_exception(e);
    };
}

net::awaitable<void> sandbox_server::impl::pause_after_accept_error(const char* what, boost::system::error_code ec) {
    // e.g. EMFILE: say so, and keep accepting after a pause (an accept loop that returns is deaf).
    log(std::string(what) + ": accept failed: " + ec.message());
    net::steady_timer pause(io, 50ms);
    co_await pause.async_wait(use_tuple);
}

net::awaitable<void> sandbox_server::impl::accept_api() {
    for (;;) {
        auto [ec, socket] = co_await api_acceptor.async_accept(use_tuple);
        if (ec == net::error::operation_aborted) co_return;
        if (ec) {
            co_await pause_after_accept_error("api", ec);
            continue;
        }
        net::co_spawn(io, api_session(std::move(socket)), supervised("api connection", false));
    }
}

net::awaitable<void> sandbox_server::impl::api_session(tcp::socket socket) {
    auto self = shared_from_this();
    tls_stream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(30s);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (hec) co_return;
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(api_request_body_limit);
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
        if (faults.stall_callbacks > 0 && req.method() == http::verb::post &&
            std::string_view(req.target()).find("/callback") != std::string_view::npos) {
            // A hung server: the request is read but neither applied nor answered for a while.
            --faults.stall_callbacks;
            ++stats.callbacks_stalled;
            log("fault: stalling " + std::string(req.target()).substr(0, 48) + " for " + std::to_string(faults.stall.count()) + " ms");
            net::steady_timer hold(io, faults.stall);
            co_await hold.async_wait(use_tuple);
        }
        // A stalled bucket: the request is accepted (and counted by the rate limits) at once, but
        // answered only after a while — a slow route on Discord's side.
        const bool stalled = faults.stall_route_count > 0 && std::string_view(req.target()).starts_with(faults.stall_route_path);
        if (stalled) {
            --faults.stall_route_count;
            ++stats.requests_stalled;
        }
        if (req.method() == http::verb::post) {
            const std::string fingerprint = std::string(req.target()) + "\n" + req.body();
            if (++stats.post_fingerprints[fingerprint] > 1) ++stats.posts_repeated;
        }
        response res;
        try {
            res = std::string_view(req.target()).starts_with("/attachments/") ? serve_file(req) : handle_rest(req);
        } catch (const std::exception& e) {
            log(std::string("api: internal error: ") + e.what());
            res = failure_response(req, error_body(500, 0, "500: Internal Server Error"));
        }
        if (faults.rest_delay.count() > 0 || stalled) {
            net::steady_timer delay(io, stalled ? faults.stall_route : faults.rest_delay);
            co_await delay.async_wait(use_tuple);
        }
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        (void)wn;
        if (wec || !res.keep_alive()) break;
    }
    beast::get_lowest_layer(stream).expires_after(5s);
    co_await stream.async_shutdown(use_tuple);
}

net::awaitable<void> sandbox_server::impl::gateway_session(tls_stream stream, request req) {
    auto conn = std::make_shared<gateway_connection>(std::move(stream));
    const std::string target(req.target());
    conn->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    conn->ws.read_message_max(64 * 1024);
    auto [aec] = co_await conn->ws.async_accept(req, use_tuple);
    if (aec) co_return;
    ++stats.gateway_connections;
    net::co_spawn(io, gateway_writer(conn), supervised("gateway writer", false));
    net::co_spawn(io, heartbeat_watchdog(conn), supervised("gateway heartbeat watchdog", false));
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
    if (const auto it = connections.find(conn->shard_id); it != connections.end() && it->second == conn) {
        connections.erase(it);
    }
    if (const auto s = sessions.find(conn->session_id); s != sessions.end()) s->second.disconnected_at = steady::now();
    log("gateway: connection closed");
}

net::awaitable<void> sandbox_server::impl::heartbeat_watchdog(std::shared_ptr<gateway_connection> conn) {
    // Discord closes a connection that stops heartbeating (REFERENCE.md §1.6). The first beat is
    // due within one interval (interval x jitter), then one per interval; allow twice that plus 1 s.
    const auto allowed = std::chrono::milliseconds(2 * options.heartbeat_interval_ms + 1000);
    net::steady_timer timer(io);
    while (conn->open) {
        timer.expires_after(std::max<std::chrono::milliseconds>(allowed / 4, 50ms));
        co_await timer.async_wait(use_tuple);
        if (!conn->open || conn->close_code != 0) co_return;
        if (conn->stalled) continue;  // a hung server closes nothing
        if (steady::now() - conn->last_heartbeat > allowed) {
            log("gateway: no heartbeat for " + std::to_string(allowed.count()) + " ms: closing 4009");
            conn->close(4009);
            co_return;
        }
    }
}

void sandbox_server::impl::on_gateway_frame(const std::shared_ptr<gateway_connection>& conn, const json& frame) {
    if (conn->stalled) return;
    // 120 events per connection per 60 s, heartbeats included; more closes with 4008 (REFERENCE.md §1.12).
    const auto received_at = steady::now();
    while (!conn->received.empty() && received_at - conn->received.front() >= 60s) conn->received.pop_front();
    conn->received.push_back(received_at);
    if (conn->received.size() > gateway_sends_per_minute_max) {
        log("gateway: more than 120 events in 60 s: closing 4008");
        return conn->close(4008);
    }
    const int op = frame["op"].get<int>();
    const json d = frame.value("d", json());
    switch (op) {
        case 1:
            ++stats.heartbeats;
            conn->last_heartbeat = steady::now();
            if (faults.heartbeat_ack) conn->send({{"op", 11}});
            return;
        case 2: {
            if (!conn->session_id.empty()) return conn->close(4005);
            if (!d.is_object() || d.value("token", "") != state.token()) return conn->close(4004);
            if (!d.contains("intents") || !d["intents"].is_number_unsigned()) return conn->close(4013);
            constexpr std::uint64_t undefined_bits = (7ULL << 17) | (3ULL << 22);
            const auto intents = d["intents"].get<std::uint64_t>();
            if ((intents & undefined_bits) != 0 || intents >= (1ULL << 26)) return conn->close(4013);
            conn->intents = intents;
            if (!d.contains("properties") || !d["properties"].is_object()) return conn->close(4001);
            int shard = 0;
            int total = 1;
            if (d.contains("shard")) {
                const json& sh = d["shard"];
                if (!sh.is_array() || sh.size() != 2 || !sh[0].is_number_integer() || !sh[1].is_number_integer()) {
                    return conn->close(4001);
                }
                shard = sh[0].get<int>();
                total = sh[1].get<int>();
            }
            if (total != options.shards || shard < 0 || shard >= total) {
                return conn->close(total < options.shards ? 4011 : 4010);  // sharding required / invalid shard
            }
            // max_concurrency: one IDENTIFY per 5 s per rate-limit key, else op 9 (REFERENCE.md §1.12).
            const int key = shard % options.max_concurrency;
            const auto now = steady::now();
            if (const auto last = last_identify.find(key); last != last_identify.end() && now - last->second < 5s) {
                log("gateway: IDENTIFY too soon for rate-limit key " + std::to_string(key) + ": op 9");
                conn->send({{"op", 9}, {"d", false}, {"s", nullptr}, {"t", nullptr}});
                return;
            }
            last_identify[key] = now;
            ++stats.identifies;
            ++session_counter;
            conn->session_id = "sandbox-session-" + std::to_string(session_counter);
            conn->shard_id = shard;
            sessions[conn->session_id] = session_state{shard, 0, {}};
            connections[shard] = conn;
            log("gateway: IDENTIFY ok, shard " + std::to_string(shard) + "/" + std::to_string(total) + ", session " +
                conn->session_id);
            json ready = state.ready(conn->session_id, gateway_url());
            if (d.contains("shard")) ready["shard"] = d["shard"];
            dispatch_to(conn, "READY", ready);
            if (shard == guild_shard()) dispatch_to(conn, "GUILD_CREATE", state.guild_create());
            return;
        }
        case 6: {
            if (!d.is_object() || d.value("token", "") != state.token()) return conn->close(4004);
            const auto s = sessions.find(d.value("session_id", ""));
            const bool expired = s != sessions.end() && s->second.disconnected_at &&
                                 steady::now() - *s->second.disconnected_at > options.session_ttl;
            if (expired) {
                log("gateway: RESUME refused, session " + s->first + " expired");
                sessions.erase(s);
            }
            if (expired || s == sessions.end() || !d.contains("seq") || !d["seq"].is_number_integer()) {
                conn->send({{"op", 9}, {"d", false}});
                return;
            }
            const auto seq = d["seq"].get<std::int64_t>();
            if (seq > s->second.seq) return conn->close(4007);
            ++stats.resumes;
            s->second.disconnected_at.reset();
            conn->session_id = s->first;
            conn->shard_id = s->second.shard_id;
            connections[conn->shard_id] = conn;
            for (const auto& event : s->second.log) {
                if (event["s"].get<std::int64_t>() > seq) conn->send(event);
            }
            dispatch_to(conn, "RESUMED", json::object());
            log("gateway: RESUME ok, session " + conn->session_id + " from seq " + std::to_string(seq));
            return;
        }
        case 3:
        case 8:
            if (conn->session_id.empty()) return conn->close(4003);
            return;
        default: return conn->close(4001);
    }
}

int sandbox_server::impl::guild_shard() const {
    return static_cast<int>((std::stoull(state.ids().guild_id) >> 22) % static_cast<std::uint64_t>(options.shards));
}

std::shared_ptr<gateway_connection> sandbox_server::impl::active() const {
    const auto it = connections.find(guild_shard());
    return it == connections.end() ? nullptr : it->second;
}

bool sandbox_server::impl::dispatch(const std::string& event, const json& d) { return dispatch_to(active(), event, d); }

bool sandbox_server::impl::dispatch_to(const std::shared_ptr<gateway_connection>& conn, const std::string& event,
                                       const json& d) {
    // Sessions keep their events while no connection is attached, for RESUME to replay.
    if (!conn) return false;
    session_state& s = sessions[conn->session_id];
    json frame{{"op", 0}, {"t", event}, {"s", ++s.seq}, {"d", d}};
    s.log.push_back(frame);
    if (s.log.size() > replay_log_max) s.log.pop_front();
    if (conn->open && !conn->stalled) conn->send(frame);
    return true;
}

net::awaitable<void> sandbox_server::impl::gateway_writer(std::shared_ptr<gateway_connection> conn) {
    while (conn->open) {
        if (conn->drop) {
            beast::get_lowest_layer(conn->ws).close();
            conn->open = false;
            break;
        }
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

sandbox_server::sandbox_server(net::io_context& io, server_options options, const tls_identity& identity)
    : impl_(std::make_shared<impl>(io, std::move(options), identity)) {}

sandbox_server::~sandbox_server() = default;

void sandbox_server::start() {
    net::co_spawn(impl_->io, impl_->accept_api(), impl::supervised("api accept loop", true));
    net::co_spawn(impl_->io, impl_->accept_control(), impl::supervised("control accept loop", true));
}

std::uint16_t sandbox_server::port() const { return impl_->api_acceptor.local_endpoint().port(); }
std::uint16_t sandbox_server::control_port() const { return impl_->control_acceptor.local_endpoint().port(); }
std::string sandbox_server::api_base() const { return "https://" + impl_->host_port(port()) + "/api/v10"; }
std::string sandbox_server::gateway_url() const { return impl_->gateway_url(); }
std::string sandbox_server::control_url() const { return "http://" + impl_->host_port(control_port()); }
const world& sandbox_server::state() const { return impl_->state; }
std::string sandbox_server::public_key_hex() const { return impl_->signer.public_key_hex(); }

}  // namespace apexcore::sandbox
