#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/ratelimit/rate_limiter.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/tls.hpp>

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

#include <charconv>
#include <deque>
#include <random>
#include <stdexcept>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t response_body_limit = 8 * 1024 * 1024;
constexpr std::size_t queue_max = 10000;

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

/// The rate-limit facts of a response: headers first, 429 body fields as a fallback.
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

}  // namespace

struct rest_client::impl : std::enable_shared_from_this<impl> {
    struct pending {
        http_method method;
        std::string path;
        std::optional<json> body;
        rest_callback done;
        ratelimit::route_key key;
        bool retry_safe = false;
        int attempts = 0;
        int attempts_429 = 0;
        steady::time_point not_before{};
    };

    impl(net::io_context& io_context, rest_options opts, endpoint_url url)
        : io(io_context), options(std::move(opts)), base(std::move(url)), tls(make_client_tls_context(options.ca_file)),
          wake(io_context), limiter(limiter_options(options)), rng(std::random_device{}()) {}

    static ratelimit::limiter_options limiter_options(const rest_options& o) {
        ratelimit::limiter_options l;
        l.global_per_second = o.global_per_second;
        return l;
    }

    net::io_context& io;
    rest_options options;
    endpoint_url base;
    ssl::context tls;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    std::deque<pending> queue;
    net::steady_timer wake;
    ratelimit::rate_limiter limiter;
    std::mt19937_64 rng;
    rest_stats counters;
    bool worker_running = false;
    bool stopped = false;

    void start_worker() {
        if (worker_running || stopped) return;
        worker_running = true;
        net::co_spawn(io, [self = shared_from_this()]() { return self->worker(); }, net::detached);
    }

    net::awaitable<void> connect() {
        stream.reset();
        auto s = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls);
        if (!SSL_set_tlsext_host_name(s->native_handle(), base.host.c_str())) {
            throw boost::system::system_error(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
        }
        s->set_verify_callback(ssl::host_name_verification(base.host));
        tcp::resolver resolver(io);
        const auto endpoints = co_await resolver.async_resolve(base.host, base.port, net::use_awaitable);
        beast::get_lowest_layer(*s).expires_after(options.timeout);
        co_await beast::get_lowest_layer(*s).async_connect(endpoints, net::use_awaitable);
        beast::get_lowest_layer(*s).expires_after(options.timeout);
        co_await s->async_handshake(ssl::stream_base::client, net::use_awaitable);
        stream = std::move(s);
    }

    /// One exchange on the current connection; errors are returned, not thrown.
    net::awaitable<std::pair<boost::system::error_code, http::response<http::string_body>>> exchange(
        const http::request<http::string_body>& req) {
        beast::get_lowest_layer(*stream).expires_after(options.timeout);
        auto [wec, wn] = co_await http::async_write(*stream, req, net::as_tuple(net::use_awaitable));
        (void)wn;
        http::response_parser<http::string_body> parser;
        parser.body_limit(response_body_limit);
        if (wec) co_return std::pair{wec, parser.release()};
        beast::flat_buffer buffer;
        auto [rec, rn] = co_await http::async_read(*stream, buffer, parser, net::as_tuple(net::use_awaitable));
        (void)rn;
        co_return std::pair{rec, parser.release()};
    }

    /// Sends over the kept-alive connection, reconnecting once if the server had closed it.
    net::awaitable<std::pair<boost::system::error_code, http::response<http::string_body>>> send(
        const http::request<http::string_body>& req) {
        boost::system::error_code ec;
        http::response<http::string_body> res;
        for (int attempt = 0; attempt < 2; ++attempt) {
            const bool fresh = !stream;
            try {
                if (!stream) co_await connect();
            } catch (const boost::system::system_error& e) {
                stream.reset();
                co_return std::pair{e.code(), std::move(res)};
            }
            std::tie(ec, res) = co_await exchange(req);
            if (!ec) break;
            stream.reset();
            if (fresh) break;  // a new connection failing is not a stale keep-alive
        }
        if (!ec && !res.keep_alive()) stream.reset();
        co_return std::pair{ec, std::move(res)};
    }

    http::request<http::string_body> build(const pending& job) const {
        http::request<http::string_body> req{to_verb(job.method), base.path + job.path, 11};
        req.set(http::field::host, base.host);
        req.set(http::field::user_agent, options.user_agent);
        req.set(http::field::authorization, "Bot " + options.token);
        req.keep_alive(true);
        if (job.body) {
            req.set(http::field::content_type, "application/json");
            req.body() = job.body->dump();
        }
        req.prepare_payload();
        return req;
    }

