#include <apexcore/discord/discord_runtime.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <deque>
#include <unordered_set>

namespace apexcore::discord {

namespace net = boost::asio;

struct discord_runtime::impl : std::enable_shared_from_this<impl> {
    /// One interaction being handled: whether it was deferred, and whether it is answered.
    struct in_flight {
        interaction_envelope envelope;
        net::steady_timer defer_timer;
        /// Sends the initial response: the callback route (gateway mode) or the HTTP reply.
        std::function<void(json body, std::function<void()> acknowledged)> acknowledge;
        bool deferred = false;
        bool answered = false;
        std::optional<ports::interaction_response> result;  ///< arrived before the defer completed
        bool defer_acknowledged = false;
    };

    impl(net::io_context& io_context, runtime_options opts, interaction_handler h, std::function<void(std::string_view)> l)
        : io(io_context), options(std::move(opts)), handler(std::move(h)), log(std::move(l)),
          pool(std::max<std::size_t>(1, options.handler_threads)) {}

    net::io_context& io;
    runtime_options options;
    interaction_handler handler;
    std::function<void(std::string_view)> log;
    net::thread_pool pool;
    std::unique_ptr<rest_client> rest;
    std::unique_ptr<gateway_client> gateway;
    std::unique_ptr<interactions_endpoint> endpoint;
    bool commands_registered = false;
    core::application_id application;
    std::deque<core::interaction_id> recent_order;
    std::unordered_set<core::interaction_id> recent;
    bool stopped = false;

    void say(const std::string& line) const {
        if (log) log(line);
    }

    static std::string describe(std::error_code ec, const rest_response& res) {
        if (ec) return ec.message();
        return "HTTP " + std::to_string(res.status) +
               (res.error ? " code " + std::to_string(res.error->code) + " " + res.error->message : "");
    }

    void on_dispatch(std::string_view event, const json& d) {
        if (event == "READY") return on_ready(d);
        if (event != "INTERACTION_CREATE") return;
        auto parsed = parse_interaction(d);
        if (!parsed) return say("interaction: ignored: " + parsed.error().what);
        interaction_envelope& envelope = parsed.value();
        if (envelope.type == 1) return;  // PING exists only in HTTP mode
        const std::string path = "/interactions/" + envelope.neutral.id.str() + "/" + envelope.token + "/callback";
        accept(std::move(envelope), [self = shared_from_this(), path](json body, std::function<void()> acknowledged) {
            self->rest->request(http_method::post, path, std::move(body),
                                [self, path, acknowledged](std::error_code ec, rest_response res) {
                                    if (ec || !res.ok()) self->say("interaction callback failed: " + describe(ec, res));
                                    if (acknowledged) acknowledged();
                                });
        });
    }

    /// An interaction from the HTTP endpoint: the initial response is the HTTP reply.
    void on_http_interaction(interaction_envelope envelope, interactions_endpoint::respond_fn respond) {
        accept(std::move(envelope), [respond](json body, std::function<void()> acknowledged) {
            respond(std::move(body));
            if (acknowledged) acknowledged();
        });
    }

