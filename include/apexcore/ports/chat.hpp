#pragma once
/// @file chat.hpp
/// The chat port, inbound side: interactions (what a member did) in a platform-neutral shape and
/// the command declarations the bot registers. Answers are `interaction_response`s (message.hpp);
/// everything else the bot does on the platform goes through chat_actions.hpp.

#include <apexcore/core/ids.hpp>
#include <apexcore/ports/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace apexcore::ports {

/// The kind of value a command option takes.
enum class option_type { string, integer, user, number, boolean, channel, role, mentionable, attachment };

/// One typed option of a slash command as declared by the bot (Discord: REFERENCE.md §3.6).
struct command_option_spec {
    std::string name;         ///< 1..32 chars, lower case
    std::string description;  ///< 1..100 chars
    option_type type = option_type::string;
    bool required = false;
    std::vector<choice> choices;       ///< <= 25 fixed values (string, integer, number options); empty = free input
    std::optional<double> min_value;   ///< integer / number options
    std::optional<double> max_value;
    std::optional<int> min_length;     ///< string options, 0..6000
    std::optional<int> max_length;     ///< string options, 1..6000
    bool autocomplete = false;         ///< suggestions while typing (not with choices): ports::autocomplete_request
};

/// A sub-command (`/ticket open`): its own options.
struct subcommand_spec {
    std::string name;         ///< 1..32 chars, lower case
    std::string description;  ///< 1..100 chars
    std::vector<command_option_spec> options;  ///< <= 25
};

/// A group of sub-commands (`/promo code create`).
struct subcommand_group_spec {
    std::string name;         ///< 1..32 chars, lower case
    std::string description;  ///< 1..100 chars
    std::vector<subcommand_spec> subcommands;  ///< 1..25
};

/// A slash command as declared by the bot. A command has either `options`, or sub-commands and
/// groups (then it cannot be run on its own); the invocation's name is then "command sub" or
/// "command group sub".
struct command_spec {
    std::string name;         ///< 1..32 chars, lower case
    std::string description;  ///< 1..100 chars
    std::vector<command_option_spec> options;  ///< required before optional, <= 25
    bool staff_only = false;  ///< hidden by default permissions; still checked by the bot itself
    std::vector<subcommand_spec> subcommands;        ///< with groups: <= 25 in all
    std::vector<subcommand_group_spec> groups;
};

/// A value a member gave for an option: text, integer, number, yes/no, a member, a role, a
/// channel or an uploaded file (a mentionable arrives as the member's or the role's id).
using option_value = std::variant<std::string, std::int64_t, double, core::user_id, bool, core::role_id, core::channel_id,
                                  attachment_info>;

/// One option a member filled in.
struct command_option {
    std::string name;
    option_value value;
};

/// What a member or role may do in a channel, as a neutral bit set. The Discord adapter maps
/// each to its permission bit (REFERENCE.md §7.2): view → VIEW_CHANNEL, send → SEND_MESSAGES,
/// attach_files → ATTACH_FILES, read_history → READ_MESSAGE_HISTORY, embed_links → EMBED_LINKS,
/// add_reactions → ADD_REACTIONS, manage_messages → MANAGE_MESSAGES.
enum class ability : std::uint32_t {
    view = 1U << 0,
    send = 1U << 1,
    attach_files = 1U << 2,
    read_history = 1U << 3,
    embed_links = 1U << 4,
    add_reactions = 1U << 5,
    manage_messages = 1U << 6,
};

/// A set of abilities (bitwise OR of `ability` values).
struct abilities {
    std::uint32_t bits = 0;
    constexpr abilities() = default;
    constexpr abilities(ability a) : bits(static_cast<std::uint32_t>(a)) {}  // NOLINT(google-explicit-constructor)
    [[nodiscard]] constexpr bool has(ability a) const { return (bits & static_cast<std::uint32_t>(a)) != 0; }
    [[nodiscard]] constexpr bool empty() const { return bits == 0; }
    friend constexpr abilities operator|(abilities a, abilities b) {
        abilities r;
        r.bits = a.bits | b.bits;
        return r;
    }
    friend constexpr bool operator==(abilities, abilities) = default;
};

/// Two abilities as a set (`ability::view | ability::send`).
constexpr abilities operator|(ability a, ability b) { return abilities{a} | abilities{b}; }

/// What a ticket participant needs: see the channel, write, attach proof, read what came before.
inline constexpr abilities participant_abilities =
    abilities{ability::view} | ability::send | ability::attach_files | ability::read_history;

/// Who did it: the invoking member, the roles they hold in the guild, and what the platform says
/// they may do where they did it.
struct invoker {
    core::user_id user;
    std::string display_name;
    std::vector<core::role_id> roles;  ///< empty in DMs
    bool administrator = false;        ///< the platform's administrator right (Discord: ADMINISTRATOR, or the owner)
    abilities in_channel;              ///< their abilities in the channel (Discord: member.permissions, REFERENCE.md §3.2)
};

/// A slash command invocation.
struct command_invocation {
    std::string name;
    std::vector<command_option> options;
};

/// What was clicked or picked.
enum class component_kind { button, string_select, user_select, role_select, mentionable_select, channel_select };

/// A click on a button or a pick in a select.
struct component_action {
    std::string custom_id;
    std::vector<std::string> values;  ///< chosen option values (string select) or ids (other selects); empty for buttons
    component_kind kind = component_kind::button;
};

/// A modal (ports::modal) the member filled in and sent.
struct modal_submit {
    std::string custom_id;  ///< the modal's
    std::vector<std::pair<std::string, std::string>> fields;  ///< text input custom_id -> what was typed

    /// What was typed into the input `input_id`; nullopt when the modal had no such input.
    [[nodiscard]] std::optional<std::string> value(std::string_view input_id) const {
        for (const auto& [id, text] : fields) {
            if (id == input_id) return text;
        }
        return std::nullopt;
    }
};

/// A member is typing an option that has `autocomplete`: answer with response_kind::suggest
/// (Discord: within 3 s, no deferral possible).
struct autocomplete_request {
    std::string command;                  ///< "command" or "command sub"
    std::string option;                   ///< the option being typed
    std::string partial;                  ///< what has been typed so far (as text)
    std::vector<command_option> options;  ///< the other options filled in so far
};

/// A message someone posted in a channel the bot can see (Discord: MESSAGE_CREATE, which needs
/// the GUILD_MESSAGES intent; the content is not carried — it would need the privileged
/// MESSAGE_CONTENT intent, and activity is all the bot needs).
struct channel_message {
    core::message_id id;
    core::channel_id channel;
    std::optional<core::guild_id> guild;
    core::user_id author;
    bool author_is_bot = false;             ///< a bot or a webhook (the shop's own messages included)
    std::vector<core::role_id> author_roles;  ///< the author's roles in the guild (empty in DMs)
};

/// One inbound interaction, as the bot sees it.
struct interaction {
    core::interaction_id id;
    std::optional<core::guild_id> guild;
    std::optional<core::channel_id> channel;
    invoker from;
    std::variant<command_invocation, component_action, modal_submit, autocomplete_request> action;
    std::string locale;  ///< the member's language, e.g. "en-US", "de" (Discord locales); may be empty
};

}  // namespace apexcore::ports
