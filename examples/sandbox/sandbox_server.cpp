// apexcore-sandbox, Discord side: the REST API under /api/v10 and the gateway, on one TLS port.
#include "sandbox_impl.hpp"
#include "multipart.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

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

void sandbox_server::impl::store_file(const std::string& id, stored_file f) {
    file_bytes += f.bytes.size();
    files[id] = std::move(f);
    file_order.push_back(id);
    while (file_bytes > file_bytes_max && !file_order.empty()) {
        const auto old = files.find(file_order.front());
        if (old != files.end()) {
            file_bytes -= old->second.bytes.size();
            files.erase(old);
        }
        file_order.pop_front();
    }
}

response sandbox_server::impl::serve_file(const request& req) {
    // GET /attachments/<id>/<filename>: no Authorization (a CDN link is the credential).
    const auto parts = split_path(req.target());
    const auto it = parts.size() == 3 ? files.find(parts[1]) : files.end();
    if (req.method() != http::verb::get || it == files.end()) {
        response res{http::status::not_found, req.version()};
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        return res;
    }
    response res{http::status::ok, req.version()};
    res.set(http::field::content_type, it->second.content_type.empty() ? "application/octet-stream" : it->second.content_type);
    res.keep_alive(req.keep_alive());
    res.body() = it->second.bytes;
    res.prepare_payload();
    return res;
}

response sandbox_server::impl::handle_rest(const request& req) {
    response res = answer_rest(req);
    // Discord's API answers through Google's front end and says so; libraries rely on it — discord.py
    // treats a 429 without `Via` as a Cloudflare ban and does not retry it.
    res.set(http::field::via, "1.1 google");
    return res;
}

response sandbox_server::impl::answer_rest(const request& req) {
    ++stats.rest_requests;
    const auto parts = split_path(req.target());
    const std::string method(req.method_string());
    if (parts.size() < 2 || parts[0] != "api" || parts[1] != "v10") {
        return failure_response(req, error_body(404, 0, "404: Not Found (the sandbox serves /api/v10 only)"));
    }
    const std::vector<std::string> route(parts.begin() + 2, parts.end());
    std::string path;
    for (const auto& p : route) path += "/" + p;
    ++stats.by_route[method + " " + path.substr(0, 40)];
    const bool token_route = !route.empty() && (route[0] == "interactions" || route[0] == "webhooks");
    if (!token_route && req[http::field::authorization] != "Bot " + state.token()) {
        return failure_response(req, error_body(401, 0, "401: Unauthorized"));
    }
    // Discord asks for the DiscordBot User-Agent on bot-authenticated requests; interaction callbacks
    // and webhooks (authenticated by their token) are sent by any client (REFERENCE.md §2.1).
    if (!token_route && !req[http::field::user_agent].starts_with("DiscordBot (")) {
        return failure_response(req, error_body(403, 40333, "internal network error (missing DiscordBot User-Agent)"));
    }
    // Injected faults come first, like an overloaded Discord would answer.
    if (faults.rest_429_count > 0) {
        --faults.rest_429_count;
        ++stats.rest_429;
        ++stats.rest_429_injected;
        const limit_decision d = make_429(faults.rest_429_retry_after, "user", "injected");
        response res = json_response(req, 429, d.body);
        for (const auto& [k, v] : d.headers) res.set(k, v);
        return res;
    }
    if (faults.rest_error_count > 0) {
        --faults.rest_error_count;
        ++stats.rest_errors_injected;
        return failure_response(req, error_body(faults.rest_error_status, 0, "injected server error"));
    }
    const limit_decision decision = limits.check(method, path, rate_limits::clock::now());
    if (!decision.allowed) {
        ++stats.rest_429;
        response res = json_response(req, 429, decision.body);
        for (const auto& [k, v] : decision.headers) res.set(k, v);
        return res;
    }
    // X-Audit-Log-Reason: 1..512 URL-encoded UTF-8 characters (REFERENCE.md §2.1).
    if (const auto reason_header = req.find("X-Audit-Log-Reason"); reason_header != req.end()) {
        const auto decoded = boost::urls::make_pct_string_view(std::string_view(reason_header->value()));
        if (!decoded || decoded->decoded_size() == 0 || decoded->decoded_size() > 512 * 4) {
            return failure_response(req, error_body(400, 50035, "Invalid Form Body (X-Audit-Log-Reason must be 1-512 URL-encoded characters)"));
        }
        audit_log.push_back({{"method", method}, {"path", path}, {"reason", decoded->decode()}});
        if (audit_log.size() > audit_log_max) audit_log.pop_front();
    }
    rest_call call;
    call.route = route;
    call.query = query_of(req.target());
    if (!req.body().empty()) {
        const std::string_view content_type = req[http::field::content_type];
        if (content_type.starts_with("multipart/form-data")) {
            auto decoded = parse_multipart(content_type, req.body());
            if (auto* reason = std::get_if<std::string>(&decoded)) {
                return failure_response(req, error_body(400, 50035, "Invalid Form Body (" + *reason + ")"));
            }
            auto& form = std::get<multipart_body>(decoded);
            if (form.files.size() > 10) return failure_response(req, error_body(400, 30015, "Maximum number of attachments in a message reached (10)"));
            call.body = std::move(form.payload);
            for (const auto& f : form.files) {
                if (f.bytes.size() > 10 * 1024 * 1024) {
                    return failure_response(req, error_body(413, 40005, "Request entity too large"));
                }
                const std::string id = state.next_snowflake();
                // Served by the sandbox itself, as Discord's CDN serves uploads (signed URLs there).
                const std::string url = "https://" + host_port(api_acceptor.local_endpoint().port()) + "/attachments/" + id + "/" +
                                        boost::urls::encode(f.filename, boost::urls::unreserved_chars);
                json a{{"id", id},
                       {"filename", f.filename},
                       {"size", f.bytes.size()},
                       {"url", url},
                       {"proxy_url", url},
                       {"content_type", f.content_type.empty() ? json(nullptr) : json(f.content_type)}};
                store_file(id, {f.content_type, f.bytes});
                // payload_json.attachments[].id refers to files[n] and may add a description.
                for (const auto& meta : call.body.value("attachments", json::array())) {
                    if (meta.is_object() && meta.value("id", -1) == f.index && meta.contains("description")) {
                        a["description"] = meta["description"];
                    }
                }
                call.attachments.push_back(std::move(a));
            }
            call.body.erase("attachments");
        } else if (!content_type.starts_with("application/json")) {
            return failure_response(req, error_body(400, 50035, "Invalid Form Body (Content-Type must be application/json or multipart/form-data)"));
        } else {
            call.body = json::parse(req.body(), nullptr, false);
            if (call.body.is_discarded()) return failure_response(req, error_body(400, 50109, "The request body contains invalid JSON."));
        }
    }
    response res = route_rest(req, call);
    announce(method, call, res);
    for (const auto& [k, v] : decision.headers) res.set(k, v);
    return res;
}

