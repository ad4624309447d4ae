#include <apexcore/render/transcript_html.hpp>

#include <apexcore/core/text.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace apexcore::render {
namespace {

// Author colours: readable on the dark background, picked by user id.
constexpr std::array<std::string_view, 8> palette{"#f47b67", "#faa61a", "#43b581", "#7289da",
                                                  "#e67ee1", "#3ec9d6", "#f9c74f", "#b9bbbe"};

std::string_view colour_of(core::user_id u) {
    // Snowflakes share their low bits (worker, increment); mix before picking.
    const std::uint64_t mixed = (u.value ^ (u.value >> 22U)) * 0x9E3779B97F4A7C15ULL;
    return palette[(mixed >> 61U) % palette.size()];
}

/// "2026-11-30 14:05 UTC" (the fallback without script).
std::string utc_text(std::int64_t unix_ms) {
    const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[32];
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
    return out;
}

std::string time_tag(std::int64_t unix_ms) {
    return "<time data-ms=\"" + std::to_string(unix_ms) + "\">" + utc_text(unix_ms) + "</time>";
}

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool is_https(std::string_view url) {
    // Only https, and nothing that could break out of the attribute (escaping handles the rest).
    return url.size() > 8 && url.substr(0, 8) == "https://" && url.find_first_of(" \t\r\n\"'<>\\") == std::string_view::npos;
}

/// A fresh nonce for the CSP: 16 random bytes, hex.
std::string nonce() {
    std::random_device rd;
    std::string out;
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; ++i) {
        const auto b = static_cast<unsigned>(rd() & 0xFFU);
        out += hex[b >> 4U];
        out += hex[b & 0xFU];
    }
    return out;
}

/// Message text: escaped, with <@id>, <@!id>, <@&id> and <#id> shown by name.
void append_text(std::string& out, std::string_view raw, const core::transcript& t) {
    const std::string text = core::to_valid_utf8(raw);
    std::size_t plain_from = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '<') {
            ++i;
            continue;
        }
        const std::size_t close = text.find('>', i);
        if (close == std::string::npos || close - i > 25) {
            ++i;
            continue;
        }
        std::string_view inner(text.data() + i + 1, close - i - 1);
        std::string label;
        std::string css;
        const auto digits = [](std::string_view s) { return core::snowflake<struct any_tag>::parse(s); };
        if (inner.starts_with("@&")) {
            if (const auto id = digits(inner.substr(2))) {
                const auto it = t.role_names.find(core::role_id{id->value});
                label = "@" + (it != t.role_names.end() ? it->second : std::string("role"));
                css = "mention role";
            }
        } else if (inner.starts_with("@!") || inner.starts_with("@")) {
            if (const auto id = digits(inner.substr(inner.starts_with("@!") ? 2 : 1))) {
                const auto it = t.user_names.find(core::user_id{id->value});
                label = "@" + (it != t.user_names.end() ? it->second : "user " + id->str());
                css = "mention";
            }
        } else if (inner.starts_with("#")) {
            if (const auto id = digits(inner.substr(1))) {
                const auto it = t.channel_names.find(core::channel_id{id->value});
                label = "#" + (it != t.channel_names.end() ? it->second : std::string("channel"));
                css = "mention";
            }
        }
        if (label.empty()) {
            ++i;
            continue;
        }
        out += html_escape(std::string_view(text).substr(plain_from, i - plain_from));
        out += "<span class=\"" + css + "\">" + html_escape(label) + "</span>";
        i = close + 1;
        plain_from = i;
    }
    out += html_escape(std::string_view(text).substr(plain_from));
}

