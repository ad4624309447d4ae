#pragma once
/// @file chat.hpp
/// The chat port: inbound interactions (what a member did) in a platform-neutral shape and the
/// command declarations the bot registers. Answers are `interaction_response`s (message.hpp).
/// Outbound actions beyond answering (role grants from VIP tiers, DMs) arrive with those features.

#include <apexcore/core/ids.hpp>
#include <apexcore/ports/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace apexcore::ports {

/// The kind of value a command option takes.
enum class option_type { string, integer, user, number };

/// One typed option of a slash command as declared by the bot.
struct command_option_spec {
    std::string name;         ///< 1..32 chars, lower case (Discord: REFERENCE.md §3.6)
    std::string description;  ///< 1..100 chars
    option_type type = option_type::string;
    bool required = false;
};

/// A slash command as declared by the bot.
struct command_spec {
    std::string name;         ///< 1..32 chars, lower case
    std::string description;  ///< 1..100 chars
    std::vector<command_option_spec> options;  ///< required before optional, <= 25
    bool staff_only = false;  ///< hidden by default permissions; still checked by the bot itself
};

/// A value a member gave for an option. Users arrive as their id.
using option_value = std::variant<std::string, std::int64_t, double, core::user_id>;

/// One option a member filled in.
struct command_option {
    std::string name;
    option_value value;
};

/// Who did it: the invoking member and the roles they hold in the guild.
struct invoker {
    core::user_id user;
    std::string display_name;
    std::vector<core::role_id> roles;  ///< empty in DMs
};

/// A slash command invocation.
struct command_invocation {
    std::string name;
    std::vector<command_option> options;
};

/// A click on a button or a pick in a select.
struct component_action {
    std::string custom_id;
    std::vector<std::string> values;  ///< chosen option values (selects); empty for buttons
};

/// One inbound interaction, as the bot sees it.
struct interaction {
    core::interaction_id id;
    std::optional<core::guild_id> guild;
    std::optional<core::channel_id> channel;
    invoker from;
    std::variant<command_invocation, component_action> action;
};

}  // namespace apexcore::ports
