// apexcore-sandbox, control API (plain HTTP on loopback): act as guild members, inject faults,
// read statistics. Documented in docs/sandbox.md.
#include "sandbox_impl.hpp"

namespace apexcore::sandbox {

using namespace std::chrono_literals;

net::awaitable<void> sandbox_server::impl::accept_control() {
    for (;;) {
        auto [ec, socket] = co_await control_acceptor.async_accept(use_tuple);
        if (ec == net::error::operation_aborted) co_return;
        if (ec) {
            co_await pause_after_accept_error("control", ec);
            continue;
        }
        net::co_spawn(io, control_session(beast::tcp_stream(std::move(socket))), supervised("control connection", false));
    }
}

net::awaitable<void> sandbox_server::impl::control_session(beast::tcp_stream stream) {
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

json sandbox_server::impl::stats_json() const {
    json routes = json::object();
    for (const auto& [route, n] : stats.by_route) routes[route] = n;
    return {{"rest_requests", stats.rest_requests},
            {"rest_429", stats.rest_429},
            {"rest_429_injected", stats.rest_429_injected},
            {"rest_errors_injected", stats.rest_errors_injected},
            {"channel_messages", state.channel_message_count()},
            {"gateway_connections", stats.gateway_connections},
            {"identifies", stats.identifies},
            {"resumes", stats.resumes},
            {"heartbeats", stats.heartbeats},
            {"interactions_dispatched", stats.interactions_dispatched},
            {"callbacks_stalled", stats.callbacks_stalled},
            {"requests_stalled", stats.requests_stalled},
            {"callbacks_repeated", stats.callbacks_repeated},
            {"posts_repeated", stats.posts_repeated},
            {"by_route", routes}};
}

response sandbox_server::impl::set_faults(const request& req, const json& body) {
    if (!body.is_object()) return json_response(req, 400, {{"error", "body must be a JSON object"}});
    if (body.contains("heartbeat_ack")) faults.heartbeat_ack = body["heartbeat_ack"].get<bool>();
    if (body.contains("rest_error")) {
        const json& e = body["rest_error"];
        const unsigned status = e.value("status", 503U);
        if (status < 500 || status > 599) return json_response(req, 400, {{"error", "rest_error.status must be 5xx"}});
        const json path = e.value("path", json(""));
        if (!path.is_string() || (!path.get<std::string>().empty() && !path.get<std::string>().starts_with("/api/v10/"))) {
            return json_response(req, 400, {{"error", "rest_error.path must be a string starting with /api/v10/"}});
        }
        faults.rest_error_status = status;
        faults.rest_error_count = e.value("count", 1);
        faults.rest_error_path = path.get<std::string>();
    }
    if (body.contains("rest_429")) {
        faults.rest_429_count = body["rest_429"].value("count", 1);
        faults.rest_429_retry_after = body["rest_429"].value("retry_after", 0.5);
    }
    if (body.contains("rest_delay_ms")) faults.rest_delay = std::chrono::milliseconds(body["rest_delay_ms"].get<int>());
    if (body.contains("duplicate_interactions")) faults.duplicate_interactions = body["duplicate_interactions"].get<bool>();
    if (body.contains("stall_callbacks")) {
        const json& s = body["stall_callbacks"];
        faults.stall_callbacks = s.value("count", 1);
        faults.stall = std::chrono::milliseconds(s.value("ms", 60000));
    }
    if (body.contains("stall_route")) {
        const json& s = body["stall_route"];
        if (!s.is_object() || !s.contains("path") || !s["path"].is_string() || !s["path"].get<std::string>().starts_with("/api/v10/")) {
            return json_response(req, 400, {{"error", "stall_route needs {\"path\": \"/api/v10/...\", \"count\": N, \"ms\": MS}"}});
        }
        faults.stall_route_path = s["path"].get<std::string>();
        faults.stall_route_count = s.value("count", 1);
        faults.stall_route = std::chrono::milliseconds(s.value("ms", 10000));
    }
    if (body.contains("limits")) {
        limit_config c = limits.config();
        c.route_limit = body["limits"].value("route_limit", c.route_limit);
        c.route_window = std::chrono::milliseconds(body["limits"].value("route_window_ms", static_cast<int>(c.route_window.count())));
        c.global_per_second = body["limits"].value("global_per_second", c.global_per_second);
        limits.configure(c);
    }
    return json_response(req, 200, {{"heartbeat_ack", faults.heartbeat_ack},
                                     {"rest_error", {{"status", faults.rest_error_status}, {"count", faults.rest_error_count},
                                                    {"path", faults.rest_error_path}}},
                                     {"rest_429", {{"count", faults.rest_429_count}, {"retry_after", faults.rest_429_retry_after}}},
                                     {"rest_delay_ms", faults.rest_delay.count()},
                                     {"duplicate_interactions", faults.duplicate_interactions},
                                     {"stall_callbacks", {{"count", faults.stall_callbacks}, {"ms", faults.stall.count()}}},
                                     {"stall_route", {{"path", faults.stall_route_path}, {"count", faults.stall_route_count},
                                                      {"ms", faults.stall_route.count()}}}});
}

response sandbox_server::impl::gateway_action(const request& req, const json& body) {
    const auto active = this->active();
    if (!active) return json_response(req, 409, {{"error", "the bot is not connected to the gateway"}});
    const std::string action = body.is_object() ? body.value("action", "") : "";
    if (action == "reconnect") {
        active->send({{"op", 7}, {"d", nullptr}, {"s", nullptr}, {"t", nullptr}});
    } else if (action == "invalid_session") {
        const bool resumable = body.value("resumable", false);
        if (!resumable) sessions.erase(active->session_id);
        active->send({{"op", 9}, {"d", resumable}, {"s", nullptr}, {"t", nullptr}});
    } else if (action == "close") {
        const int code = body.value("code", 4000);
        if (code < 1000 || code > 4999) return json_response(req, 400, {{"error", "code must be 1000..4999"}});
        if (code == 4007 || code == 4009) sessions.erase(active->session_id);
        active->close(static_cast<std::uint16_t>(code));
    } else if (action == "drop") {
        active->drop = true;
        active->wake.cancel();
    } else if (action == "stall") {
        active->stalled = true;
    } else if (action == "heartbeat_request") {
        active->send({{"op", 1}, {"d", nullptr}});
    } else {
        return json_response(req, 400, {{"error", "action must be reconnect, invalid_session, close, drop, stall or heartbeat_request"}});
    }
    return json_response(req, 200, {{"session_id", active->session_id}, {"action", action}});
}

net::awaitable<response> sandbox_server::impl::handle_control(const request& req) {
    const auto parts = split_path(req.target());
    const bool post = req.method() == http::verb::post;
    const bool get = req.method() == http::verb::get;
    if (parts.size() < 2 || parts[0] != "_sandbox") co_return json_response(req, 404, {{"error", "unknown control route; see docs/sandbox.md"}});
    const std::string& what = parts[1];
    json body = req.body().empty() ? json::object() : json::parse(req.body(), nullptr, false);
    if (body.is_discarded()) co_return json_response(req, 400, {{"error", "body is not valid JSON"}});
    if (what == "state" && get) {
        co_return json_response(req, 200,
                                {{"bot_connected", active() != nullptr},
                                 {"session_id", active() ? active()->session_id : ""},
                                 {"shards_connected", connections.size()},
                                 {"guild_shard", guild_shard()},
                                 {"guild_id", state.ids().guild_id},
                                 {"staff_role_id", state.ids().staff_role_id},
                                 {"staff_user_id", state.ids().staff_user_id},
                                 {"customer_user_id", state.ids().customer_user_id},
                                 {"visitor_user_id", state.ids().visitor_user_id},
                                 {"channel_ids", state.channel_ids()},
                                 {"members", state.members_json()},
                                 {"commands", state.commands()}});
    }
    if (what == "stats" && get) co_return json_response(req, 200, stats_json());
    if (what == "guild" && get) co_return json_response(req, 200, state.guild_json());
    if (what == "audit-log" && get) co_return json_response(req, 200, json(audit_log));
    if (what == "bot-permissions" && post) {
        if (auto f = state.set_bot_permissions(body)) co_return failure_response(req, *f);
        co_return json_response(req, 200, state.guild_json());
    }
    if (what == "dms" && parts.size() == 4 && parts[3] == "messages" && get) {
        // What the bot sent a member by DM (their DM channel's history), oldest first.
        const auto channel = state.dm_channel_of(parts[2]);
        if (!channel) co_return json_response(req, 404, {{"error", "the bot has no DM channel with " + parts[2]}});
        co_return json_response(req, 200, {{"channel_id", *channel}, {"messages", *state.history_json(*channel)}});
    }
    if (what == "dms" && post) {
        if (auto f = state.set_member_dms(body)) co_return failure_response(req, *f);
        co_return json_response(req, 200, state.guild_json()["members"]);
    }
    if (what == "locale" && post) {
        if (auto f = state.set_member_locale(body)) co_return failure_response(req, *f);
        co_return json_response(req, 200, {{"ok", true}});
    }
    if (what == "channels" && parts.size() == 4 && parts[3] == "delete" && post) {
        // The owner deletes a channel in Discord's client (what /setup run then repairs).
        auto deleted = state.delete_channel(parts[2]);
        if (auto* f = std::get_if<api_failure>(&deleted)) co_return failure_response(req, *f);
        dispatch("CHANNEL_DELETE", std::get<json>(deleted));
        co_return json_response(req, 200, std::get<json>(deleted));
    }
    if (what == "roles" && parts.size() == 4 && parts[3] == "delete" && post) {
        // The owner deletes a role (what /setup run then re-makes, when it made it).
        auto deleted = state.delete_role(parts[2]);
        if (auto* f = std::get_if<api_failure>(&deleted)) co_return failure_response(req, *f);
        dispatch("GUILD_ROLE_DELETE", std::get<json>(deleted));
        co_return json_response(req, 200, std::get<json>(deleted));
    }
    if (what == "channels" && parts.size() == 4 && parts[3] == "messages" && get) {
        const auto history = state.history_json(parts[2]);
        if (!history) co_return json_response(req, 404, {{"error", "no channel " + parts[2]}});
        co_return json_response(req, 200, *history);
    }
    if (what == "channels" && parts.size() == 4 && parts[3] == "messages" && post) {
        // Files a member attaches: {"files": [{"filename", "content_type"?, "text"}]}, served like
        // the bot's uploads (GET /attachments/<id>/<filename>).
        json attachments = json::array();
        const json uploads = body.is_object() ? body.value("files", json::array()) : json::array();
        if (!uploads.is_array() || uploads.size() > 10) co_return json_response(req, 400, {{"error", "files: at most 10"}});
        for (const auto& f : uploads) {
            const std::string name = f.is_object() ? f.value("filename", "") : "";
            const std::string text = f.is_object() ? f.value("text", "") : "";
            if (name.empty() || name.size() > 255 || name.find_first_of("/\\") != std::string::npos || text.size() > 1024 * 1024) {
                co_return json_response(req, 400, {{"error", "each file needs a filename (no slashes) and text up to 1 MiB"}});
            }
            attachments.push_back(keep_upload(name, f.value("content_type", "text/plain"), text));
        }
        auto said = state.member_says(parts[2], body, attachments);
        if (auto* f = std::get_if<api_failure>(&said)) co_return failure_response(req, *f);
        // MESSAGE_CREATE needs GUILD_MESSAGES (1 << 9); its content needs MESSAGE_CONTENT (1 << 15)
        // (REFERENCE.md §1.8).
        if (const auto conn = active(); conn && (conn->intents & (1ULL << 9)) != 0) {
            json event = std::get<json>(said);
            if ((conn->intents & (1ULL << 15)) == 0) event["content"] = "";
            dispatch("MESSAGE_CREATE", event);
        }
        co_return json_response(req, 200, std::get<json>(said));
    }
    if (what == "faults" && post) co_return set_faults(req, body);
    if (what == "gateway" && post) co_return gateway_action(req, body);
    if (what == "messages" && parts.size() == 3 && get) {
        const json* m = state.find_message(parts[2]);
        if (m == nullptr) co_return json_response(req, 404, {{"error", "no such message"}});
        co_return json_response(req, 200, *m);
    }
    if (what == "config" && post) {
        if (body.contains("interactions_url")) {
            // One URL, or several separated by spaces: the backends of a load balancer in front of
            // several bot processes, each interaction going to the next in turn.
            const std::string url = body["interactions_url"].get<std::string>();
            std::vector<std::string> backends;
            for (std::size_t at = 0; at < url.size();) {
                const std::size_t end = std::min(url.find(' ', at), url.size());
                if (end > at) backends.push_back(url.substr(at, end - at));
                at = end + 1;
            }
            for (const auto& b : backends) {
                if (!b.starts_with("http://")) {
                    co_return json_response(req, 400, {{"error", "interactions_url must be http:// URLs on loopback"}});
                }
            }
            interactions_url = backends.empty() ? "" : backends.front();
            interaction_backends = std::move(backends);
            next_backend = 0;
        }
        co_return json_response(req, 200, {{"interactions_url", interactions_url}, {"public_key", signer.public_key_hex()}});
    }
    if (what == "http_probe" && post) co_return co_await http_probe(req);
    if ((what == "commands" || what == "components" || what == "modals" || what == "autocomplete") && post) {
        if (!active() && interactions_url.empty()) {
            co_return json_response(req, 409, {{"error", "the bot is not connected to the gateway"}});
        }
        if (what == "commands" && body.contains("options") && body["options"].is_object()) {
            // A test may give an upload its bytes ({"filename", "content", "content_type"?}): the
            // sandbox keeps them and serves them like Discord's CDN, so the bot can download them.
            for (auto& [name, v] : body["options"].items()) {
                if (!v.is_object() || !v.contains("content") || !v["content"].is_string() || !v.contains("filename") ||
                    !v["filename"].is_string()) {
                    continue;
                }
                std::string bytes = v["content"].get<std::string>();
                const std::string type = v.value("content_type", "application/octet-stream");
                const std::size_t size = bytes.size();
                const json kept = keep_upload(v["filename"].get<std::string>(), type, std::move(bytes));
                v = {{"filename", kept["filename"]}, {"size", size}, {"content_type", type}, {"url", kept["url"]}};
            }
        }
        auto built = what == "commands"     ? state.command_interaction(body)
                     : what == "components" ? state.component_interaction(body)
                     : what == "modals"     ? state.modal_submit_interaction(body)
                                            : state.autocomplete_interaction(body);
        if (auto* f = std::get_if<api_failure>(&built)) co_return failure_response(req, *f);
        const json interaction = std::get<json>(built);
        if (!interactions_url.empty()) co_return co_await deliver_over_http(req, interaction);
        const std::string id = interaction["id"].get<std::string>();
        dispatch("INTERACTION_CREATE", interaction);
        ++stats.interactions_dispatched;
        if (faults.duplicate_interactions) {
            dispatch("INTERACTION_CREATE", interaction);  // Discord: events may arrive more than once
            ++stats.interactions_dispatched;
        }
        co_return co_await await_callback(req, id);
    }
    co_return json_response(req, 404, {{"error", "unknown control route; see docs/sandbox.md"}});
}

net::awaitable<std::pair<unsigned, json>> sandbox_server::impl::post_signed(const std::string& body, std::string signature,
                                                                            std::string timestamp, std::string url) {
    // The URL is "http://host:port/path"; by default the first backend.
    if (url.empty()) url = interactions_url;
    const std::string rest = url.substr(std::string("http://").size());
    const auto slash = rest.find('/');
    const std::string hostport = rest.substr(0, slash);
    const std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = hostport.rfind(':');
    const std::string host = hostport.substr(0, colon);
    const std::string port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
    if (timestamp.empty()) {
        timestamp = std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    }
    if (signature.empty()) signature = signer.sign_hex(timestamp + body);

    beast::tcp_stream stream(io);
    tcp::resolver resolver(io);
    stream.expires_after(10s);
    auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec) co_return std::pair{0U, json{{"error", "cannot resolve " + host}}};
    auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
    (void)ep;
    if (cec) co_return std::pair{0U, json{{"error", "cannot connect to " + url + ": " + cec.message()}}};
    request post{http::verb::post, path, 11};
    post.set(http::field::host, hostport);
    post.set(http::field::user_agent, "Discord-Interactions/1.0 (+https://discord.com)");
    post.set(http::field::content_type, "application/json");
    post.set("X-Signature-Ed25519", signature);
    post.set("X-Signature-Timestamp", timestamp);
    post.body() = body;
    post.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, post, use_tuple);
    (void)wn;
    if (wec) co_return std::pair{0U, json{{"error", wec.message()}}};
    beast::flat_buffer buffer;
    response res;
    auto [hec, hn] = co_await http::async_read(stream, buffer, res, use_tuple);
    (void)hn;
    if (hec) co_return std::pair{0U, json{{"error", hec.message()}}};
    co_return std::pair{res.result_int(), json::parse(res.body(), nullptr, false)};
}

