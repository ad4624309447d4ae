#include <apexcore/discord/discord_runtime.hpp>

#include <apexcore/discord/chat_model.hpp>

#include "detail/json_access.hpp"
#include "detail/recent_ids.hpp"
#include "detail/supervise.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <mutex>

namespace apexcore::discord {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

/// Discord's initial-response deadline (REFERENCE.md §3.5), measured from our receipt.
constexpr auto response_deadline = 3000ms;

/// What a member sees when the handler threw.
ports::interaction_response generic_error(const core::interaction_id& id) {
    ports::interaction_response r;
    r.body.content = "Something went wrong on our side and nothing was changed; please try again. (ref " + id.str() + ")";
    r.body.ephemeral = true;
    return r;
}

}  // namespace

struct discord_runtime::impl : std::enable_shared_from_this<impl> {
    using executor_type = net::strand<net::io_context::executor_type>;

    /// How far the answer to one interaction has got.
    enum class stage {
        handling,         ///< the handler runs; nothing sent yet
        answer_queued,    ///< the answer callback is queued or on the wire
        deferral_queued,  ///< a deferral is queued or on the wire; the answer follows as an edit
        deferred,         ///< the deferral was delivered; the answer goes as an edit of @original
        done,             ///< the answer (or the edit) is sent
    };

    /// Sends the initial response (callback route, or the HTTP reply). `acknowledged(ok)` runs
    /// on the runtime's strand when Discord accepted it. Returns the REST ticket (0 for HTTP).
    using acknowledge_fn = std::function<request_ticket(json body, std::function<void(bool)> acknowledged)>;

    struct in_flight {
        in_flight(interaction_envelope e, executor_type ex, acknowledge_fn a)
            : envelope(std::move(e)), received(steady::now()), defer_timer(ex), acknowledge(std::move(a)) {}
        interaction_envelope envelope;
        steady::time_point received;
        net::steady_timer defer_timer;
        acknowledge_fn acknowledge;
        stage at = stage::handling;
        request_ticket answer_ticket = 0;
        std::optional<ports::interaction_response> result;
    };

    impl(net::io_context& io_context, runtime_options opts, interaction_handler h, log_fn l)
        : io(io_context), strand(net::make_strand(io_context)), options(std::move(opts)), handler(std::move(h)),
          log(std::move(l)), pool(std::max<std::size_t>(1, options.handler_threads)) {}

    net::io_context& io;
    executor_type strand;
    runtime_options options;
    interaction_handler handler;
    log_fn log;
    net::thread_pool pool;
    std::shared_ptr<rest_client> rest;
    std::unique_ptr<gateway_client> gateway;
    std::unique_ptr<interactions_endpoint> endpoint;
    // State below is touched only on `strand`.
    bool commands_registered = false;
    core::application_id application;
    detail::recent_ids<core::interaction_id> recent_interactions{options.dedupe_capacity};
    std::uint64_t interactions_ignored = 0;
    std::atomic<bool> stopped{false};
    std::shared_ptr<cache::guild_cache> guild_state;
    std::atomic<std::uint64_t> bot_user{0};  ///< from READY
    // Messages: duplicates dropped (Discord may deliver an event twice); the shards' strands share it.
    std::mutex messages_mutex;
    detail::recent_ids<core::message_id> recent_messages{options.dedupe_capacity};
    std::atomic<std::uint64_t> messages_ignored{0};

    /// One record of `component`.
    void say(ports::log_level level, std::string_view component, const std::string& message) const {
        ports::emit(log, level, component, message);
    }
    /// One record of "interactions" about the interaction `id` (decimal): "interaction <id>: <what>",
    /// with the id in the record's context.
    void say_about(ports::log_level level, std::string_view id, const std::string& what) const {
        ports::emit(log, level, "interactions", "interaction " + std::string(id) + ": " + what, {.interaction = id});
    }

    static std::string describe(std::error_code ec, const rest_response& res) {
        if (ec) return ec.message();
        return "HTTP " + std::to_string(res.status) +
               (res.error ? " code " + std::to_string(res.error->code) + " " + res.error->message : "");
    }