void append_embed(std::string& out, const core::transcript_embed& e, const core::transcript& t) {
    char colour[16];
    std::snprintf(colour, sizeof colour, "#%06x", e.color.value_or(0x4f545c) & 0xFFFFFFU);
    out += "<div class=\"embed\" style=\"border-color:";
    out += colour;
    out += "\">";
    if (!e.title.empty()) out += "<div class=\"embed-title\">" + html_escape(e.title) + "</div>";
    if (!e.description.empty()) {
        out += "<div class=\"text\">";
        append_text(out, e.description, t);
        out += "</div>";
    }
    for (const auto& f : e.fields) {
        out += "<div class=\"field\"><div class=\"field-name\">" + html_escape(f.name) + "</div><div class=\"text\">";
        append_text(out, f.value, t);
        out += "</div></div>";
    }
    if (!e.footer.empty()) out += "<div class=\"embed-footer\">" + html_escape(e.footer) + "</div>";
    out += "</div>";
}

std::string name_of(const core::transcript& t, core::user_id u) {
    const auto it = t.user_names.find(u);
    return it != t.user_names.end() ? it->second : "user " + u.str();
}

void append_fact(std::string& out, std::string_view name, const std::string& html_value) {
    out += "<dt>";
    out += name;
    out += "</dt><dd>" + html_value + "</dd>";
}

