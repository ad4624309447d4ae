#pragma once
/// @file transcript_html.hpp
/// A ticket's transcript as one self-contained HTML file that reads like a Discord channel:
/// the ticket's facts first (type, subject, opener, participants, claim, times, answers, close
/// reason, rating), then every message with its author's name in a colour of their own, its
/// time, its text (mentions of members, roles and channels shown by name), its embeds and links
/// to its attachments.
///
/// Safety, for transcripts of hostile content: every piece of text is made valid UTF-8 and
/// HTML-escaped; only https:// URLs become links (never javascript:, data: or anything else);
/// nothing is fetched or inlined; a Content-Security-Policy allows no network access at all and
/// only the file's own script (a nonce), which converts times to the reader's time zone — without
/// script they stay in UTC. Output size is linear in the input (no quadratic expansion).

#include <apexcore/core/transcript.hpp>

#include <string>

namespace apexcore::render {

/// The HTML file for `t`. Never throws on content (std::bad_alloc aside).
[[nodiscard]] std::string transcript_html(const core::transcript& t);

/// `text` made valid UTF-8 and escaped for HTML text and attribute values (& < > " ').
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace apexcore::render
