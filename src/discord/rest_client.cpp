#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/ratelimit/rate_limiter.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/tls.hpp>

#include "detail/connect_errors.hpp"
#include "detail/rest_wire.hpp"
#include "detail/supervise.hpp"

#include <apexcore/core/text.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <deque>
#include <mutex>
#include <random>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

namespace apexcore::discord {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

using detail::is_idempotent;
using detail::is_retryable_status;
using detail::method_name;
using detail::rate_info;
using detail::to_verb;

namespace {

constexpr std::size_t response_body_limit = 8 * 1024 * 1024;
constexpr std::size_t queue_max = 10000;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

}  // namespace

struct rest_client::impl : std::enable_shared_from_this<impl> {
    using executor_type = net::strand<net::io_context::executor_type>;
    using stream_type = beast::ssl_stream<beast::tcp_stream>;

    struct pending {
        request_ticket ticket = 0;
        http_method method = http_method::get;
        std::string path;
        std::string wire_body;  ///< serialised once (valid UTF-8: model.hpp)
        bool has_body = false;
        std::string content_type = "application/json";
        std::string audit_reason;  ///< URL-encoded; empty = no header
        rest_callback done;
        ratelimit::route_key key;
        bool idempotent = false;
        bool interaction = false;  ///< callbacks and interaction webhooks: first in line
        int attempts = 0;
        int attempts_429 = 0;
        steady::time_point not_before{};
        std::optional<steady::time_point> deadline;
    };

    struct connection {
        std::size_t index = 0;
        std::unique_ptr<stream_type> stream;         ///< https://
        std::unique_ptr<beast::tcp_stream> plain;    ///< http:// (a REST proxy on the private network)
        [[nodiscard]] bool open() const { return stream || plain; }
        void close() {
            stream.reset();
            plain.reset();
        }
        bool busy = false;
        steady::time_point last_used{};
    };

    /// How an exchange ended, for the retry rules.
    enum class outcome { not_sent, maybe_received, answered };

    impl(net::io_context& io_context, rest_options opts, endpoint_url url)
        : io(io_context), strand(net::make_strand(io_context)), options(std::move(opts)), base(std::move(url)),
          tls(make_client_tls_context(options.ca_file)), wake(strand), limiter(make_limiter(options)),
          rng(std::random_device{}()) {}

    static std::shared_ptr<ratelimit::limiter> make_limiter(const rest_options& o) {
        if (o.limiter) return o.limiter;
        ratelimit::limiter_options l;
        l.global_per_second = o.global_per_second;
        return std::make_shared<ratelimit::rate_limiter>(l);
    }

    net::io_context& io;
    executor_type strand;
    rest_options options;
    endpoint_url base;
    ssl::context tls;
    net::steady_timer wake;  ///< the dispatcher's wake-up; touched only on the strand

    std::mutex mutex;  ///< guards everything below (callers on any thread, coroutines on the strand)
    std::deque<std::shared_ptr<pending>> queue;
    std::vector<std::shared_ptr<connection>> connections;
    std::size_t ordinary_busy = 0;
    std::shared_ptr<ratelimit::limiter> limiter;
    std::mt19937_64 rng;
    rest_stats counters;
    std::string last_connect_error;  ///< the last connect failure logged ("" after a success)
    steady::time_point last_connect_error_logged{};
    request_ticket next_ticket = 1;
    bool dispatcher_running = false;
    bool stopped = false;

    /// A record of the "rest" component.
    void log(const std::string& message, ports::log_level level = ports::log_level::warning) const {
        ports::emit(options.log, level, "rest", message);
    }

    /// Wakes the dispatcher (from any thread).
    void poke() {
        net::post(strand, [self = shared_from_this()] { self->wake.cancel(); });
    }

    void start_dispatcher() {  // strand or constructor
        net::co_spawn(strand, dispatcher(),
                      detail::supervised(options.log, "rest dispatcher", [weak = weak_from_this()](const std::string&) {
                          auto self = weak.lock();
                          if (!self) return;
                          {
                              std::lock_guard lock(self->mutex);
                              self->dispatcher_running = false;
                              if (self->stopped) return;
                              ++self->counters.restarts;
                          }
                          self->log("rest dispatcher: restarting", ports::log_level::error);
                          self->ensure_dispatcher();
                      }));
    }

    void ensure_dispatcher() {
        {
            std::lock_guard lock(mutex);
            if (dispatcher_running || stopped) return;
            dispatcher_running = true;
        }
        net::post(strand, [self = shared_from_this()] { self->start_dispatcher(); });
    }