net::awaitable<response> sandbox_server::impl::deliver_over_http(const request& req, const json& interaction) {
    const std::string id = interaction["id"].get<std::string>();
    const std::string token = interaction["token"].get<std::string>();
    ++stats.interactions_dispatched;
    const std::size_t n = std::max<std::size_t>(interaction_backends.size(), 1);
    const std::size_t turn = next_backend++ % n;
    const std::string backend = interaction_backends.empty() ? interactions_url : interaction_backends[turn];
    auto [status, body] = co_await post_signed(interaction.dump(), "", "", backend);
    std::optional<response> refused;
    if (status == 200) {
        if (auto f = state.interaction_callback(id, token, body)) {
            refused = json_response(req, 502, {{"error", "the bot's inline response was refused"}, {"discord_error", f->body}});
        }
    } else if (status != 202) {
        refused = json_response(req, 502, {{"error", "the bot's endpoint answered " + std::to_string(status)}, {"body", body}});
    }
    if (faults.duplicate_interactions && interaction_backends.size() > 1) {
        // The same interaction reaches a second process too (a retried delivery), after the
        // first: an inline answer from it is refused as Discord refuses a second response.
        ++stats.interactions_dispatched;
        auto [again_status, again_body] =
            co_await post_signed(interaction.dump(), "", "", interaction_backends[(turn + 1) % interaction_backends.size()]);
        if (again_status == 200) (void)state.interaction_callback(id, token, again_body);
    }
    if (refused) co_return *refused;
    co_return co_await await_callback(req, id);
}

