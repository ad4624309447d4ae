#pragma once
/// @file message.hpp
/// The neutral message model: what the bot wants to show, independent of any chat platform.
/// The Discord adapter maps it to Discord JSON (embeds, action rows, buttons, string selects)
/// and enforces Discord's limits there; limits named here are the ones the bot must respect.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace apexcore::ports {

/// Limits the bot keeps to (Discord: REFERENCE.md §4 and §5).
inline constexpr std::size_t content_length_max = 2000;   ///< message content
inline constexpr std::size_t custom_id_length_max = 100;  ///< component custom_id
inline constexpr std::size_t select_options_max = 25;     ///< options in one select
inline constexpr std::size_t action_rows_max = 5;         ///< rows in one message
inline constexpr std::size_t buttons_per_row_max = 5;     ///< buttons in one row

/// One name/value line of an embed.
struct embed_field {
    std::string name;    ///< <= 256 chars
    std::string value;   ///< <= 1024 chars
    bool inline_ = false;
};

/// A card: title, text, fields and an accent colour.
struct embed {
    std::string title;        ///< <= 256 chars
    std::string description;  ///< <= 4096 chars
    std::vector<embed_field> fields;  ///< <= 25
    std::optional<std::uint32_t> color;  ///< 0xRRGGBB
    std::string footer;       ///< <= 2048 chars
};

/// How a button looks. Link buttons carry a URL instead of a custom_id and send no interaction.
enum class button_style { primary = 1, secondary = 2, success = 3, danger = 4 };

/// A clickable button that sends a component interaction with its custom_id.
struct button {
    std::string label;      ///< <= 80 chars
    std::string custom_id;  ///< 1..100 chars
    button_style style = button_style::primary;
    bool disabled = false;
};

/// One option of a string select.
struct select_option {
    std::string label;        ///< <= 100 chars
    std::string value;        ///< <= 100 chars
    std::string description;  ///< <= 100 chars, may be empty
};

/// A drop-down list; picking sends a component interaction with the chosen values.
struct string_select {
    std::string custom_id;  ///< 1..100 chars
    std::string placeholder;  ///< <= 150 chars
    std::vector<select_option> options;  ///< 1..25
};

/// One row of components: up to five buttons, or exactly one select.
struct action_row {
    std::vector<std::variant<button, string_select>> components;
};

/// A message to send or to replace an existing one with.
struct message {
    std::string content;            ///< <= 2000 chars, may be empty if embeds are present
    std::vector<embed> embeds;      ///< <= 10
    std::vector<action_row> rows;   ///< <= 5
    bool ephemeral = false;         ///< visible only to the invoking user
};

/// How an interaction is answered.
enum class response_kind {
    reply,           ///< a new message answering the interaction
    update_message,  ///< replace the message the component was on (component interactions only)
};

/// The bot's answer to one interaction.
struct interaction_response {
    response_kind kind = response_kind::reply;
    message body;
};

}  // namespace apexcore::ports
