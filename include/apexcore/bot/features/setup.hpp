#pragma once
/// @file setup.hpp
/// The setup feature: `/setup check` tells a staff member (or the server's administrator, who
/// may not hold the staff role yet) exactly what the bot lacks for the shop's features — each
/// feature's declared requirements (feature::requirements) asked of the platform through
/// ports::chat_actions::missing, plus the staff role, which must exist. The same check runs at
/// start-up in the reference bot; this one runs on demand, after the owner changed something.
/// (Issue "Running the shop" grows /setup into the provisioning wizard.)

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/chat_actions.hpp>

#include <functional>

namespace apexcore::bot {

/// /setup check. Thread-safe; `actions` must outlive it.
class setup_feature final : public feature {
public:
    /// `requirements` returns every feature's requirements (router::requirements) at the time of
    /// the check, so features added after this one are checked too.
    setup_feature(const bot_config& config, ports::chat_actions& actions,
                  std::function<std::vector<requirement>()> requirements);

    [[nodiscard]] std::string name() const override { return "setup"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    /// The staff role must exist (every staff command depends on it).
    [[nodiscard]] std::vector<requirement> requirements() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

private:
    const bot_config& config_;
    ports::chat_actions& actions_;
    std::function<std::vector<requirement>()> requirements_;
};

/// The answer to `/setup check` for `problems` (chat_actions::missing): a confirmation when it
/// is empty, otherwise one bullet per problem, within Discord's 2000-character content limit
/// (the rest counted as "... and N more").
[[nodiscard]] std::string describe_setup_problems(const std::vector<std::string>& problems);

}  // namespace apexcore::bot
