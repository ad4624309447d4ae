#pragma once
/// @file help.hpp
/// The help feature: `/help` lists the commands the asking member may use, with their
/// descriptions — staff commands only for staff (Discord hides them by default permissions, and
/// the bot checks the role on every call anyway). It reads the router's commands when asked, so
/// features an embedder adds later are listed too. Ephemeral.

#include <apexcore/bot/feature.hpp>

#include <functional>

namespace apexcore::bot {

/// /help. Thread-safe when `commands` is.
class help_feature final : public feature {
public:
    /// `commands` returns every registered command (the router's), called on each /help.
    help_feature(const bot_config& config, std::function<std::vector<ports::command_spec>()> commands);

    [[nodiscard]] std::string name() const override { return "help"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

private:
    const bot_config& config_;
    std::function<std::vector<ports::command_spec>()> commands_;
};

}  // namespace apexcore::bot
