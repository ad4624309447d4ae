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
inline constexpr std::size_t files_per_message_max = 10;  ///< files sent with one message (REFERENCE.md §2.4)
inline constexpr std::size_t file_size_max = 10 * 1024 * 1024;  ///< bytes, per file

/// One name/value line of an embed.
struct embed_field {
    std::string name;    ///< <= 256 chars
    std::string value;   ///< <= 1024 chars
    bool inline_ = false;
};

/// A card: title, text, fields, an accent colour, links and pictures (REFERENCE.md §5).
struct embed {
    std::string title;        ///< <= 256 chars
    std::string description;  ///< <= 4096 chars
    std::vector<embed_field> fields;  ///< <= 25
    std::optional<std::uint32_t> color;  ///< 0xRRGGBB
    std::string footer;       ///< <= 2048 chars
    std::string url;          ///< the title links here (https://...); empty = none
    std::string image_url;    ///< a large picture: https://... or attachment://<filename of a file sent with it>
    std::string thumbnail_url;  ///< a small picture, same forms
    std::string author_name;  ///< <= 256 chars; empty = no author line
    std::string author_url;
    std::string author_icon_url;
    std::string timestamp;    ///< ISO 8601 ("2026-11-29T22:00:00Z"), shown in the footer; empty = none
};

/// How a button looks. A link button carries a URL instead of a custom_id and sends no interaction.
enum class button_style { primary = 1, secondary = 2, success = 3, danger = 4, link = 5 };

/// A clickable button: it sends a component interaction with its custom_id, or, with a `url`,
/// opens that link (style link) and sends nothing.
struct button {
    std::string label;      ///< <= 80 chars
    std::string custom_id;  ///< 1..100 chars; empty for a link button
    button_style style = button_style::primary;
    bool disabled = false;
    std::string url;        ///< https://..., <= 512 chars: makes it a link button
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
    int min_values = 1;     ///< 0..25
    int max_values = 1;     ///< 1..25, >= min_values
};

/// A drop-down of the platform's own members, roles, channels or mentionables; picking sends a
/// component interaction whose values are their ids.
struct entity_select {
    enum class kind { user, role, mentionable, channel };
    kind of = kind::user;
    std::string custom_id;    ///< 1..100 chars
    std::string placeholder;  ///< <= 150 chars
    int min_values = 1;       ///< 0..25
    int max_values = 1;       ///< 1..25, >= min_values
};

/// One row of components: up to five buttons, or exactly one select.
struct action_row {
    std::vector<std::variant<button, string_select, entity_select>> components;
};

/// A file sent with a message. `bytes` is the whole content (<= 10 MiB, 10 files a message,
/// REFERENCE.md §2.4).
struct outbound_file {
    std::string filename;      ///< 1..255 bytes, no '/' or '\\' or control characters
    std::string content_type;  ///< e.g. "text/html"; empty = application/octet-stream
    std::string bytes;
    std::string description;   ///< alt text, <= 1024 characters
};

/// A file attached to a message or given as a command option, already on the platform.
struct attachment_info {
    std::uint64_t id = 0;
    std::string filename;
    std::string content_type;  ///< may be empty when the platform did not detect it
    std::uint64_t size = 0;    ///< bytes
    std::string url;           ///< signed and expiring on Discord (REFERENCE.md §6.1)
};

/// A message to send or to replace an existing one with.
struct message {
    std::string content;            ///< <= 2000 chars, may be empty if embeds are present
    std::vector<embed> embeds;      ///< <= 10
    std::vector<action_row> rows;   ///< <= 5
    bool ephemeral = false;         ///< visible only to the invoking user
    std::vector<outbound_file> files;  ///< <= 10, each <= 10 MiB; embeds may show them as attachment://<filename>
};

/// A line of text a member types into a modal.
struct text_input {
    std::string custom_id;     ///< 1..100 chars; the key of its value in the submission
    std::string label;         ///< 1..45 chars
    bool paragraph = false;    ///< several lines (else one line)
    int min_length = 0;        ///< 0..4000
    int max_length = 4000;     ///< 1..4000
    bool required = true;
    std::string value;         ///< pre-filled text, <= 4000 chars
    std::string placeholder;   ///< <= 100 chars
};

/// A pop-up form (Discord: a modal, REFERENCE.md §4). Its submission arrives as a
/// ports::modal_submit with the same custom_id.
struct modal {
    std::string custom_id;          ///< 1..100 chars
    std::string title;              ///< 1..45 chars
    std::vector<text_input> inputs; ///< 1..5
};

/// One suggestion for an option being typed (autocomplete) or a fixed choice of an option.
struct choice {
    std::string name;  ///< 1..100 chars, shown to the member
    std::variant<std::string, std::int64_t, double> value;  ///< string <= 100 chars
};

/// How an interaction is answered.
enum class response_kind {
    reply,           ///< a new message answering the interaction
    update_message,  ///< replace the message the component was on (component interactions only)
    open_modal,      ///< open `form` (not in answer to a modal submission)
    suggest,         ///< `choices` for the option being typed (autocomplete interactions only)
};

/// The bot's answer to one interaction.
struct interaction_response {
    response_kind kind = response_kind::reply;
    message body;                  ///< reply / update_message
    modal form;                    ///< open_modal
    std::vector<choice> choices;   ///< suggest: <= 25
    /// Further messages after the answer (Discord: follow-up messages through the interaction's
    /// webhook, valid 15 minutes; each may be ephemeral). Sent in order once the answer is delivered.
    std::vector<message> followups;
};

}  // namespace apexcore::ports
