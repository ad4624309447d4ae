#pragma once
/// @file router.hpp
/// The bot's router: features register commands and custom_id namespaces; each interaction goes
/// to its owner — a command by its name (the first word of "name sub"), a component or a modal
/// by the namespace of its custom_id (the text before the first ':'), an autocomplete request by
/// its command. An embedder adds, removes or replaces features without forking the bot.
///
/// Unknown commands and custom_ids of no feature (from an older version, another bot, or forged)
/// get an ephemeral explanation; a handler that throws gets an apology and a log line.
///
/// Thread-safety: add / remove / replace while no interaction is being handled (at start-up);
/// handle() and commands() may then run on several threads at once.

#include <apexcore/bot/feature.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::bot {

/// What a member reads after clicking a component whose custom_id no feature owns (an older
/// version of the bot, a removed feature, another bot, or a forgery).
inline constexpr std::string_view stale_component_reply =
    "This menu is out of date or not from this shop. Please run the command again.";

/// Routes interactions to features. See the file comment.
class router {
public:
    explicit router(bot_config config);

    /// Adds a feature. Throws std::invalid_argument when its name, one of its command names or
    /// namespaces is already taken, or a namespace is empty or contains ':'.
    void add(std::shared_ptr<feature> f);
    /// Removes the feature named `name`; false when there is none.
    bool remove(std::string_view name);
    /// Replaces the feature of the same name (or adds it); same checks as add().
    void replace(std::shared_ptr<feature> f);
    /// The names of the features, in the order they were added.
    [[nodiscard]] std::vector<std::string> features() const;

    /// Every feature's requirements, in order.
    [[nodiscard]] std::vector<requirement> requirements() const;
    /// Every feature's commands, in order (what the runtime registers with the platform).
    [[nodiscard]] std::vector<ports::command_spec> commands() const;
    /// Answers one interaction. Never throws.
    [[nodiscard]] ports::interaction_response handle(const ports::interaction& interaction) const;
    /// Gives a channel message to every feature. Never throws (a feature's exception is logged).
    void on_message(const ports::channel_message& message) const;
    /// Every feature's scheduled jobs, in order.
    [[nodiscard]] std::vector<scheduled_job> jobs() const;

    [[nodiscard]] const bot_config& config() const { return config_; }

private:
    [[nodiscard]] feature* owner_of_command(std::string_view command) const;
    [[nodiscard]] feature* owner_of_custom_id(std::string_view custom_id) const;
    void check_free(const feature& f, const feature* except) const;

    bot_config config_;
    std::vector<std::shared_ptr<feature>> features_;
};

}  // namespace apexcore::bot
