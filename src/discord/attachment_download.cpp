// rest_chat_actions::download_attachment: one HTTPS GET of an attachment's signed URL on
// Discord's file hosts, bounded in size, type and time. Its own translation unit: the only
// coroutine of the outbound port.
#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/rest_chat_actions.hpp>
#include <apexcore/discord/tls.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <future>

namespace apexcore::discord {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

using ports::chat_errc;
using ports::chat_error;

/// A downloaded file and the type its server declared.
struct fetched {
    std::string content_type;
    std::string body;
};

/// One GET; the body is read with a limit of `max_bytes`.
net::awaitable<ports::chat_result<fetched>> fetch(endpoint_url url, std::string target, std::string ca_file,
                                                      std::size_t max_bytes, std::chrono::seconds timeout) {
    auto executor = co_await net::this_coro::executor;
    ssl::context tls = make_client_tls_context(ca_file);
    tcp::resolver resolver(executor);
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, use_tuple);
    if (rec) co_return chat_error{chat_errc::unavailable, "cannot resolve " + url.host + ": " + rec.message()};
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
        co_return chat_error{chat_errc::unavailable, "TLS: cannot set the server name"};
    }
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_tuple);
    (void)ep;
    if (cec) co_return chat_error{chat_errc::unavailable, "cannot connect to " + url.host + ": " + cec.message()};
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
    if (hec) co_return chat_error{chat_errc::unavailable, "TLS with " + url.host + " failed: " + hec.message()};
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, url.host);
    req.set(http::field::user_agent, default_user_agent());
    auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
    (void)wn;
    if (wec) co_return chat_error{chat_errc::unavailable, "request failed: " + wec.message()};
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_bytes);
    auto [hrec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    (void)hn;
    if (hrec == http::error::body_limit) {  // a Content-Length over the limit is refused with the header
        co_return chat_error{chat_errc::invalid_input, "the file is larger than " + std::to_string(max_bytes) + " bytes"};
    }
    if (hrec) co_return chat_error{chat_errc::unavailable, "no answer: " + hrec.message()};
    const unsigned status = parser.get().result_int();
    if (status == 404 || status == 403 || status == 410) {
        co_return chat_error{chat_errc::not_found, "the file is gone or its link expired (HTTP " + std::to_string(status) + ")"};
    }
    if (status != 200) co_return chat_error{chat_errc::unavailable, "HTTP " + std::to_string(status)};
    if (const auto length = parser.content_length(); length && *length > max_bytes) {
        co_return chat_error{chat_errc::invalid_input, "the file is " + std::to_string(*length) + " bytes, more than " +
                                                           std::to_string(max_bytes)};
    }
    auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)bn;
    if (bec == http::error::body_limit) {
        co_return chat_error{chat_errc::invalid_input, "the file is larger than " + std::to_string(max_bytes) + " bytes"};
    }
    if (bec) co_return chat_error{chat_errc::unavailable, "download failed: " + bec.message()};
    co_return fetched{std::string(parser.get()[http::field::content_type]), std::move(parser.get().body())};
}

using fetch_promise = std::promise<ports::chat_result<fetched>>;

/// Runs fetch and hands its result over (co_spawn needs a default-constructible result type).
net::awaitable<void> fetch_into(std::shared_ptr<fetch_promise> out, endpoint_url url, std::string target, std::string ca_file,
                                std::size_t max_bytes, std::chrono::seconds timeout) {
    auto r = co_await fetch(std::move(url), std::move(target), std::move(ca_file), max_bytes, timeout);
    out->set_value(std::move(r));
}

}  // namespace

ports::chat_result<std::string> rest_chat_actions::download_attachment(const ports::attachment_info& attachment,
                                                                       std::size_t max_bytes,
                                                                       std::span<const std::string> content_types) {
    std::string error;
    const auto url = parse_endpoint_url(attachment.url, error);
    if (!url || url->scheme != "https") return chat_error{chat_errc::invalid_input, "not an https:// attachment URL"};
    if (std::find(options_.attachment_hosts.begin(), options_.attachment_hosts.end(), url->host) == options_.attachment_hosts.end()) {
        return chat_error{chat_errc::invalid_input, "attachments are fetched only from the platform's file hosts, not " + url->host};
    }
    if (max_bytes == 0) return chat_error{chat_errc::invalid_input, "max_bytes is 0"};
    if (attachment.size > max_bytes) {
        return chat_error{chat_errc::invalid_input, "the file is " + std::to_string(attachment.size) + " bytes, more than " +
                                                        std::to_string(max_bytes)};
    }
    if (io_.get_executor().running_in_this_thread()) {
        return chat_error{chat_errc::unavailable, "called on an I/O thread, where it would wait for itself; call from a worker thread"};
    }
    const std::string target = (url->path.empty() ? "/" : url->path) + (url->query.empty() ? "" : "?" + url->query);
    auto promise = std::make_shared<fetch_promise>();
    auto future = promise->get_future();
    // Supervised: an exception (TLS context, allocation) is answered, never lost.
    net::co_spawn(io_, fetch_into(promise, *url, target, options_.ca_file, max_bytes, options_.download_timeout),
                  [promise](std::exception_ptr e) {
                      if (!e) return;
                      try {
                          promise->set_value(chat_error{chat_errc::unavailable, "download failed unexpectedly"});
                      } catch (const std::future_error&) {  // the value was already set
                      }
                  });
    if (future.wait_for(options_.download_timeout + std::chrono::seconds(5)) != std::future_status::ready) {
        return chat_error{chat_errc::unavailable, "the download did not finish in time"};
    }
    auto result = future.get();
    if (!result) return result.error();
    const std::string& content_type = result->content_type;
    if (!content_types.empty() &&
        std::none_of(content_types.begin(), content_types.end(), [&](const std::string& t) { return content_type.starts_with(t); })) {
        return chat_error{chat_errc::invalid_input, "the file is " + (content_type.empty() ? std::string("of no declared type") : content_type) +
                                                        ", not an accepted type"};
    }
    return std::move(result.value().body);
}

}  // namespace apexcore::discord