    /// Delivers a result outside the lock; a throwing callback is contained.
    void deliver(const std::shared_ptr<pending>& job, std::error_code ec, rest_response out) {
        out.attempts = job->attempts;
        if (!job->done) return;
        auto done = std::move(job->done);
        job->done = nullptr;
        detail::contain(options.log, "rest " + std::string(method_name(job->method)) + " " + job->key.route,
                        [&] {
                            detail::fault_point(options.inject_fault, "rest.callback");
                            done(ec, std::move(out));
                        });
    }

    http::request<http::string_body> build(const pending& job) const {
        http::request<http::string_body> req{to_verb(job.method), base.path + job.path, 11};
        req.set(http::field::host, base.host);
        req.set(http::field::user_agent, options.user_agent);
        req.set(http::field::authorization, "Bot " + options.token);
        req.keep_alive(true);
        if (!job.audit_reason.empty()) req.set("X-Audit-Log-Reason", job.audit_reason);
        if (job.has_body) {
            req.set(http::field::content_type, job.content_type);
            req.body() = job.wire_body;
        }
        req.prepare_payload();
        return req;
    }

    std::chrono::milliseconds backoff(int attempt) {  // under the lock
        const auto nominal = options.retry_backoff * (1 << std::clamp(attempt, 0, 10));
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(nominal.count()) * jitter(rng)));
    }

    /// A connection for a job of this class, or nullptr when the pool (or the ordinary share) is full.
    std::shared_ptr<connection> free_connection(bool interaction) {  // under the lock
        if (!interaction && ordinary_busy >= options.ordinary_connections_max) return nullptr;
        for (auto& c : connections) {
            if (!c->busy) return c;
        }
        if (connections.size() >= options.connections_max) return nullptr;
        auto c = std::make_shared<connection>();
        c->index = connections.size();
        connections.push_back(c);
        return c;
    }

    using start = std::pair<std::shared_ptr<connection>, std::shared_ptr<pending>>;

    /// Picks every job that may go now (with its connection, marked busy and counted by the
    /// limiter); returns when the dispatcher should look again. Jobs that passed their deadline
    /// unsent go to `expired`.
    std::optional<steady::time_point> schedule(steady::time_point now, std::vector<std::shared_ptr<pending>>& expired,
                                               std::vector<start>& starts) {
        std::optional<steady::time_point> next;
        const auto sooner = [&next](steady::time_point t) { next = next ? std::min(*next, t) : t; };
        std::lock_guard lock(mutex);
        for (auto it = queue.begin(); it != queue.end();) {
            if ((*it)->deadline && *(*it)->deadline <= now) {
                expired.push_back(std::move(*it));
                it = queue.erase(it);
                ++counters.expired;
                continue;
            }
            ++it;
        }
        // Two passes: interaction requests first, then ordinary ones.
        for (const bool interaction : {true, false}) {
            for (auto it = queue.begin(); it != queue.end();) {
                auto& job = *it;
                if (job->interaction != interaction) {
                    ++it;
                    continue;
                }
                if (job->deadline) sooner(*job->deadline);
                if (job->not_before > now) {
                    sooner(job->not_before);
                    ++it;
                    continue;
                }
                auto conn = free_connection(interaction);
                if (!conn) break;  // no connection for this class now; a finishing exchange wakes us
                if (const auto wait = limiter->acquire(job->key, now)) {
                    sooner(*wait);
                    ++it;
                    continue;
                }
                conn->busy = true;
                if (!interaction) ++ordinary_busy;
                auto started = std::move(job);
                it = queue.erase(it);
                ++started->attempts;
                ++counters.sent;
                starts.emplace_back(std::move(conn), std::move(started));
            }
        }
        return next;
    }

    net::awaitable<void> dispatcher() {
        auto self = shared_from_this();
        for (;;) {
            detail::fault_point(options.inject_fault, "rest.dispatch");
            {
                std::lock_guard lock(mutex);
                if (stopped) {
                    dispatcher_running = false;
                    co_return;
                }
            }
            std::vector<std::shared_ptr<pending>> expired;
            std::vector<start> starts;
            const auto next = schedule(steady::now(), expired, starts);
            for (auto& [conn, job] : starts) net::co_spawn(strand, exchange(conn, job), exchange_done(conn, job));
            for (auto& job : expired) {
                log(job->key.route + ": deadline passed before it could be sent; dropped");
                deliver(job, std::make_error_code(std::errc::timed_out), {});
            }
            wake.expires_at(next ? *next : steady::time_point::max());
            co_await wake.async_wait(use_tuple);
        }
    }

    /// The completion handler of one exchange: an exception drops the connection and answers the
    /// request with an error (the request may have been received, so it is not re-sent).
    std::function<void(std::exception_ptr)> exchange_done(std::shared_ptr<connection> conn, std::shared_ptr<pending> job) {
        return detail::supervised(options.log, "rest connection " + std::to_string(conn->index),
                                  [self = shared_from_this(), conn, job](const std::string&) {
                                      {
                                          std::lock_guard lock(self->mutex);
                                          ++self->counters.restarts;
                                          self->limiter->on_abandoned(job->key, steady::now());
                                          self->release(*conn, job->interaction, true);
                                      }
                                      self->deliver(job, std::make_error_code(std::errc::io_error), {});
                                      self->wake.cancel();
                                  });
    }

    void release(connection& conn, bool interaction, bool drop) {  // under the lock
        conn.busy = false;
        conn.last_used = steady::now();
        if (drop) conn.close();
        if (!interaction && ordinary_busy > 0) --ordinary_busy;
    }

    net::awaitable<void> connect(connection& conn, std::chrono::steady_clock::duration timeout) {
        conn.close();
        const std::string where = base.host + ":" + base.port;
        tcp::resolver resolver(strand);
        auto [rec, endpoints] = co_await resolver.async_resolve(base.host, base.port, use_tuple);
        if (rec) fail_connect(rec, detail::describe_connect_error(rec, "resolving", where, nullptr, options.ca_file));
        beast::tcp_stream tcp_stream(strand);
        tcp_stream.expires_after(timeout);
        auto [cec, endpoint] = co_await tcp_stream.async_connect(endpoints, use_tuple);
        (void)endpoint;
        if (cec) fail_connect(cec, detail::describe_connect_error(cec, "connecting to", where, nullptr, options.ca_file));
        if (base.scheme == "http") {  // a REST proxy on the private network: no TLS
            conn.plain = std::make_unique<beast::tcp_stream>(std::move(tcp_stream));
        } else {
            auto s = std::make_unique<stream_type>(std::move(tcp_stream), tls);
            if (!SSL_set_tlsext_host_name(s->native_handle(), base.host.c_str())) {
                throw boost::system::system_error(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
            }
            s->set_verify_callback(ssl::host_name_verification(base.host));
            beast::get_lowest_layer(*s).expires_after(timeout);
            auto [hec] = co_await s->async_handshake(ssl::stream_base::client, use_tuple);
            if (hec) fail_connect(hec, detail::describe_connect_error(hec, "TLS with", where, s->native_handle(), options.ca_file));
            conn.stream = std::move(s);
        }
        std::lock_guard lock(mutex);
        ++counters.connections_opened;
        last_connect_error.clear();
    }

    /// Logs why a connection could not be made — when the reason changes, and otherwise at most
    /// once a minute, so a bot that retries for hours says why without flooding the log — and
    /// throws `ec` for the caller's retry logic.
    [[noreturn]] void fail_connect(const boost::system::error_code& ec, std::string line) {
        const auto now = steady::now();
        bool say = false;
        {
            std::lock_guard lock(mutex);
            if (line != last_connect_error || now - last_connect_error_logged >= std::chrono::minutes(1)) {
                last_connect_error = line;
                last_connect_error_logged = now;
                say = true;
            }
        }
        if (say) log(line, ports::log_level::error);
        throw boost::system::system_error(ec);
    }

    net::awaitable<void> exchange(std::shared_ptr<connection> conn, std::shared_ptr<pending> job) {
        auto self = shared_from_this();
        detail::fault_point(options.inject_fault, "rest.exchange");
        auto timeout = std::chrono::duration_cast<steady::duration>(options.timeout);
        if (job->deadline) timeout = std::min(timeout, *job->deadline - steady::now());
        outcome result = outcome::not_sent;
        boost::system::error_code ec;
        http::response_parser<http::string_body> parser;
        parser.body_limit(response_body_limit);
        if (timeout > steady::duration::zero()) {
            if (conn->open() && steady::now() - conn->last_used > options.keep_alive_idle_max) conn->close();
            try {
                if (!conn->open()) co_await connect(*conn, timeout);
            } catch (const boost::system::system_error& e) {
                conn->close();
                ec = e.code();
            }
            if (conn->open()) {
                const auto req = build(*job);
                if (conn->plain) {
                    std::tie(result, ec) = co_await round_trip(*conn->plain, req, parser, timeout);
                } else {
                    std::tie(result, ec) = co_await round_trip(*conn->stream, req, parser, timeout);
                }
            }
        } else {
            ec = std::make_error_code(std::errc::timed_out);
        }
        finish(conn, job, result, ec, parser.release());
    }

    /// Writes `req` and reads the answer into `parser`, on either kind of stream.
    template <class Stream, class Request>
    static net::awaitable<std::pair<outcome, boost::system::error_code>> round_trip(Stream& s, const Request& req,
                                                                                    http::response_parser<http::string_body>& parser,
                                                                                    steady::duration timeout) {
        beast::get_lowest_layer(s).expires_after(timeout);
        auto [wec, written] = co_await http::async_write(s, req, use_tuple);
        if (wec) co_return std::pair{written > 0 ? outcome::maybe_received : outcome::not_sent, wec};
        beast::flat_buffer buffer;
        auto [rec, read] = co_await http::async_read(s, buffer, parser, use_tuple);
        (void)read;
        co_return std::pair{rec ? outcome::maybe_received : outcome::answered, rec};
    }

    /// apexcore_rest_requests_total{method, status}: one attempt, answered with `status` or not
    /// answered at all ("error": connect, TLS, timeout, connection lost).
    void count_attempt(const pending& job, std::optional<unsigned> status) const {
        if (options.metrics == nullptr) return;
        std::string_view status_class = "error";
        if (status) {
            status_class = *status == 429 ? "429" : *status < 300 ? "2xx" : *status < 400 ? "3xx" : *status < 500 ? "4xx" : "5xx";
        }
        options.metrics->count("apexcore_rest_requests_total", {{"method", method_name(job.method)}, {"status", status_class}});
    }

    /// Applies the retry rules to a finished exchange (on the strand).
    void finish(const std::shared_ptr<connection>& conn, const std::shared_ptr<pending>& job, outcome result,
                boost::system::error_code ec, http::response<http::string_body> res) {
        const auto now = steady::now();
        std::error_code deliver_ec;
        std::optional<rest_response> deliver_out;
        {
            std::lock_guard lock(mutex);
            const bool answered = result == outcome::answered;
            release(*conn, job->interaction, !answered || !res.keep_alive());
            if (stopped) return;
            const auto within_deadline = [&](steady::time_point at) { return !job->deadline || at < *job->deadline; };
            const auto requeue = [&](steady::time_point at, bool front) {
                ++counters.retries;
                job->not_before = at;
                if (front) queue.push_front(job);
                else queue.push_back(job);
            };
            count_attempt(*job, answered ? std::optional<unsigned>(res.result_int()) : std::nullopt);
            if (!answered) {
                limiter->on_abandoned(job->key, now);
                const bool may_resend = result == outcome::not_sent || job->idempotent;
                const auto at = now + backoff(job->attempts - 1);
                if (may_resend && job->attempts <= options.retries_max && within_deadline(at)) {
                    requeue(at, true);
                } else {
                    deliver_ec = ec ? std::error_code(ec) : std::make_error_code(std::errc::timed_out);
                    deliver_out = rest_response{};
                }
            } else {
                const auto info = rate_info(res);
                limiter->on_response(job->key, info, now);
                bool retried = false;
                if (info.status == 429) {
                    ++counters.responses_429;
                    if (options.metrics != nullptr) {
                        const std::string_view scope = info.scope ? std::string_view(*info.scope) : std::string_view("unknown");
                        const bool known = scope == "user" || scope == "global" || scope == "shared";
                        options.metrics->count("apexcore_rest_rate_limited_total", {{"scope", known ? scope : "unknown"}});
                    }
                    const auto wait = std::chrono::milliseconds(
                        static_cast<std::int64_t>(std::clamp(info.retry_after_s.value_or(1.0), 0.0, 3600.0) * 1000.0));
                    if (job->attempts_429++ < options.retries_429_max && within_deadline(now + wait)) {
                        --job->attempts;  // a 429 is not a failed attempt of the request itself
                        requeue(now, true);  // the limiter holds it until retry_after
                        retried = true;
                    }
                } else if (is_retryable_status(info.status) && job->idempotent && job->attempts <= options.retries_max) {
                    const auto at = now + backoff(job->attempts - 1);
                    if (within_deadline(at)) {
                        requeue(at, true);
                        retried = true;
                    }
                }
                if (!retried) {
                    rest_response out;
                    out.status = res.result_int();
                    out.body = std::move(res.body());
                    if (out.status >= 400) out.error = parse_api_error(out.body);
                    ++counters.requests;
                    deliver_out = std::move(out);
                }
            }
        }
        if (deliver_out) deliver(job, deliver_ec, std::move(*deliver_out));
        wake.cancel();
    }
};

