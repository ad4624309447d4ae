#pragma once
/// @file order_reference.hpp
/// Public order references: short, unambiguous, not guessable. Form `AC-YYYYMMDD-XXXXXX`: the
/// order's UTC date, then 6 symbols of Crockford base32 (0-9 and A-Z without I, L, O, U) carrying
/// 30 random bits from the caller's secure random source. Parsing is case-insensitive and reads
/// I/L as 1 and O as 0, as Crockford's alphabet specifies, so a reference read aloud or typed by
/// a customer still matches.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

inline constexpr std::string_view crockford_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A calendar date (UTC), as printed in references.
struct civil_date {
    int year = 1970;   ///< 1970..9999
    int month = 1;     ///< 1..12
    int day = 1;       ///< 1..31
};

/// The earliest year a reference can carry: apexcore did not exist before 2015 (Discord's epoch).
inline constexpr int order_reference_year_min = 2015;

/// Days in `month` (1..12) of the proleptic Gregorian `year`.
[[nodiscard]] constexpr int days_in_month(int year, int month) {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/// Formats a reference from a date (year 2015..9999) and 30 random bits (higher bits are ignored).
[[nodiscard]] inline std::string format_order_reference(civil_date d, std::uint32_t random_bits) {
    std::string out = "AC-";
    const auto two = [](int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); };
    out += std::to_string(d.year);
    out += two(d.month) + two(d.day) + "-";
    for (int i = 5; i >= 0; --i) out += crockford_alphabet[(random_bits >> (5 * i)) & 31U];
    return out;
}

/// Normalises a typed reference to its canonical form (surrounding spaces dropped, upper case,
/// I/L -> 1, O -> 0) and checks its shape and date (a real calendar day, year >=
/// order_reference_year_min); nullopt when it cannot be a reference.
[[nodiscard]] inline std::optional<std::string> normalize_order_reference(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.size() != 18) return std::nullopt;
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (!out.starts_with("AC-") || out[11] != '-') return std::nullopt;
    for (std::size_t i = 3; i < 11; ++i) {
        if (out[i] < '0' || out[i] > '9') return std::nullopt;
    }
    const int year = (out[3] - '0') * 1000 + (out[4] - '0') * 100 + (out[5] - '0') * 10 + (out[6] - '0');
    const int month = (out[7] - '0') * 10 + (out[8] - '0');
    const int day = (out[9] - '0') * 10 + (out[10] - '0');
    if (year < order_reference_year_min || month < 1 || month > 12) return std::nullopt;
    if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
    for (std::size_t i = 12; i < 18; ++i) {
        char& c = out[i];
        if (c == 'I' || c == 'L') c = '1';
        if (c == 'O') c = '0';
        if (crockford_alphabet.find(c) == std::string_view::npos) return std::nullopt;
    }
    return out;
}

}  // namespace apexcore::core
