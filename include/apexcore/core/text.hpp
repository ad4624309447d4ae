#pragma once
/// @file text.hpp
/// UTF-8 text rules shared by every layer: validation, repair and truncation on code point
/// boundaries. Pure standard C++, no allocation beyond the returned strings.
///
/// Valid UTF-8 is the Unicode Standard's definition (Unicode 15, §3.9 Table 3-7): no overlong
/// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. Repair replaces each maximal
/// invalid subpart with U+FFFD REPLACEMENT CHARACTER, the W3C/WHATWG "substitution of maximal
/// subparts" practice (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts").
///
/// Truncation counts code points (Discord counts characters; REFERENCE.md §4, §5) and never
/// cuts inside a code point. Where cheap it also keeps a grapheme cluster whole: it does not
/// leave a base character without the combining marks, variation selectors, emoji modifiers or
/// zero-width joiner sequence that follow it (a conservative subset of UAX #29).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace apexcore::core {

/// The replacement character U+FFFD in UTF-8.
inline constexpr std::string_view utf8_replacement = "\xEF\xBF\xBD";

/// The ellipsis U+2026 appended to truncated text.
inline constexpr std::string_view utf8_ellipsis = "\xE2\x80\xA6";

namespace text_detail {

/// Length of the valid UTF-8 sequence starting at `s[i]` (1..4), or 0 when the bytes there are
/// not a valid sequence; on 0, `*bad` is the length of the maximal invalid subpart (>= 1).
/// `*code_point` receives the decoded value of a valid sequence.
constexpr std::size_t decode(std::string_view s, std::size_t i, char32_t* code_point, std::size_t* bad) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        *code_point = b0;
        return 1;
    }
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1FU;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0FU;
        if (b0 == 0xE0) lo = 0xA0;   // no overlong 3-byte forms
        if (b0 == 0xED) hi = 0x9F;   // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07U;
        if (b0 == 0xF0) lo = 0x90;   // no overlong 4-byte forms
        if (b0 == 0xF4) hi = 0x8F;   // nothing above U+10FFFF
    } else {
        *bad = 1;
        return 0;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        if (i + k >= s.size()) {
            *bad = k;
            return 0;
        }
        const unsigned char b = byte(i + k);
        const unsigned char min = k == 1 ? lo : 0x80;
        const unsigned char max = k == 1 ? hi : 0xBF;
        if (b < min || b > max) {
            *bad = k;
            return 0;
        }
        cp = (cp << 6U) | (b & 0x3FU);
    }
    *code_point = cp;
    return need + 1;
}

/// True for code points that extend the preceding grapheme: combining marks (U+0300..036F,
/// U+1AB0..1AFF, U+1DC0..1DFF, U+20D0..20FF, U+FE20..FE2F), ZWJ U+200D, variation selectors
/// (U+FE00..FE0F, U+E0100..E01EF), emoji modifiers (U+1F3FB..1F3FF) and tags (U+E0020..E007F).
constexpr bool extends_grapheme(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F) || c == 0x200D ||
           (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
           (c >= 0xE0020 && c <= 0xE007F);
}

}  // namespace text_detail

/// True when `text` is valid UTF-8 (see the file comment).
[[nodiscard]] constexpr bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t bad = 0;
        const std::size_t n = text_detail::decode(text, i, &cp, &bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// `text` with each maximal invalid subpart replaced by U+FFFD; valid text is returned unchanged.
[[nodiscard]] inline std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t bad = 0;
        const std::size_t n = text_detail::decode(text, i, &cp, &bad);
        if (n == 0) {
            out += utf8_replacement;
            i += bad;
            continue;
        }
        out.append(text, i, n);
        i += n;
    }
    return out;
}

/// The number of code points in valid UTF-8 `text` (an invalid byte counts as one).
[[nodiscard]] constexpr std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
    }
    return count;
}

/// Valid UTF-8 of at most `max_code_points` code points: `text` repaired (to_valid_utf8) and,
/// when longer, cut on a code point boundary — backing off so no base character loses the marks
/// that follow it — with `ellipsis` appended inside the limit. `max_code_points` smaller than the
/// ellipsis's length cuts without an ellipsis.
[[nodiscard]] inline std::string truncate_utf8(std::string_view text, std::size_t max_code_points,
                                               std::string_view ellipsis = utf8_ellipsis) {
    std::string valid = to_valid_utf8(text);
    if (utf8_length(valid) <= max_code_points) return valid;
    const std::size_t ellipsis_length = utf8_length(ellipsis);
    const bool with_ellipsis = max_code_points > ellipsis_length;
    const std::size_t keep = with_ellipsis ? max_code_points - ellipsis_length : max_code_points;
    // Byte offset of each kept code point's start, and of the first dropped one.
    std::size_t cut = 0;
    std::size_t count = 0;
    std::size_t last_base = 0;
    while (cut < valid.size() && count < keep) {
        char32_t cp = 0;
        std::size_t bad = 0;
        const std::size_t n = text_detail::decode(valid, cut, &cp, &bad);
        if (!text_detail::extends_grapheme(cp)) last_base = cut;
        cut += n;
        ++count;
    }
    // If the first dropped code point extends the last kept grapheme, drop that grapheme too
    // (unless it is the only thing kept).
    char32_t next = 0;
    std::size_t bad = 0;
    if (cut < valid.size() && text_detail::decode(valid, cut, &next, &bad) != 0 &&
        text_detail::extends_grapheme(next) && last_base > 0) {
        cut = last_base;
    }
    valid.resize(cut);
    if (with_ellipsis) valid += ellipsis;
    return valid;
}

/// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF): what a member typed
/// in a form or an option, as it is meant.
[[nodiscard]] inline std::string trim(std::string_view text) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return std::string(text);
}

/// Valid UTF-8 of at most `max_bytes` bytes: `text` repaired and cut on a code point boundary
/// (no ellipsis). For limits stated in bytes (database columns, log lines).
[[nodiscard]] inline std::string truncate_utf8_bytes(std::string_view text, std::size_t max_bytes) {
    std::string valid = to_valid_utf8(text);
    if (valid.size() <= max_bytes) return valid;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0U) == 0x80U) --cut;
    valid.resize(cut);
    return valid;
}

/// True when `text` has a C0 control character other than tab, LF and CR, or DEL, or a NUL.
[[nodiscard]] constexpr bool has_control_characters(std::string_view text) {
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) return true;
    }
    return false;
}

}  // namespace apexcore::core