constexpr std::string_view style = R"css(
:root{color-scheme:dark}body{margin:0;background:#313338;color:#dbdee1;font:15px/1.375 "gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif}
header{background:#2b2d31;padding:16px 24px;border-bottom:1px solid #1f2023}h1{font-size:20px;margin:0 0 8px;color:#f2f3f5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:#949ba4}dd{margin:0}
main{padding:8px 0 24px}.msg{display:flex;gap:12px;padding:2px 24px}.msg.first{margin-top:14px}.msg:hover{background:#2e3035}
.avatar{flex:0 0 40px;height:40px;border-radius:50%;color:#fff;font-weight:600;display:flex;align-items:center;justify-content:center}
.cont{flex:0 0 40px}.body{min-width:0;flex:1}.author{font-weight:600}.bot{background:#5865f2;color:#fff;font-size:10px;border-radius:3px;padding:1px 4px;margin-left:4px;vertical-align:2px}
time{color:#949ba4;font-size:12px;margin-left:6px}.text{white-space:pre-wrap;overflow-wrap:anywhere}.edited{color:#949ba4;font-size:11px}
.mention{background:#3c4270;color:#c9cdfb;border-radius:3px;padding:0 2px}.embed{border-left:4px solid;background:#2b2d31;border-radius:4px;padding:8px 12px;margin:4px 0;max-width:520px}
.embed-title{font-weight:600;color:#f2f3f5}.field{margin-top:6px}.field-name{font-weight:600;font-size:13px}.embed-footer{color:#949ba4;font-size:12px;margin-top:6px}
.file{display:inline-block;background:#2b2d31;border:1px solid #1f2023;border-radius:4px;padding:6px 10px;margin:4px 0}a{color:#00a8fc}
.note{color:#949ba4;padding:8px 24px}
)css";

constexpr std::string_view script =
    "document.querySelectorAll('time[data-ms]').forEach(function(t){var d=new Date(+t.dataset.ms);"
    "if(!isNaN(d))t.textContent=d.toLocaleString(undefined,{dateStyle:'medium',timeStyle:'short'});});";

}  // namespace

std::string html_escape(std::string_view text) {
    const std::string valid = core::to_valid_utf8(text);
    std::string out;
    out.reserve(valid.size() + valid.size() / 8);
    for (const char c : valid) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string transcript_html(const core::transcript& t) {
    const core::ticket& k = t.ticket_record;
    const std::string n = nonce();
    std::size_t estimate = 4096;
    for (const auto& m : t.messages) estimate += 300 + m.content.size() * 6 / 5;
    std::string out;
    out.reserve(estimate);
    const std::string title = t.type_label + " ticket #" + std::to_string(k.id.value);
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "script-src 'nonce-" + n + "'; img-src 'none'; base-uri 'none'; form-action 'none'\">"
           "<meta name=\"referrer\" content=\"no-referrer\"><title>" + html_escape(title) + " — transcript</title><style>";
    out += style;
    out += "</style></head><body><header><h1>" + html_escape(title) + (k.subject.empty() ? "" : ": " + html_escape(k.subject)) +
           "</h1><dl>";
    if (!t.guild_name.empty()) append_fact(out, "Server", html_escape(t.guild_name));
    append_fact(out, "Channel", "#" + html_escape(t.channel_name));
    append_fact(out, "Opened by", html_escape(name_of(t, k.opener)) + " " + time_tag(to_ms(k.opened_at)));
    if (!k.participants.empty()) {
        std::string who;
        for (const auto u : k.participants) who += (who.empty() ? "" : ", ") + html_escape(name_of(t, u));
        append_fact(out, "Participants", who);
    }
    if (k.claimed_by) append_fact(out, "Claimed by", html_escape(name_of(t, *k.claimed_by)));
    for (const auto& a : k.answers) {
        std::string value = "<span class=\"text\">";
        append_text(value, a.answer, t);
        append_fact(out, html_escape(a.question), value + "</span>");
    }
    if (k.order) append_fact(out, "Order", "#" + std::to_string(k.order->value));
    if (k.closed_at) {
        append_fact(out, "Closed", (k.closed_by ? "by " + html_escape(name_of(t, *k.closed_by)) + " " : std::string("automatically ")) +
                                       time_tag(to_ms(*k.closed_at)));
    }
    if (!k.close_reason.empty()) append_fact(out, "Reason", html_escape(k.close_reason));
    if (k.rating) {
        append_fact(out, "Rating", std::to_string(*k.rating) + " of 5" + (k.rating_comment.empty() ? "" : ": " + html_escape(k.rating_comment)));
    }
    append_fact(out, "Messages", std::to_string(t.messages.size()) + (t.older_left_out ? " (the newest; older ones left out)" : ""));
    out += "</dl></header><main>";
    std::optional<core::user_id> previous_author;
    std::int64_t previous_ms = 0;
    for (const auto& m : t.messages) {
        // Discord groups a run of messages by one author within a few minutes under one header.
        const bool first = !previous_author || *previous_author != m.author || m.sent_unix_ms - previous_ms > 7 * 60 * 1000;
        previous_author = m.author;
        previous_ms = m.sent_unix_ms;
        const std::string name = html_escape(m.author_name.empty() ? name_of(t, m.author) : m.author_name);
        out += first ? "<div class=\"msg first\" id=\"m" + m.id.str() + "\">" : "<div class=\"msg\" id=\"m" + m.id.str() + "\">";
        if (first) {
            const std::string initial = html_escape(core::truncate_utf8(m.author_name.empty() ? "?" : m.author_name, 1, ""));
            out += "<div class=\"avatar\" style=\"background:";
            out += colour_of(m.author);
            out += "\">" + initial + "</div><div class=\"body\"><span class=\"author\" style=\"color:";
            out += colour_of(m.author);
            out += "\">" + name + "</span>" + (m.author_is_bot ? "<span class=\"bot\">BOT</span>" : "") + time_tag(m.sent_unix_ms);
        } else {
            out += "<div class=\"cont\"></div><div class=\"body\">";
        }
        if (!m.content.empty()) {
            out += "<div class=\"text\">";
            append_text(out, m.content, t);
            if (m.edited_at) out += " <span class=\"edited\">(edited)</span>";
            out += "</div>";
        }
        for (const auto& e : m.embeds) append_embed(out, e, t);
        for (const auto& a : m.attachments) {
            const std::string label = html_escape(a.filename) + " (" + std::to_string((a.size + 1023) / 1024) + " KB)";
            out += is_https(a.url) ? "<div class=\"file\">&#128206; <a href=\"" + html_escape(a.url) + "\" rel=\"noopener noreferrer\">" + label + "</a></div>"
                                   : "<div class=\"file\">&#128206; " + label + "</div>";
        }
        out += "</div></div>";
    }
    if (t.messages.empty()) out += "<p class=\"note\">No messages.</p>";
    out += "</main><p class=\"note\">Transcript made " + time_tag(t.generated_unix_ms) + ". Times are shown in your time zone.</p>";
    out += "<script nonce=\"" + n + "\">";
    out += script;
    out += "</script></body></html>\n";
    return out;
}

}  // namespace apexcore::render
