#pragma once
/// @file transcript.hpp
/// The neutral transcript of a ticket: its metadata and every message of its channel, with the
/// names needed to show mentions. Built by the tickets feature from the chat platform's history
/// (ports::chat_actions::read_history), rendered by an output adapter (render/transcript_html.hpp:
/// one self-contained HTML file; render/transcript_json.hpp: a JSON export) and kept by a
/// transcript store (ports/transcript_store.hpp). All text is as the platform gave it: the
/// renderers escape it.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/ticket.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace apexcore::core {

/// Limits: a transcript holds at most this many messages (the newest are kept; the file says
/// that older ones were left out), so memory is bounded before any work.
inline constexpr std::size_t transcript_messages_max = 50000;

/// One name/value line of an embed.
struct transcript_embed_field {
    std::string name;
    std::string value;
};

/// An embed as a transcript shows it.
struct transcript_embed {
    std::string title;
    std::string description;
    std::vector<transcript_embed_field> fields;
    std::optional<std::uint32_t> color;  ///< 0xRRGGBB
    std::string footer;
};

/// A file attached to a message: shown as a link (never fetched or inlined).
struct transcript_attachment {
    std::string filename;
    std::string url;            ///< linked only when it is an https:// URL
    std::uint64_t size = 0;     ///< bytes
};

/// One message.
struct transcript_message {
    message_id id;
    user_id author;
    std::string author_name;
    bool author_is_bot = false;
    std::string content;
    std::vector<transcript_embed> embeds;
    std::vector<transcript_attachment> attachments;
    std::int64_t sent_unix_ms = 0;
    std::optional<std::string> edited_at;  ///< ISO 8601, when edited
};

/// A ticket's transcript.
struct transcript {
    ticket ticket_record;                       ///< the ticket as it was closed
    std::string type_label;                     ///< "Order", ...
    std::string guild_name;                     ///< may be empty
    std::string channel_name;                   ///< e.g. "order-42"
    std::vector<transcript_message> messages;   ///< oldest first
    bool older_left_out = false;                ///< the channel had more than transcript_messages_max
    std::map<user_id, std::string> user_names;  ///< for <@id> mentions and participants
    std::map<role_id, std::string> role_names;  ///< for <@&id> mentions
    std::map<channel_id, std::string> channel_names;  ///< for <#id> mentions
    std::int64_t generated_unix_ms = 0;
};

/// A transcript's file name: "transcript-<type>-<id>.html" (or ".json").
[[nodiscard]] inline std::string transcript_file_name(const ticket& t, std::string_view extension) {
    return "transcript-" + t.type + "-" + std::to_string(t.id.value) + "." + std::string(extension);
}

}  // namespace apexcore::core