    /// From the gateway's strand.
    void on_dispatch(std::string_view event, const json& d) {
        // The cache is thread-safe and applied here, on the gateway's strand, in event order.
        if (event.starts_with("GUILD_") || event.starts_with("CHANNEL_")) {
            detail::contain(log, "guild cache", [&] {
                const bool applied = guild_state->apply(event, d);
                const auto id = detail::snowflake_field<core::guild_tag>(d, "id");
                if (applied && event == "GUILD_CREATE" && id && *id == options.guild) announce_guild_ready();
            });
            return;
        }
        if (event == "MESSAGE_CREATE") return on_message_create(d);
        if (event != "READY" && event != "INTERACTION_CREATE") return;
        if (event == "READY") {
            // Here, before GUILD_CREATE is applied, so on_guild_ready always knows the bot's id.
            if (const auto ready = parse_ready(d)) bot_user.store(ready->bot_user.value);
        }
        net::post(strand, [self = shared_from_this(), event = std::string(event), d] {
            // Not supervised on purpose: a failure here has no component to restart, so it leaves
            // io_context::run() and the process exits 1 (apexbot's main), for a supervisor to restart.
            detail::fault_point(self->options.inject_fault, "runtime.dispatch");
            if (event == "READY") return self->on_ready(d);
            self->on_interaction_create(d);
        });
    }

    /// From the gateway's strand: parse, drop duplicates, hand to the worker pool.
    void on_message_create(const json& d) {
        if (!options.on_message) return;
        auto parsed = parse_message_create(d);
        if (!parsed) {
            if (++messages_ignored <= 5 || messages_ignored % 1000 == 0) {
                say(ports::log_level::warning, "messages", "ignored (" + std::to_string(messages_ignored) + " so far): " + parsed.error().what);
            }
            return;
        }
        {
            std::lock_guard lock(messages_mutex);
            if (!recent_messages.first_time(parsed->id)) return;
        }
        net::post(pool, [self = shared_from_this(), m = std::move(parsed.value())] {
            detail::contain(self->log, "on_message", [&] { self->options.on_message(m); });
        });
    }

    void on_interaction_create(const json& d) {
        auto parsed = parse_interaction(d);
        if (!parsed) {
            // Rate-limited log (the first 5, then every 1000th); the gateway stays up.
            if (++interactions_ignored <= 5 || interactions_ignored % 1000 == 0) {
                say(ports::log_level::warning, "interactions", "ignored (" + std::to_string(interactions_ignored) + " so far): " + parsed.error().what);
            }
            return;
        }
        interaction_envelope& envelope = parsed.value();
        if (envelope.type == 1) return;  // PING exists only in HTTP mode
        const std::string path = "/interactions/" + envelope.neutral.id.str() + "/" + envelope.token + "/callback";
        const auto deadline = steady::now() + response_deadline;
        const std::string id = envelope.neutral.id.str();
        accept(std::move(envelope), [weak = weak_from_this(), path, id, deadline](json body, std::function<void(bool)> acknowledged) {
            auto self = weak.lock();
            if (!self) return request_ticket{0};
            return self->rest->request(
                http_method::post, path, std::move(body),
                [weak, id, acknowledged](std::error_code ec, rest_response res) {
                    auto owner = weak.lock();
                    if (!owner) return;
                    const bool ok = !ec && res.ok();
                    if (!ok) {
                        owner->say_about(ports::log_level::error, id, "callback failed (" + describe(ec, res) +
                                   "); Discord's 3 s deadline has passed or the request was refused");
                    }
                    net::post(owner->strand, [acknowledged, ok] {
                        if (acknowledged) acknowledged(ok);
                    });
                },
                request_options{.deadline = deadline, .audit_log_reason = {}});
        });
    }

    /// An interaction from the HTTP endpoint (its strand): the initial response is the HTTP reply.
    void on_http_interaction(interaction_envelope envelope, interactions_endpoint::respond_fn respond) {
        net::post(strand, [self = shared_from_this(), envelope = std::move(envelope), respond]() mutable {
            self->accept(std::move(envelope), [respond](json body, std::function<void(bool)> acknowledged) {
                respond(std::move(body));
                if (acknowledged) acknowledged(true);
                return request_ticket{0};
            });
        });
    }

    void accept(interaction_envelope envelope, acknowledge_fn acknowledge) {
        if (!recent_interactions.first_time(envelope.neutral.id)) {
            return say_about(ports::log_level::info, envelope.neutral.id.str(), "duplicate delivery ignored");
        }
        if (envelope.application.empty()) envelope.application = application;
        handle(std::move(envelope), std::move(acknowledge));
    }

    void register_commands(core::application_id app) {
        if (commands_registered) return;
        commands_registered = true;
        json body = json::array();
        for (const auto& c : options.commands) body.push_back(to_command(c));
        const std::string path = "/applications/" + app.str() + "/guilds/" + options.guild.str() + "/commands";
        rest->request(http_method::put, path, std::move(body), [weak = weak_from_this()](std::error_code ec, rest_response res) {
            auto self = weak.lock();
            if (!self) return;
            net::post(self->strand, [self, ec, res = std::move(res)] {
                if (ec || !res.ok()) {
                    self->commands_registered = false;
                    return self->say(ports::log_level::error, "commands", "registration failed: " + describe(ec, res));
                }
                self->say(ports::log_level::info, "commands", "registered " + std::to_string(self->options.commands.size()) + " guild commands");
            });
        });
    }

