#pragma once
// The REST client's HTTP vocabulary (rest_wire.cpp): methods as Beast verbs and as text, the
// rate-limit facts of a response (REFERENCE.md §2.2), and which requests may be sent again.
#include <apexcore/discord/ratelimit/rate_limiter.hpp>
#include <apexcore/discord/rest_client.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <string_view>

namespace apexcore::discord::detail {

/// The Beast verb of `m`.
boost::beast::http::verb to_verb(http_method m);
/// "GET", "POST", "PUT", "PATCH" or "DELETE".
std::string_view method_name(http_method m);
/// The rate-limit facts of a response: the X-RateLimit-* and Retry-After headers first, a 429
/// body's `retry_after` (sub-second) and `global` as the fallback. Never throws on malformed
/// headers or bodies (the field is left unset).
ratelimit::response_info rate_info(const boost::beast::http::response<boost::beast::http::string_body>& res);
/// 500, 502, 503 and 504: worth sending an idempotent request again.
bool is_retryable_status(unsigned status);
/// Idempotent methods (RFC 9110 §9.2.2) may be sent again after they may have been received.
bool is_idempotent(http_method m);

}  // namespace apexcore::discord::detail