void sandbox_server::impl::announce(const std::string& method, const rest_call& call, const response& res) {
    // The dispatches Discord sends for what the bot changed (GUILDS intent, REFERENCE.md §1.14).
    if (res.result_int() >= 300) return;
    const auto& r = call.route;
    const json changed = res.body().empty() ? json() : json::parse(res.body(), nullptr, false);
    if (r.size() == 3 && r[0] == "guilds" && r[2] == "channels" && method == "POST") dispatch("CHANNEL_CREATE", changed);
    if (r.size() == 2 && r[0] == "channels" && method == "PATCH") dispatch("CHANNEL_UPDATE", changed);
    if (r.size() == 2 && r[0] == "channels" && method == "DELETE") dispatch("CHANNEL_DELETE", changed);
    if (r.size() == 3 && r[0] == "guilds" && r[2] == "roles" && method == "POST") {
        dispatch("GUILD_ROLE_CREATE", json{{"guild_id", r[1]}, {"role", changed}});
    }
}

response sandbox_server::impl::route_rest(const request& req, const rest_call& call) {
    const std::string method(req.method_string());
    const auto& route = call.route;
    const json& body = call.body;
    const auto unwrap = [&req](std::variant<json, api_failure> result, unsigned ok_status) {
        if (auto* f = std::get_if<api_failure>(&result)) return failure_response(req, *f);
        return json_response(req, ok_status, std::get<json>(result));
    };
    if (route == std::vector<std::string>{"gateway", "bot"} && method == "GET") {
        return json_response(req, 200,
                             {{"url", gateway_url()},
                              {"shards", options.shards},
                              {"session_start_limit",
                               {{"total", 1000}, {"remaining", std::max(0, options.session_starts - session_counter)},
                                {"reset_after", 86400000}, {"max_concurrency", options.max_concurrency}}}});
    }
    if (route.size() == 5 && route[0] == "applications" && route[2] == "guilds" && route[4] == "commands") {
        if (method == "GET") return json_response(req, 200, state.commands());
        if (method != "PUT") return failure_response(req, error_body(405, 0, "405: Method Not Allowed"));
        auto result = state.overwrite_guild_commands(route[1], route[3], body);
        if (std::holds_alternative<json>(result)) log("commands registered: " + std::to_string(std::get<json>(result).size()));
        return unwrap(std::move(result), 200);
    }
    if (route.size() == 4 && route[0] == "interactions" && route[3] == "callback" && method == "POST") {
        if (auto f = state.interaction_callback(route[1], route[2], body)) {
            if (f->body.value("code", 0) == 40060) ++stats.callbacks_repeated;
            log("interaction callback refused: " + f->body.dump());
            return failure_response(req, *f);
        }
        return json_response(req, 204, nullptr);
    }
    if (route.size() == 5 && route[0] == "webhooks" && route[3] == "messages") {
        auto result = route[4] == "@original" && method == "PATCH" ? state.edit_original(route[1], route[2], body, call.attachments)
                                                                    : state.webhook_message(method, route[1], route[2], route[4], body);
        if (method == "DELETE" && std::holds_alternative<json>(result)) return json_response(req, 204, nullptr);
        return unwrap(std::move(result), 200);
    }
    if (route.size() == 3 && route[0] == "webhooks" && method == "POST") {
        return unwrap(state.followup(route[1], route[2], body, call.attachments), 200);
    }
    const auto done_or = [&req](std::optional<api_failure> failure) {
        return failure ? failure_response(req, *failure) : json_response(req, 204, nullptr);
    };
    if (route.size() == 3 && route[0] == "channels" && route[2] == "messages") {
        if (method == "POST") return unwrap(state.create_message(route[1], body, call.attachments), 200);
        if (method == "GET") return unwrap(state.channel_messages(route[1], call.query), 200);
    }
    if (route.size() == 4 && route[0] == "channels" && route[2] == "messages") {
        if (method == "PATCH") return unwrap(state.edit_message(route[1], route[3], body), 200);
        if (method == "DELETE") return done_or(state.delete_message(route[1], route[3]));
    }
    if (route.size() == 2 && route[0] == "channels") {
        if (method == "GET") return unwrap(state.get_channel(route[1]), 200);
        if (method == "PATCH") return unwrap(state.modify_channel(route[1], body), 200);
        if (method == "DELETE") return unwrap(state.delete_channel(route[1]), 200);
    }
    if (route.size() == 3 && route[0] == "guilds" && route[2] == "channels") {
        if (method == "POST") return unwrap(state.create_channel(route[1], body), 201);
    }
    if (route.size() == 3 && route[0] == "guilds" && route[2] == "roles") {
        if (method == "GET") return unwrap(state.list_roles(route[1]), 200);
        if (method == "POST") return unwrap(state.create_role(route[1], body), 200);
    }
    if (route.size() == 6 && route[0] == "guilds" && route[2] == "members" && route[4] == "roles" &&
        (method == "PUT" || method == "DELETE")) {
        return done_or(state.member_role(route[1], route[3], route[5], method == "PUT"));
    }
    if (route.size() == 4 && route[0] == "guilds" && route[2] == "members" && method == "GET") {
        return unwrap(state.get_member(route[1], route[3]), 200);
    }
    if (route == std::vector<std::string>{"users", "@me", "channels"} && method == "POST") {
        return unwrap(state.open_dm(body), 200);
    }
    if ((route == std::vector<std::string>{"applications", "@me"} ||
         route == std::vector<std::string>{"oauth2", "applications", "@me"}) &&
        method == "GET") {
        // openapi.json PrivateApplicationResponse's required fields, plus the bot fields libraries read.
        return json_response(req, 200,
                             {{"id", state.ids().application_id},
                              {"name", "apexbot"},
                              {"icon", nullptr},
                              {"description", ""},
                              {"summary", ""},
                              {"type", nullptr},
                              {"verify_key", signer.public_key_hex()},
                              {"flags", 0},
                              {"flags_new", "0"},
                              {"redirect_uris", json::array()},
                              {"rpc_origins", json::array()},
                              {"interactions_endpoint_url", interactions_url.empty() ? json(nullptr) : json(interactions_url)},
                              {"role_connections_verification_url", nullptr},
                              {"owner", user_json(state.ids().staff_user_id, "shop-owner", false)},
                              {"approximate_guild_count", 1},
                              {"approximate_user_install_count", 0},
                              {"approximate_user_authorization_count", 0},
                              {"explicit_content_filter", 0},
                              {"team", nullptr},
                              {"eligible_oauth2_scopes", json::array({"bot", "applications.commands"})},
                              {"bot_public", true},
                              {"bot_require_code_grant", false},
                              {"bot", user_json(state.ids().bot_user_id, "apexbot", true)}});
    }
    if (route == std::vector<std::string>{"users", "@me"} && method == "GET") {
        return json_response(req, 200, state.ready("", "")["user"]);
    }
    return failure_response(req, error_body(404, 0, "404: Not Found"));
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