    /// HTTP-only mode: the application id comes from GET /applications/@me.
    void fetch_application() {
        rest->request(http_method::get, "/applications/@me", std::nullopt,
                      [weak = weak_from_this()](std::error_code ec, rest_response res) {
                          auto self = weak.lock();
                          if (!self) return;
                          const json body = ec ? json() : json::parse(res.body, nullptr, false);
                          std::optional<core::application_id> id;
                          if (!ec && res.ok() && body.is_object() && body.contains("id") && body["id"].is_string()) {
                              id = core::application_id::parse(body["id"].get<std::string>());
                          }
                          net::post(self->strand, [self, id, ec, res = std::move(res)] {
                              if (!id) return self->say(ports::log_level::error, "commands", "GET /applications/@me failed: " + describe(ec, res));
                              self->application = *id;
                              self->register_commands(*id);
                          });
                      });
    }

    void on_ready(const json& d) {
        const auto ready = parse_ready(d);
        if (!ready) return;
        application = ready->application;
        register_commands(ready->application);
    }

    /// Runs on_guild_ready on the worker pool (READY has set bot_user: it precedes GUILD_CREATE).
    void announce_guild_ready() {
        if (!options.on_guild_ready) return;
        net::post(pool, [self = shared_from_this()] {
            detail::contain(self->log, "on_guild_ready", [&] {
                self->options.on_guild_ready(*self->guild_state, core::user_id{self->bot_user.load()});
            });
        });
    }

    /// The metrics label of an interaction type (REFERENCE.md §3.2).
    static std::string_view kind_of(int type) {
        switch (type) {
            case 2: return "command";
            case 3: return "component";
            case 4: return "autocomplete";
            case 5: return "modal";
            default: return "other";
        }
    }

    /// apexcore_interaction_response_seconds: receipt -> the initial response (answer or
    /// deferral) accepted by Discord.
    void observe_response(const in_flight& job) const {
        if (options.metrics == nullptr) return;
        options.metrics->observe("apexcore_interaction_response_seconds", {{"kind", kind_of(job.envelope.type)}},
                                 std::chrono::duration<double>(steady::now() - job.received).count());
    }

    void handle(interaction_envelope envelope, acknowledge_fn acknowledge) {
        auto job = std::make_shared<in_flight>(std::move(envelope), strand, std::move(acknowledge));
        if (options.metrics != nullptr) {
            options.metrics->count("apexcore_interactions_total", {{"kind", kind_of(job->envelope.type)}});
        }
        if (job->envelope.type == 4) {
            // Autocomplete cannot be deferred (REFERENCE.md §3.5): suggestions come within 3 s or not at all.
        } else if (options.defer_after.count() <= 0) {
            defer(job);
        } else {
            // Runs until the answer is delivered, not until the handler returns.
            job->defer_timer.expires_at(job->received + options.defer_after);
            job->defer_timer.async_wait([weak = weak_from_this(), job](boost::system::error_code ec) {
                auto self = weak.lock();
                if (!ec && self) self->on_defer_timer(job);
            });
        }
        net::post(pool, [self = shared_from_this(), job] {
            ports::interaction_response response;
            const auto started = steady::now();
            try {
                detail::fault_point(self->options.inject_fault, "runtime.handler");
                response = self->handler(job->envelope.neutral);
                if (self->options.metrics != nullptr) {
                    self->options.metrics->observe("apexcore_interaction_handler_seconds", {{"kind", kind_of(job->envelope.type)}},
                                                   std::chrono::duration<double>(steady::now() - started).count());
                }
            } catch (...) {
                self->say_about(ports::log_level::error, job->envelope.neutral.id.str(), "the handler threw: " +
                          detail::describe(std::current_exception()) + "; answering with a generic error");
                response = generic_error(job->envelope.neutral.id);
            }
            net::post(self->strand, [self, job, response = std::move(response)]() mutable {
                self->complete(job, std::move(response));
            });
        });
    }

    void on_defer_timer(const std::shared_ptr<in_flight>& job) {
        if (stopped) return;
        if (job->at == stage::handling) return defer(job);
        if (job->at != stage::answer_queued) return;
        // The answer is ready but not delivered: if it has not been written yet, withdraw it and
        // defer instead, so the member is acknowledged within the deadline.
        if (job->answer_ticket != 0 && rest->cancel(job->answer_ticket)) {
            say_about(ports::log_level::warning, job->envelope.neutral.id.str(), "answer not sent in time; deferring instead");
            defer(job);
        }
    }

