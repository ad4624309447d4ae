#include <apexcore/storage/s3_transcript_store.hpp>
#include <apexcore/storage/sigv4.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

namespace apexcore::storage {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

using request_type = http::request<http::string_body>;
using response_type = http::response<http::string_body>;

ports::storage_error unavailable(std::string detail) { return {ports::storage_error::code::unavailable, std::move(detail)}; }

bool valid_bucket(const std::string& b) {
    if (b.size() < 3 || b.size() > 63) return false;
    return std::all_of(b.begin(), b.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
}

/// One exchange on `stream` (already connected, handshaken), bounded by the io_context's run_for.
template <class Stream>
void exchange(Stream& stream, request_type& req, response_type& res, std::size_t body_limit, beast::error_code& out,
              beast::flat_buffer& buffer, http::response_parser<http::string_body>& parser) {
    parser.body_limit(body_limit);
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) {
            out = ec;
            return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) {
            out = rec;
            if (!rec) res = parser.release();
        });
    });
}

/// Sends `req` to host:port (TLS when `tls`), within `timeout`.
core::result<response_type, ports::storage_error> send(const s3_options& o, bool tls, const std::string& host, const std::string& port,
                                                       request_type req, std::size_t body_limit) {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::error_code ec = net::error::would_block;
    response_type res;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    net::ssl::context ctx(net::ssl::context::tls_client);
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    std::optional<beast::tcp_stream> plain;
    if (tls) {
        ctx.set_verify_mode(net::ssl::verify_peer);
        if (!o.ca_file.empty()) {
            ctx.load_verify_file(o.ca_file);
        } else {
            ctx.set_default_verify_paths();
        }
        secure.emplace(ioc, ctx);
        if (SSL_set_tlsext_host_name(secure->native_handle(), host.c_str()) == 0) return unavailable("TLS: cannot set SNI for " + host);
        secure->set_verify_callback(net::ssl::host_name_verification(host));
    } else {
        plain.emplace(ioc);
    }
    beast::tcp_stream& tcp_layer = tls ? beast::get_lowest_layer(*secure) : *plain;
    resolver.async_resolve(host, port, [&](beast::error_code rec, const tcp::resolver::results_type& endpoints) {
        if (rec) {
            ec = rec;
            return;
        }
        tcp_layer.async_connect(endpoints, [&](beast::error_code cec, const tcp::endpoint&) {
            if (cec) {
                ec = cec;
                    return;
            }
            if (!tls) {
                exchange(*plain, req, res, body_limit, ec, buffer, parser);
                return;
            }
            secure->async_handshake(net::ssl::stream_base::client, [&](beast::error_code hec) {
                if (hec) {
                    ec = hec;
                            return;
                }
                exchange(*secure, req, res, body_limit, ec, buffer, parser);
            });
        });
    });
    ioc.run_for(o.timeout);
    if (!ioc.stopped() && ec == net::error::would_block) return unavailable("S3 " + host + ": no answer within " + std::to_string(o.timeout.count()) + " s");
    if (ec) return unavailable("S3 " + host + ":" + port + ": " + ec.message());
    return res;
}

/// S3's error code from an XML error body ("<Code>SignatureDoesNotMatch</Code>"), if any.
std::string error_code_of(const std::string& body) {
    const auto open = body.find("<Code>");
    const auto close = body.find("</Code>");
    if (open == std::string::npos || close == std::string::npos || close < open) return {};
    return body.substr(open + 6, std::min<std::size_t>(close - open - 6, 64));
}

/// Where a store sends its requests (parsed once from the endpoint).
struct target {
    const s3_options& options;
    bool tls;
    const std::string& host;
    const std::string& port;
    const std::string& host_header;
};

