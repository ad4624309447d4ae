#pragma once
/// @file model.hpp
/// Discord JSON <-> apexcore's neutral model. Pure functions, no I/O. Shapes follow
/// shared/discord/REFERENCE.md (§1 gateway payloads, §3 interactions, §4 components, §5 embeds);
/// unknown fields are ignored and missing optional fields tolerated, as Discord asks.
///
/// Inbound (parse_*): never throws, whatever the input. A field of the wrong type, an id that
/// is not a canonical snowflake string, a number outside the range the field can have (checked
/// before any conversion) or text that is not UTF-8 refuses the payload with a model_error that
/// names the field. Thread-safe (pure functions).
///
/// Outbound (to_*, make_*): every string is made valid UTF-8 (invalid sequences become U+FFFD)
/// and cut to Discord's limit on a code point boundary with "…" (core/text.hpp), so the JSON
/// can always be serialised (nlohmann's dump() throws on invalid UTF-8). The neutral model's
/// limits (ports/message.hpp) are enforced here, not by each caller.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/ports/chat.hpp>
#include <apexcore/ports/message.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::discord {

using json = nlohmann::json;

/// Gateway opcodes (REFERENCE.md §1.4).
enum class opcode : int {
    dispatch = 0,
    heartbeat = 1,
    identify = 2,
    presence_update = 3,
    resume = 6,
    reconnect = 7,
    request_guild_members = 8,
    invalid_session = 9,
    hello = 10,
    heartbeat_ack = 11,
};

/// Gateway intents the reference bot uses (REFERENCE.md §1.8). Interactions need none;
/// GUILDS (1) keeps guilds, channels and roles in view.
inline constexpr std::uint32_t intent_guilds = 1U << 0;

/// The largest gateway frame the client accepts (Discord's are far smaller; bounds memory).
inline constexpr std::size_t gateway_frame_bytes_max = 16 * 1024 * 1024;
/// Opcodes are small integers (REFERENCE.md §1.4); a frame with "op" outside 0..255 is refused.
inline constexpr std::int64_t gateway_opcode_max = 255;

/// A decoded gateway frame `{"op","d","s","t"}` (REFERENCE.md §1.3).
struct gateway_payload {
    int op = -1;
    json d;                        ///< data; null when absent
    std::optional<std::int64_t> s; ///< sequence, dispatches only
    std::string t;                 ///< event name, dispatches only
};

/// Why a piece of JSON from the network was refused. Never thrown for network input.
struct model_error {
    std::string what;  ///< e.g. "interaction: missing field 'token'"
};

/// Parses one gateway text frame. Errors: larger than gateway_frame_bytes_max, not JSON (or not
/// UTF-8), not an object, "op" missing or not an integer in 0..255, "s" not an integer in
/// 0..2^63-1 (or null), "t" not a string (or null).
[[nodiscard]] core::result<gateway_payload, model_error> parse_gateway_payload(std::string_view text);

/// `{"op":1,"d":<seq or null>}` (REFERENCE.md §1.6).
[[nodiscard]] std::string make_heartbeat(std::optional<std::int64_t> last_sequence);

/// `{"op":2,"d":{"token","intents","properties":{"os","browser","device"}}}` (REFERENCE.md §1.7).
[[nodiscard]] std::string make_identify(std::string_view token, std::uint32_t intents, std::string_view library);

/// `{"op":6,"d":{"token","session_id","seq"}}` (REFERENCE.md §1.10; the field is `seq`).
[[nodiscard]] std::string make_resume(std::string_view token, std::string_view session_id, std::int64_t seq);

/// The fields of READY a bot keeps (REFERENCE.md §1.9).
struct ready_event {
    std::string session_id;
    std::string resume_gateway_url;
    core::application_id application;
    core::user_id bot_user;
};

/// Parses the `d` of a READY dispatch. Errors name the missing field.
[[nodiscard]] core::result<ready_event, model_error> parse_ready(const json& d);