    void defer(const std::shared_ptr<in_flight>& job) {
        if (stopped) return;
        job->at = stage::deferral_queued;
        const bool component = job->envelope.type == 3;
        json body{{"type", component ? 6 : 5}};
        if (!component && options.defer_ephemeral) body["data"] = {{"flags", 64}};
        say_about(ports::log_level::info, job->envelope.neutral.id.str(), "deferring (type " + std::to_string(component ? 6 : 5) + ")");
        job->acknowledge(std::move(body), [weak = weak_from_this(), job](bool ok) {
            auto self = weak.lock();
            if (!self) return;
            job->at = stage::deferred;
            if (!ok) return;  // the interaction is lost; the failure was logged
            self->observe_response(*job);
            if (job->result) self->edit_original(job, *job->result);
        });
    }

    void complete(const std::shared_ptr<in_flight>& job, ports::interaction_response response) {
        if (stopped) return;
        const bool message_kind = response.kind == ports::response_kind::reply || response.kind == ports::response_kind::update_message;
        if (job->at == stage::handling && message_kind && !response.body.files.empty()) {
            // Files go with an edit of the original response (multipart PATCH works for gateway
            // and HTTP interactions alike): acknowledge now, attach them in the edit.
            job->result = std::move(response);
            return defer(job);
        }
        switch (job->at) {
            case stage::handling:
                job->at = stage::answer_queued;
                job->result = response;
                job->answer_ticket = job->acknowledge(to_interaction_callback(response), [weak = weak_from_this(), job](bool ok) {
                    job->at = stage::done;
                    job->defer_timer.cancel();
                    auto self = weak.lock();
                    if (ok && self) self->observe_response(*job);
                    if (ok && self && job->result) self->send_followups(job, 0);
                });
                break;
            case stage::deferral_queued: job->result = std::move(response); break;  // sent once acknowledged
            case stage::deferred:
                job->result = std::move(response);
                edit_original(job, *job->result);
                break;
            case stage::answer_queued:
            case stage::done: break;
        }
    }

    void edit_original(const std::shared_ptr<in_flight>& job, const ports::interaction_response& response) {
        job->at = stage::done;
        ports::message body = response.body;
        if (response.kind == ports::response_kind::open_modal || response.kind == ports::response_kind::suggest) {
            // A modal or suggestions can only be the first answer, and this one was deferred.
            say_about(ports::log_level::warning, job->envelope.neutral.id.str(), std::string("the handler answered with a ") +
                (response.kind == ports::response_kind::open_modal ? "modal" : "suggestion list") +
                " after the deferral; Discord cannot show it now");
            body = ports::message{};
            body.content = "This form could not be opened in time. Please try again.";
        }
        json data = to_message_data(body);
        data.erase("flags");  // the ephemeral state was fixed by the deferral
        const std::string path = "/webhooks/" + job->envelope.application.str() + "/" + job->envelope.token +
                                 "/messages/@original";
        const auto id = job->envelope.neutral.id.str();
        send_message_request(http_method::patch, path, std::move(data), body.files,
                             [weak = weak_from_this(), id, job](std::error_code ec, rest_response res) {
                                 auto self = weak.lock();
                                 if (!self) return;
                                 if (ec || !res.ok()) return self->say_about(ports::log_level::error, id, "edit of @original failed: " + describe(ec, res));
                                 net::post(self->strand, [self, job] { self->send_followups(job, 0); });
                             });
    }

    /// Follow-up messages, one after the other once the answer is delivered (REFERENCE.md §2.5:
    /// POST /webhooks/{application}/{token}, valid 15 minutes after the interaction).
    void send_followups(const std::shared_ptr<in_flight>& job, std::size_t index) {
        if (stopped || !job->result || index >= job->result->followups.size()) return;
        const ports::message& message = job->result->followups[index];
        const std::string path = "/webhooks/" + job->envelope.application.str() + "/" + job->envelope.token;
        const auto id = job->envelope.neutral.id.str();
        send_message_request(http_method::post, path, to_message_data(message), message.files,
                             [weak = weak_from_this(), id, job, index](std::error_code ec, rest_response res) {
                                 auto self = weak.lock();
                                 if (!self) return;
                                 if (ec || !res.ok()) {
                                     return self->say_about(ports::log_level::error, id, "follow-up " + std::to_string(index + 1) +
                                                      " failed: " + describe(ec, res));
                                 }
                                 net::post(self->strand, [self, job, index] { self->send_followups(job, index + 1); });
                             });
    }