    /// Index of the first queued request that may go now; else the earliest time worth retrying.
    std::variant<std::size_t, steady::time_point> pick(steady::time_point now) {
        steady::time_point earliest = steady::time_point::max();
        for (std::size_t i = 0; i < queue.size(); ++i) {
            if (queue[i].not_before > now) {
                earliest = std::min(earliest, queue[i].not_before);
                continue;
            }
            const auto wait = limiter.acquire(queue[i].key, now);
            if (!wait) return i;
            earliest = std::min(earliest, *wait);
        }
        return earliest;
    }

    std::chrono::milliseconds backoff(int attempt) {
        const auto nominal = options.retry_backoff * (1 << std::min(attempt, 10));
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(nominal.count()) * jitter(rng)));
    }

    void deliver(pending& job, std::error_code ec, rest_response out) {
        ++counters.requests;
        out.attempts = job.attempts;
        if (job.done) job.done(ec, std::move(out));
    }

    net::awaitable<void> worker() {
        auto self = shared_from_this();
        while (!stopped) {
            if (queue.empty()) {
                wake.expires_at(steady::time_point::max());
                co_await wake.async_wait(net::as_tuple(net::use_awaitable));
                continue;
            }
            const auto picked = pick(steady::now());
            if (const auto* until = std::get_if<steady::time_point>(&picked)) {
                wake.expires_at(*until);
                co_await wake.async_wait(net::as_tuple(net::use_awaitable));
                continue;
            }
            const std::size_t index = std::get<std::size_t>(picked);
            pending job = std::move(queue[index]);
            queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(index));
            ++job.attempts;
            ++counters.sent;
            const auto req = build(job);
            auto [ec, res] = co_await send(req);
            if (stopped) break;
            const auto now = steady::now();
            if (ec) {
                limiter.on_abandoned(job.key, now);
                if (job.retry_safe && job.attempts <= options.retries_max) {
                    ++counters.retries;
                    job.not_before = now + backoff(job.attempts - 1);
                    queue.push_front(std::move(job));
                    continue;
                }
                deliver(job, ec, {});
                continue;
            }
            const auto info = rate_info(res);
            limiter.on_response(job.key, info, now);
            if (info.status == 429) {
                ++counters.responses_429;
                if (job.attempts_429++ < options.retries_429_max) {
                    ++counters.retries;
                    --job.attempts;  // a 429 is not a failed attempt of the request itself
                    queue.push_front(std::move(job));
                    continue;
                }
            } else if (is_retryable_status(info.status) && job.retry_safe && job.attempts <= options.retries_max) {
                ++counters.retries;
                job.not_before = now + backoff(job.attempts - 1);
                queue.push_front(std::move(job));
                continue;
            }
            rest_response out;
            out.status = res.result_int();
            out.body = std::move(res.body());
            if (out.status >= 400) out.error = parse_api_error(out.body);
            deliver(job, {}, std::move(out));
        }
        worker_running = false;
    }
};

rest_client::rest_client(net::io_context& io, rest_options options) {
    if (options.token.empty()) throw std::invalid_argument("rest_client: the bot token is empty");
    std::string error;
    auto url = parse_endpoint_url(options.api_base, error);
    if (!url || url->scheme != "https") {
        throw std::invalid_argument("rest_client: api_base: " + (error.empty() ? "must be an https:// URL" : error));
    }
    impl_ = std::make_shared<impl>(io, std::move(options), std::move(*url));
}

rest_client::~rest_client() { stop(); }

void rest_client::request(http_method method, std::string path, std::optional<json> body, rest_callback done) {
    if (impl_->stopped) return;
    if (impl_->queue.size() >= queue_max) {
        if (done) done(std::make_error_code(std::errc::no_buffer_space), {});
        return;
    }
    impl::pending job;
    job.key = ratelimit::classify(method_name(method), path);
    job.retry_safe = method == http_method::get || method == http_method::put || method == http_method::del ||
                     job.key.route.ends_with("/callback");
    job.method = method;
    job.path = std::move(path);
    job.body = std::move(body);
    job.done = std::move(done);
    impl_->queue.push_back(std::move(job));
    impl_->start_worker();
    impl_->wake.cancel();
}

void rest_client::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->queue.clear();
    impl_->wake.cancel();
    if (impl_->stream) beast::get_lowest_layer(*impl_->stream).cancel();
}

rest_stats rest_client::stats() const { return impl_->counters; }

}  // namespace apexcore::discord