/// Maps a MESSAGE_CREATE's `d` (REFERENCE.md §6.1) to the neutral channel_message: id, channel,
/// guild, author (a webhook message counts as a bot's), and the author's roles from the partial
/// `member` Discord adds in guilds. The content is not read. Errors: not an object, a missing or
/// malformed id, channel_id or author.id.
[[nodiscard]] core::result<ports::channel_message, model_error> parse_message_create(const json& d);

/// An INTERACTION_CREATE as the adapter needs it: the neutral interaction plus what answering
/// it takes (token for the callback URL, application id for webhook follow-ups).
struct interaction_envelope {
    ports::interaction neutral;
    int type = 0;                   ///< 1 PING, 2 command, 3 component, 4 autocomplete, 5 modal
    std::string token;              ///< continuation token, valid 15 min (REFERENCE.md §3.5)
    core::application_id application;  ///< empty when the payload had none
};

/// Maps an interaction object (REFERENCE.md §3.2) to the neutral model. Handles APPLICATION_COMMAND
/// (options of every type — attachments from `data.resolved` — with sub-commands flattened into
/// the name), MESSAGE_COMPONENT (custom_id, kind, values: option values or ids), MODAL_SUBMIT
/// (text inputs in Labels or legacy action rows) and APPLICATION_COMMAND_AUTOCOMPLETE (the focused
/// option and its partial text), plus `locale` and the invoker's permissions (`member.permissions`:
/// administrator, and the neutral abilities in the channel). Errors: missing id/token/type, "type"
/// not an integer in 1..255 or unsupported, malformed snowflakes, no invoking user, options nested
/// deeper than 3 or more than 25 a level, an autocomplete without a focused option. A missing
/// application_id is tolerated (left empty); it only matters for follow-ups.
[[nodiscard]] core::result<interaction_envelope, model_error> parse_interaction(const json& d);

/// The callback body for a neutral response (REFERENCE.md §3.5): type 4 CHANNEL_MESSAGE_WITH_SOURCE
/// or 7 UPDATE_MESSAGE with `data` from `to_message_data`; 9 MODAL (text inputs in Labels, type
/// 18; title 45, label 45, lengths 0..4000, at most 5 inputs); 8 APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
/// (at most 25 choices, names and string values cut to 100). Files of the message are described
/// in `data.attachments`; the caller sends them as multipart (files[n]). Follow-ups are not part
/// of the callback: the runtime sends them after it.
[[nodiscard]] json to_interaction_callback(const ports::interaction_response& response);

/// Message data: content, embeds, components (action rows of buttons / string selects) and
/// flags (64 = EPHEMERAL). `allowed_mentions` is `{"parse":[]}` so echoed text never pings.
/// Text is made valid UTF-8 and truncated to Discord's limits (REFERENCE.md §4, §5) rather than
/// rejected by Discord: content 2000, embed title 256, description 4096, field name 256 and value
/// 1024, footer 2048, 25 fields, 10 embeds and 6000 characters over all embeds; 5 rows of at most
/// 5 buttons or one select of at most 25 options.
[[nodiscard]] json to_message_data(const ports::message& message);

/// A filename Discord accepts for an upload: valid UTF-8, <= 255 bytes, no '/', '\\', '"' or
/// control characters (each replaced by '_'); "file" when empty.
[[nodiscard]] std::string safe_filename(std::string_view name);

/// A CHAT_INPUT command object for bulk overwrite (REFERENCE.md §3.6). Staff-only commands get
/// `default_member_permissions: "0"` (hidden from non-admins by default); the bot still checks.
[[nodiscard]] json to_command(const ports::command_spec& spec);

/// Discord's JSON error body `{"code","message","errors?"}` (REFERENCE.md §2.2).
struct api_error {
    int code = 0;
    std::string message;
};

/// Reads an error body; nullopt if the text is not one.
[[nodiscard]] std::optional<api_error> parse_api_error(std::string_view body);

}  // namespace apexcore::discord