/// One signed request for `key` (checked): the object's path and the response.
core::result<std::pair<std::string, response_type>, ports::storage_error> exchange(const target& to, http::verb verb,
                                                                                   const std::string& key, const std::string& body,
                                                                                   const std::string& content_type,
                                                                                   std::size_t body_limit) {
    if (!ports::is_valid_storage_key(key) || !ports::is_valid_storage_key(to.options.prefix + key)) {
        return ports::storage_error{ports::storage_error::code::invalid_key, "invalid key '" + key + "'"};
    }
    // Path-style, signed with SigV4 over the host, the date and the body's hash.
    const std::string path = "/" + to.options.bucket + "/" + uri_encode_path(to.options.prefix + key);
    const std::string date = amz_date(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const std::string payload = sha256_hex(body);
    const sigv4_request signing{std::string(http::to_string(verb)), path, "", {{"host", to.host_header}, {"x-amz-date", date}}, payload};
    request_type req{verb, path, 11};
    req.set(http::field::host, to.host_header);
    req.set("x-amz-date", date);
    req.set("x-amz-content-sha256", payload);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.set(http::field::authorization,
            sigv4_authorization(signing, {to.options.access_key, to.options.secret_key, to.options.region, "s3"}, date));
    if (verb == http::verb::put) {
        req.body() = body;
        req.prepare_payload();
    }
    auto res = send(to.options, to.tls, to.host, to.port, std::move(req), body_limit);
    if (!res) return res.error();
    return std::pair{path, std::move(*res)};
}

}  // namespace

s3_transcript_store::s3_transcript_store(s3_options options) : options_(std::move(options)) {
    std::string rest;
    if (options_.endpoint.rfind("https://", 0) == 0) {
        tls_ = true;
        rest = options_.endpoint.substr(8);
    } else if (options_.endpoint.rfind("http://", 0) == 0) {
        rest = options_.endpoint.substr(7);
    } else {
        throw std::invalid_argument("S3 endpoint must start with https:// or http://: '" + options_.endpoint + "'");
    }
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || rest.find('/') != std::string::npos) throw std::invalid_argument("S3 endpoint must be scheme://host[:port]");
    const auto colon = rest.rfind(':');
    host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
    port_ = colon == std::string::npos ? (tls_ ? "443" : "80") : rest.substr(colon + 1);
    if (host_.empty() || port_.empty() || port_.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("S3 endpoint has a malformed host or port: '" + options_.endpoint + "'");
    }
    host_header_ = rest;
    if (!valid_bucket(options_.bucket)) throw std::invalid_argument("S3 bucket must be 3..63 of a-z 0-9 . -: '" + options_.bucket + "'");
    if (options_.access_key.empty() || options_.secret_key.empty()) throw std::invalid_argument("S3 access_key and secret_key are required");
}

core::result<std::string, ports::storage_error> s3_transcript_store::put(const std::string& key, const std::string& bytes,
                                                                         const std::string& content_type) {
    auto res = exchange({options_, tls_, host_, port_, host_header_}, http::verb::put, key, bytes, content_type.empty() ? "application/octet-stream" : content_type, 1024 * 1024);
    if (!res) return res.error();
    if (res->second.result_int() != 200) {
        return unavailable("S3 PUT " + res->first + ": " + std::to_string(res->second.result_int()) + " " + error_code_of(res->second.body()));
    }
    return options_.endpoint + res->first;
}

core::result<std::string, ports::storage_error> s3_transcript_store::get(const std::string& key) {
    auto res = exchange({options_, tls_, host_, port_, host_header_}, http::verb::get, key, "", "", options_.max_object_bytes);
    if (!res) return res.error();
    const auto& [path, response] = *res;
    if (response.result_int() == 404) return ports::storage_error{ports::storage_error::code::not_found, "S3 GET " + path + ": 404"};
    if (response.result_int() != 200) {
        return unavailable("S3 GET " + path + ": " + std::to_string(response.result_int()) + " " + error_code_of(response.body()));
    }
    return std::move(res->second.body());
}

}  // namespace apexcore::storage