net::awaitable<response> sandbox_server::impl::http_probe(const request& req) {
    // What Discord checks when the URL is saved, and keeps checking later (REFERENCE.md §3.8).
    if (interactions_url.empty()) co_return json_response(req, 409, {{"error", "set interactions_url first"}});
    const std::string ping = json{{"id", state.next_snowflake()}, {"application_id", state.ids().application_id},
                                  {"type", 1}, {"token", "probe"}, {"version", 1}}.dump();
    auto [ping_status, ping_body] = co_await post_signed(ping);
    auto [bad_status, bad_body] = co_await post_signed(ping, std::string(128, '0'));
    const std::string old = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() - 3600);
    auto [stale_status, stale_body] = co_await post_signed(ping, signer.sign_hex(old + ping), old);
    std::string tampered = ping;
    tampered.back() = ' ';
    tampered += "}";
    auto [altered_status, altered_body] = co_await post_signed(tampered, signer.sign_hex(std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()) + ping));
    (void)bad_body;
    (void)stale_body;
    (void)altered_body;
    const bool ok = ping_status == 200 && ping_body == json{{"type", 1}} && bad_status == 401 && stale_status == 401 &&
                    altered_status == 401;
    co_return json_response(req, 200, {{"ping", {{"status", ping_status}, {"body", ping_body}}},
                                       {"bad_signature", bad_status},
                                       {"stale_timestamp", stale_status},
                                       {"altered_body", altered_status},
                                       {"passed", ok}});
}