    /// A message body as JSON, or as multipart with its files (REFERENCE.md §2.4).
    void send_message_request(http_method method, const std::string& path, json data,
                              const std::vector<ports::outbound_file>& files, rest_callback done) {
        if (files.empty()) {
            rest->request(method, path, std::move(data), std::move(done));
            return;
        }
        const std::span<const ports::outbound_file> sent(files.data(), std::min(files.size(), ports::files_per_message_max));
        std::vector<ports::outbound_file> named(sent.begin(), sent.end());
        for (auto& f : named) f.filename = safe_filename(f.filename);
        const std::string payload = data.dump(-1, ' ', false, json::error_handler_t::replace);
        const std::string boundary = make_multipart_boundary(payload, named);
        rest->request(method, path, encoded_body{"multipart/form-data; boundary=" + boundary, to_multipart(data, named, boundary)},
                      std::move(done));
    }
};

discord_runtime::discord_runtime(net::io_context& io, runtime_options options, interaction_handler handler,
                                 log_fn log, std::function<void(std::string_view)> on_fatal)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(handler), std::move(log))) {
    impl_->guild_state = impl_->options.cache ? impl_->options.cache : std::make_shared<cache::guild_cache>();
    if (impl_->options.rest_client) {
        impl_->rest = impl_->options.rest_client;
    } else {
        rest_options rest = impl_->options.rest;
        if (!rest.log) rest.log = impl_->log;
        if (!rest.inject_fault) rest.inject_fault = impl_->options.inject_fault;
        if (rest.metrics == nullptr) rest.metrics = impl_->options.metrics;
        impl_->rest = std::make_shared<rest_client>(io, std::move(rest));
    }
    gateway_handlers handlers;
    handlers.on_dispatch = [weak = std::weak_ptr<impl>(impl_)](std::string_view event, const json& d) {
        if (auto self = weak.lock()) self->on_dispatch(event, d);
    };
    handlers.on_fatal = std::move(on_fatal);
    handlers.log = impl_->log;
    gateway_options gateway = impl_->options.gateway;
    if (!gateway.inject_fault) gateway.inject_fault = impl_->options.inject_fault;
    if (gateway.metrics == nullptr) gateway.metrics = impl_->options.metrics;
    impl_->gateway = std::make_unique<gateway_client>(io, *impl_->rest, std::move(gateway), std::move(handlers));
    if (impl_->options.http) {
        endpoint_options http = *impl_->options.http;
        if (!http.inject_fault) http.inject_fault = impl_->options.inject_fault;
        impl_->endpoint = std::make_unique<interactions_endpoint>(
            io, std::move(http),
            [weak = std::weak_ptr<impl>(impl_)](interaction_envelope envelope, interactions_endpoint::respond_fn respond) {
                if (auto self = weak.lock()) self->on_http_interaction(std::move(envelope), std::move(respond));
            },
            impl_->log);
    }
}

std::shared_ptr<cache::guild_cache> discord_runtime::cache() const { return impl_->guild_state; }

std::uint16_t discord_runtime::http_port() const { return impl_->endpoint ? impl_->endpoint->port() : 0; }

discord_runtime::~discord_runtime() {
    stop();
    impl_->pool.join();
}

void discord_runtime::start() {
    if (impl_->endpoint) {
        impl_->endpoint->start();
        const bool https = !impl_->options.http->tls_certificate_file.empty();
        impl_->say(ports::log_level::info, "endpoint", std::string("interactions endpoint listening on ") + (https ? "https://" : "http://") +
                   impl_->options.http->address + ":" +
                   std::to_string(impl_->endpoint->port()) + impl_->options.http->path);
    }
    if (impl_->options.use_gateway) impl_->gateway->start();
    else net::post(impl_->strand, [self = impl_] { self->fetch_application(); });
}

runtime_health discord_runtime::health() const {
    runtime_health h;
    h.gateway = impl_->options.use_gateway;
    if (h.gateway) {
        const auto shards = impl_->gateway->shards();
        h.shards_ready = shards.ready;
        h.shards_total = shards.total;
    }
    h.endpoint = impl_->endpoint != nullptr && !impl_->stopped;
    return h;
}

void discord_runtime::stop() {
    if (impl_->stopped.exchange(true)) return;
    impl_->gateway->stop();
    if (impl_->endpoint) impl_->endpoint->stop();
    impl_->rest->stop();
}

}  // namespace apexcore::discord