rest_client::rest_client(net::io_context& io, rest_options options) {
    if (options.token.empty()) throw std::invalid_argument("rest_client: the bot token is empty");
    if (options.connections_max < 1 || options.connections_max > 64) {
        throw std::invalid_argument("rest_client: connections_max must be 1..64");
    }
    if (options.ordinary_connections_max < 1 || options.ordinary_connections_max > options.connections_max) {
        throw std::invalid_argument("rest_client: ordinary_connections_max must be 1..connections_max");
    }
    std::string error;
    auto url = parse_endpoint_url(options.api_base, error, true);
    if (!url || (url->scheme != "https" && url->scheme != "http")) {
        throw std::invalid_argument("rest_client: api_base: " + (error.empty() ? "must be an https:// or http:// URL" : error));
    }
    impl_ = std::make_shared<impl>(io, std::move(options), std::move(*url));
}

rest_client::~rest_client() { stop(); }

struct rest_client::pending : impl::pending {};

namespace {

/// X-Audit-Log-Reason: 1..512 URL-encoded UTF-8 characters (REFERENCE.md §2.1).
std::string encode_audit_reason(std::string_view reason) {
    if (reason.empty()) return {};
    const std::string text = core::truncate_utf8(core::to_valid_utf8(reason), 512);
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

}  // namespace

request_ticket rest_client::request(http_method method, std::string path, std::optional<json> body, rest_callback done,
                                    request_options options) {
    auto job = std::make_shared<pending>();
    job->method = method;
    job->path = std::move(path);
    if (body) {
        job->has_body = true;
        // Outbound strings are valid UTF-8 (model.hpp); a body built elsewhere that is not is
        // repaired rather than thrown on inside the client.
        job->wire_body = body->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    job->done = std::move(done);
    job->deadline = options.deadline;
    job->audit_reason = encode_audit_reason(options.audit_log_reason);
    return enqueue(std::move(job));
}

request_ticket rest_client::request(http_method method, std::string path, encoded_body body, rest_callback done,
                                    request_options options) {
    auto job = std::make_shared<pending>();
    job->method = method;
    job->path = std::move(path);
    job->has_body = true;
    job->content_type = std::move(body.content_type);
    job->wire_body = std::move(body.bytes);
    job->done = std::move(done);
    job->deadline = options.deadline;
    job->audit_reason = encode_audit_reason(options.audit_log_reason);
    return enqueue(std::move(job));
}

request_ticket rest_client::enqueue(std::shared_ptr<pending> job) {
    job->key = ratelimit::classify(method_name(job->method), job->path);
    // An interaction callback is applied at most once by Discord (a second is refused with 40060,
    // REFERENCE.md §3.5), so re-sending one is safe; within its deadline only.
    job->idempotent = is_idempotent(job->method) || job->key.route.ends_with("/callback");
    job->interaction = job->key.global_exempt;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return 0;
        if (impl_->queue.size() >= queue_max) {
            job->ticket = 0;
        } else {
            job->ticket = impl_->next_ticket++;
            impl_->queue.push_back(job);
        }
    }
    if (job->ticket == 0) {
        impl_->deliver(job, std::make_error_code(std::errc::no_buffer_space), {});
        return 0;
    }
    impl_->ensure_dispatcher();
    impl_->poke();
    return job->ticket;
}

bool rest_client::cancel(request_ticket ticket) {
    std::lock_guard lock(impl_->mutex);
    auto& q = impl_->queue;
    const auto it = std::find_if(q.begin(), q.end(), [ticket](const auto& j) { return j->ticket == ticket; });
    if (it == q.end()) return false;
    q.erase(it);
    return true;
}

void rest_client::stop() {
    if (!impl_) return;
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
        impl_->queue.clear();
    }
    net::post(impl_->strand, [self = impl_] {
        self->wake.cancel();
        std::lock_guard lock(self->mutex);
        for (auto& c : self->connections) {
            if (c->stream) beast::get_lowest_layer(*c->stream).cancel();
            if (c->plain) c->plain->cancel();
        }
    });
}

rest_stats rest_client::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->counters;
}

}  // namespace apexcore::discord