    void accept(interaction_envelope envelope, std::function<void(json, std::function<void()>)> acknowledge) {
        if (!remember(envelope.neutral.id)) {
            return say("interaction " + envelope.neutral.id.str() + ": duplicate delivery ignored");
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
        rest->request(http_method::put, path, std::move(body), [self = shared_from_this()](std::error_code ec, rest_response res) {
            if (ec || !res.ok()) {
                self->commands_registered = false;
                return self->say("commands: registration failed: " + describe(ec, res));
            }
            self->say("commands: registered " + std::to_string(self->options.commands.size()) + " guild commands");
        });
    }

    /// HTTP-only mode: the application id comes from GET /applications/@me.
    void fetch_application() {
        rest->request(http_method::get, "/applications/@me", std::nullopt,
                      [self = shared_from_this()](std::error_code ec, rest_response res) {
                          const json body = ec ? json() : json::parse(res.body, nullptr, false);
                          std::optional<core::application_id> id;
                          if (!ec && res.ok() && body.is_object() && body.contains("id") && body["id"].is_string()) {
                              id = core::application_id::parse(body["id"].get<std::string>());
                          }
                          if (!id) return self->say("GET /applications/@me failed: " + describe(ec, res));
                          self->application = *id;
                          self->register_commands(*id);
                      });
    }

    void on_ready(const json& d) {
        const auto ready = parse_ready(d);
        if (!ready) return;
        application = ready->application;
        register_commands(ready->application);
    }

    /// True the first time an id is seen (bounded memory).
    bool remember(core::interaction_id id) {
        if (!recent.insert(id).second) return false;
        recent_order.push_back(id);
        if (recent_order.size() > options.dedupe_capacity) {
            recent.erase(recent_order.front());
            recent_order.pop_front();
        }
        return true;
    }

    void handle(interaction_envelope envelope, std::function<void(json, std::function<void()>)> acknowledge) {
        auto job = std::make_shared<in_flight>(
            in_flight{std::move(envelope), net::steady_timer(io), std::move(acknowledge), false, false, {}, false});
        if (options.defer_after.count() <= 0) {
            defer(job);
        } else {
            job->defer_timer.expires_after(options.defer_after);
            job->defer_timer.async_wait([self = shared_from_this(), job](boost::system::error_code ec) {
                if (!ec && !job->answered) self->defer(job);
            });
        }
        net::post(pool, [self = shared_from_this(), job] {
            ports::interaction_response response = self->handler(job->envelope.neutral);
            net::post(self->io, [self, job, response = std::move(response)]() mutable {
                self->complete(job, std::move(response));
            });
        });
    }

    void defer(const std::shared_ptr<in_flight>& job) {
        if (stopped) return;
        job->deferred = true;
        const bool component = job->envelope.type == 3;
        json body{{"type", component ? 6 : 5}};
        if (!component && options.defer_ephemeral) body["data"] = {{"flags", 64}};
        say("interaction " + job->envelope.neutral.id.str() + ": deferring (type " + std::to_string(component ? 6 : 5) + ")");
        job->acknowledge(std::move(body), [self = shared_from_this(), job] {
            job->defer_acknowledged = true;
            if (job->result) self->edit_original(job, *job->result);
        });
    }

    void complete(const std::shared_ptr<in_flight>& job, ports::interaction_response response) {
        job->answered = true;
        job->defer_timer.cancel();
        if (stopped) return;
        if (!job->deferred) {
            job->acknowledge(to_interaction_callback(response), nullptr);
            return;
        }
        if (!job->defer_acknowledged) {
            job->result = std::move(response);  // sent once the deferral is acknowledged
            return;
        }
        edit_original(job, response);
    }

    void edit_original(const std::shared_ptr<in_flight>& job, const ports::interaction_response& response) {
        json data = to_message_data(response.body);
        data.erase("flags");  // the ephemeral state was fixed by the deferral
        const std::string path = "/webhooks/" + job->envelope.application.str() + "/" + job->envelope.token +
                                 "/messages/@original";
        rest->request(http_method::patch, path, std::move(data), [self = shared_from_this(), job](std::error_code ec, rest_response res) {
            if (ec || !res.ok()) {
                self->say("interaction " + job->envelope.neutral.id.str() + ": edit of @original failed: " + describe(ec, res));
            }
        });
    }
};

discord_runtime::discord_runtime(net::io_context& io, runtime_options options, interaction_handler handler,
                                 std::function<void(std::string_view)> log,
                                 std::function<void(std::string_view)> on_fatal)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(handler), std::move(log))) {
    impl_->rest = std::make_unique<rest_client>(io, impl_->options.rest);
    gateway_handlers handlers;
    handlers.on_dispatch = [weak = std::weak_ptr<impl>(impl_)](std::string_view event, const json& d) {
        if (auto self = weak.lock()) self->on_dispatch(event, d);
    };
    handlers.on_fatal = std::move(on_fatal);
    handlers.log = impl_->log;
    impl_->gateway = std::make_unique<gateway_client>(io, *impl_->rest, impl_->options.gateway, std::move(handlers));
    if (impl_->options.http) {
        impl_->endpoint = std::make_unique<interactions_endpoint>(
            io, *impl_->options.http,
            [weak = std::weak_ptr<impl>(impl_)](interaction_envelope envelope, interactions_endpoint::respond_fn respond) {
                if (auto self = weak.lock()) self->on_http_interaction(std::move(envelope), std::move(respond));
            },
            impl_->log);
    }
}

std::uint16_t discord_runtime::http_port() const { return impl_->endpoint ? impl_->endpoint->port() : 0; }

discord_runtime::~discord_runtime() {
    stop();
    impl_->pool.join();
}

void discord_runtime::start() {
    if (impl_->endpoint) {
        impl_->endpoint->start();
        const bool https = !impl_->options.http->tls_certificate_file.empty();
        impl_->say(std::string("interactions endpoint listening on ") + (https ? "https://" : "http://") +
                   impl_->options.http->address + ":" +
                   std::to_string(impl_->endpoint->port()) + impl_->options.http->path);
    }
    if (impl_->options.use_gateway) impl_->gateway->start();
    else impl_->fetch_application();
}

void discord_runtime::stop() {
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->gateway->stop();
    if (impl_->endpoint) impl_->endpoint->stop();
    impl_->rest->stop();
}

}  // namespace apexcore::discord
