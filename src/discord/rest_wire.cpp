#include "detail/rest_wire.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <optional>
#include <string>

namespace apexcore::discord::detail {

namespace http = boost::beast::http;
using nlohmann::json;

http::verb to_verb(http_method m) {
    switch (m) {
        case http_method::get: return http::verb::get;
        case http_method::post: return http::verb::post;
        case http_method::put: return http::verb::put;
        case http_method::patch: return http::verb::patch;
        case http_method::del: return http::verb::delete_;
    }
    return http::verb::get;
}

std::string_view method_name(http_method m) {
    switch (m) {
        case http_method::get: return "GET";
        case http_method::post: return "POST";
        case http_method::put: return "PUT";
        case http_method::patch: return "PATCH";
        case http_method::del: return "DELETE";
    }
    return "GET";
}

namespace {

template <class T>
std::optional<T> header_number(const http::response<http::string_body>& res, std::string_view name) {
    const auto it = res.find(name);
    if (it == res.end()) return std::nullopt;
    const std::string_view v = it->value();
    T out{};
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
    return out;
}

}  // namespace

ratelimit::response_info rate_info(const http::response<http::string_body>& res) {
    ratelimit::response_info info;
    info.status = res.result_int();
    info.limit = header_number<int>(res, "X-RateLimit-Limit");
    info.remaining = header_number<int>(res, "X-RateLimit-Remaining");
    info.reset_after_s = header_number<double>(res, "X-RateLimit-Reset-After");
    if (const auto it = res.find("X-RateLimit-Bucket"); it != res.end()) info.bucket = std::string(it->value());
    if (const auto it = res.find("X-RateLimit-Scope"); it != res.end()) info.scope = std::string(it->value());
    if (const auto it = res.find("X-RateLimit-Global"); it != res.end()) info.global = it->value() == "true";
    info.retry_after_s = header_number<double>(res, "Retry-After");
    if (info.status == 429) {
        const json body = json::parse(res.body(), nullptr, false);
        if (body.is_object()) {
            if (const auto r = body.find("retry_after"); r != body.end() && r->is_number()) {
                info.retry_after_s = r->get<double>();  // the body has sub-second precision
            }
            if (const auto g = body.find("global"); g != body.end() && g->is_boolean() && g->get<bool>()) {
                info.global = true;
            }
        }
    }
    return info;
}

bool is_retryable_status(unsigned status) { return status == 500 || status == 502 || status == 503 || status == 504; }

bool is_idempotent(http_method m) { return m == http_method::get || m == http_method::put || m == http_method::del; }

}  // namespace apexcore::discord::detail