net::awaitable<response> sandbox_server::impl::await_callback(const request& req, const std::string& id) {
    // Waits (polling every 10 ms) for the bot's answer: the initial response within Discord's
    // 3 s, and for a deferred answer the edit of @original within `deferred_wait`.
    constexpr auto deferred_wait = 20s;
    net::steady_timer timer(io);
    const auto start = steady::now();
    for (;;) {
        const pending_interaction* p = state.find_interaction(id);
        const auto now = steady::now();
        if (p != nullptr && p->acknowledged && (!p->deferred || p->original)) {
            json out{{"interaction_id", id}, {"response", p->callback}, {"deferred", p->deferred},
                     {"acknowledged_after_ms", std::chrono::duration_cast<std::chrono::milliseconds>(p->acknowledged_at - p->created).count()}};
            if (p->message_id) out["message_id"] = *p->message_id;
            if (p->original) {
                json original = *p->original;
                original.erase("ephemeral_user_id");
                out["original"] = std::move(original);
            }
            co_return json_response(req, 200, out);
        }
        if (p == nullptr || (!p->acknowledged && now - start > interaction_deadline + 500ms)) {
            co_return json_response(req, 504, {{"error", "the bot did not answer within Discord's 3 s deadline "
                                                         "(a Discord client would show 'This interaction failed')"},
                                               {"interaction_id", id}});
        }
        if (p->deferred && now - start > deferred_wait) {
            co_return json_response(req, 504, {{"error", "the bot deferred but did not edit its response"}, {"interaction_id", id}});
        }
        timer.expires_after(10ms);
        co_await timer.async_wait(use_tuple);
    }
}

}  // namespace apexcore::sandbox
