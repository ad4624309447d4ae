#include <apexcore/discord/discord_runtime.hpp>

namespace apexcore::discord {

discord_runtime::discord_runtime(boost::asio::io_context& io, runtime_options options, interaction_handler handler,
                                 std::function<void(std::string_view)> log,
                                 std::function<void(std::string_view)> on_fatal)
    : options_(std::move(options)), handler_(std::move(handler)), log_(std::move(log)) {
    rest_ = std::make_unique<rest_client>(io, options_.rest);
    gateway_handlers handlers;
    handlers.on_dispatch = [this](std::string_view event, const json& d) { on_dispatch(event, d); };
    handlers.on_fatal = std::move(on_fatal);
    handlers.log = log_;
    gateway_ = std::make_unique<gateway_client>(io, *rest_, options_.gateway, std::move(handlers));
}

discord_runtime::~discord_runtime() { stop(); }

void discord_runtime::start() { gateway_->start(); }

void discord_runtime::stop() {
    if (gateway_) gateway_->stop();
    if (rest_) rest_->stop();
}

void discord_runtime::on_dispatch(std::string_view event, const json& d) {
    if (event == "READY" && !commands_registered_) {
        const auto ready = parse_ready(d);
        if (!ready) return;
        commands_registered_ = true;
        json body = json::array();
        for (const auto& c : options_.commands) body.push_back(to_command(c));
        const std::string path = "/applications/" + ready->application.str() + "/guilds/" + options_.guild.str() +
                                 "/commands";
        rest_->request(http_method::put, path, std::move(body), [this](std::error_code ec, rest_response res) {
            if (ec) {
                commands_registered_ = false;
                if (log_) log_("commands: registration failed: " + ec.message());
            } else if (!res.ok()) {
                commands_registered_ = false;
                if (log_) {
                    log_("commands: registration refused: HTTP " + std::to_string(res.status) +
                         (res.error ? " code " + std::to_string(res.error->code) + " " + res.error->message : ""));
                }
            } else if (log_) {
                log_("commands: registered " + std::to_string(options_.commands.size()) + " guild commands");
            }
        });
        return;
    }
    if (event != "INTERACTION_CREATE") return;
    const auto envelope = parse_interaction(d);
    if (!envelope) {
        if (log_) log_("interaction: ignored: " + envelope.error().what);
        return;
    }
    if (envelope->type == 1) return;  // PING only exists in HTTP mode
    const ports::interaction_response response = handler_(envelope->neutral);
    const std::string path = "/interactions/" + envelope->neutral.id.str() + "/" + envelope->token + "/callback";
    rest_->request(http_method::post, path, to_interaction_callback(response),
                   [this, id = envelope->neutral.id](std::error_code ec, rest_response res) {
                       if (!log_) return;
                       if (ec) log_("interaction " + id.str() + ": callback failed: " + ec.message());
                       else if (!res.ok()) {
                           log_("interaction " + id.str() + ": callback refused: HTTP " + std::to_string(res.status) +
                                (res.error ? " code " + std::to_string(res.error->code) + " " + res.error->message
                                           : ""));
                       }
                   });
}

}  // namespace apexcore::discord
