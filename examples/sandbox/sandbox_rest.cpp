// apexcore-sandbox, Discord side: the REST API under /api/v10 (authentication, rate limits,
// faults, JSON and multipart bodies, audit-log reasons, the routes, the dispatches they cause)
// and the uploaded files it serves like Discord's CDN.
#include "sandbox_impl.hpp"
#include "multipart.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace apexcore::sandbox {

json sandbox_server::impl::keep_upload(const std::string& filename, const std::string& content_type, std::string bytes) {
    const std::string id = state.next_snowflake();
    // Served by the sandbox itself, as Discord's CDN serves uploads (signed URLs there).
    const std::string url = "https://" + host_port(api_acceptor.local_endpoint().port()) + "/attachments/" + id + "/" +
                            boost::urls::encode(filename, boost::urls::unreserved_chars);
    json a{{"id", id},
           {"filename", filename},
           {"size", bytes.size()},
           {"url", url},
           {"proxy_url", url},
           {"content_type", content_type.empty() ? json(nullptr) : json(content_type)}};
    store_file(id, {content_type, std::move(bytes)});
    return a;
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
    if (faults.rest_error_count > 0 && std::string_view(req.target()).starts_with(faults.rest_error_path)) {
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
                json a = keep_upload(f.filename, f.content_type, f.bytes);
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
        if (method == "GET") return unwrap(state.list_channels(route[1]), 200);
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

}  // namespace apexcore::sandbox
