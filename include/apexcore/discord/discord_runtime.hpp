#pragma once
/// @file discord_runtime.hpp
/// Runs a neutral interaction handler (e.g. bot::shop_bot::handle) on Discord: one gateway
/// session plus the REST client. On the first READY it bulk-overwrites the guild's commands
/// (`PUT /applications/{app}/guilds/{guild}/commands`); each INTERACTION_CREATE is mapped to
/// ports::interaction, handled, and answered with
/// `POST /interactions/{id}/{token}/callback` (REFERENCE.md §2.5, §3.5).

#include <apexcore/core/ids.hpp>
#include <apexcore/discord/gateway_client.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/ports/chat.hpp>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace apexcore::discord {

/// Answers one interaction; must return within Discord's 3 s initial-response deadline
/// (REFERENCE.md §3.5).
using interaction_handler = std::function<ports::interaction_response(const ports::interaction&)>;

/// Everything the runtime needs.
struct runtime_options {
    rest_options rest;
    gateway_options gateway;
    core::guild_id guild;                        ///< where commands are registered
    std::vector<ports::command_spec> commands;   ///< registered on the first READY
};

/// Gateway + REST + handler wiring. Use from the io_context's thread.
class discord_runtime {
public:
    /// Throws std::invalid_argument for malformed options (URL, empty token).
    discord_runtime(boost::asio::io_context& io, runtime_options options, interaction_handler handler,
                    std::function<void(std::string_view)> log, std::function<void(std::string_view)> on_fatal);
    ~discord_runtime();

    /// Connects; returns at once.
    void start();
    /// Closes the gateway and drops queued REST requests.
    void stop();

private:
    void on_dispatch(std::string_view event, const json& d);

    runtime_options options_;
    interaction_handler handler_;
    std::function<void(std::string_view)> log_;
    std::unique_ptr<rest_client> rest_;
    std::unique_ptr<gateway_client> gateway_;
    bool commands_registered_ = false;
};

}  // namespace apexcore::discord
