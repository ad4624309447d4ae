#pragma once
/// @file money.hpp
/// Money as int64 minor units plus an ISO 4217 currency. No floating point anywhere.
///
/// Rounding rule (the one place it is written down; tested in tests/core/money_test.cpp):
///   discounting `amount` by `bp` basis points gives
///     floor((amount * (10000 - bp) + 5000) / 10000)
///   i.e. exact integer arithmetic, rounded half up to the nearest minor unit, never below zero.
///   Example: 1234 at 375 bp -> 1188; 100 at 150 bp -> 99 (shared/bench/purchases.md §4).
///
/// Limits (the one place they are written down; tested in tests/core/money_limits_test.cpp):
///   every price, credit, debit, balance and lifetime spend is at most `amount_minor_max`
///   (10^14 minor units: one trillion dollars in cents) in magnitude. The limit is chosen so that
///   the largest product computed from an amount — a discount in basis points,
///   amount * 10000 + 5000 — fits in int64 (static_assert below); amounts above it are refused
///   with their own error (`money_error::overflow`, `rejection::amount_too_large`) before any
///   arithmetic, so no computation on an accepted amount can overflow.

#include <apexcore/core/result.hpp>

#include <algorithm>
#include <array>
#include <utility>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace apexcore::core {

/// An ISO 4217 currency: three upper-case letters, the number of minor-unit digits (USD: 2,
/// JPY: 0) and the symbol used when formatting ("$"). Source: ISO 4217 minor-unit table.
struct currency {
    std::array<char, 3> code{};  ///< e.g. {'U','S','D'}
    int exponent = 2;            ///< minor-unit digits, 0..currency_exponent_max
    std::string_view symbol;     ///< prefix when formatting, e.g. "$"; empty = use the code

    /// The code as a string, e.g. "USD".
    [[nodiscard]] std::string code_string() const { return {code.begin(), code.end()}; }
    friend bool operator==(const currency& a, const currency& b) { return a.code == b.code; }
};

/// The largest magnitude of any amount apexcore accepts, in minor units (10^14).
inline constexpr std::int64_t amount_minor_max = 100'000'000'000'000;

/// The largest factor an amount is multiplied by: 10000 basis points (100 %) plus the half-up
/// rounding term of `apply_discount`.
inline constexpr std::int64_t amount_factor_max = 10000;
static_assert(amount_minor_max <= (std::numeric_limits<std::int64_t>::max() - 5000) / amount_factor_max,
              "the largest discount computation (amount * 10000 + 5000) must fit in int64");
static_assert(amount_minor_max * 2 <= std::numeric_limits<std::int64_t>::max(),
              "adding two amounts within the limit must fit in int64 (balance + credit, spend + price)");

/// True when |minor| <= amount_minor_max.
[[nodiscard]] constexpr bool within_amount_limit(std::int64_t minor) {
    return minor >= -amount_minor_max && minor <= amount_minor_max;
}

/// Checked int64 addition: nullopt on overflow (never UB, never wraps).
[[nodiscard]] constexpr std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
    return out;
}

/// Checked int64 multiplication: nullopt on overflow (never UB, never wraps).
[[nodiscard]] constexpr std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
    return out;
}

/// The largest number of minor-unit digits a currency may have: ISO 4217 uses 0..4.
inline constexpr int currency_exponent_max = 4;

/// The currencies apexcore knows by code. Unknown codes are rejected by `find_currency`.
inline constexpr std::array<currency, 6> known_currencies{{
    {{'U', 'S', 'D'}, 2, "$"},
    {{'E', 'U', 'R'}, 2, "\xE2\x82\xAC"},
    {{'G', 'B', 'P'}, 2, "\xC2\xA3"},
    {{'J', 'P', 'Y'}, 0, "\xC2\xA5"},
    {{'C', 'A', 'D'}, 2, "CA$"},
    {{'A', 'U', 'D'}, 2, "A$"},
}};

/// Looks up a currency by its ISO 4217 code ("USD"). Returns nullopt for unknown codes.
[[nodiscard]] inline std::optional<currency> find_currency(std::string_view code) {
    for (const auto& c : known_currencies) {
        if (code == std::string_view(c.code.data(), c.code.size())) return c;
    }
    return std::nullopt;
}

/// US dollars; the default currency of the reference bot.
inline constexpr currency usd{{'U', 'S', 'D'}, 2, "$"};

/// Why a money operation failed. Operating errors, returned, never thrown.
enum class money_error {
    overflow,            ///< the result does not fit in int64 minor units
    currency_mismatch,   ///< the operands are in different currencies
    malformed,           ///< text is not an amount ("12.3.4", "abc", "")
    too_many_decimals,   ///< more fraction digits than the currency's exponent ("$1.234")
    negative,            ///< a negative amount where only >= 0 is allowed
    out_of_range,        ///< e.g. a discount outside 0..10000 basis points
};

/// A short English description of a money_error, suitable for a user-facing message.
[[nodiscard]] inline std::string_view describe(money_error e) {
    switch (e) {
        case money_error::overflow: return "amount is too large";
        case money_error::currency_mismatch: return "amounts are in different currencies";
        case money_error::malformed: return "not an amount (expected e.g. 12.34)";
        case money_error::too_many_decimals: return "too many decimal places for the currency";
        case money_error::negative: return "amount must not be negative";
        case money_error::out_of_range: return "value is out of range";
    }
    return "unknown money error";
}

/// An amount of money: signed int64 minor units (cents for USD) in one currency.
/// All arithmetic is checked: overflow is a `money_error::overflow`, never UB.
class money {
public:
    constexpr money() = default;
    constexpr money(std::int64_t minor_units, currency cur) : minor_(minor_units), currency_(cur) {}

    /// `n` minor units of USD (e.g. usd_cents(1234) == $12.34).
    static constexpr money usd_cents(std::int64_t n) { return {n, usd}; }

    [[nodiscard]] constexpr std::int64_t minor_units() const { return minor_; }
    [[nodiscard]] constexpr const currency& currency_of() const { return currency_; }
    [[nodiscard]] constexpr bool is_negative() const { return minor_ < 0; }
    [[nodiscard]] constexpr bool is_zero() const { return minor_ == 0; }

    /// True when the amount is within +-amount_minor_max.
    [[nodiscard]] constexpr bool within_limit() const { return within_amount_limit(minor_); }

    /// Checked addition; errors: currency_mismatch, overflow (the int64 sum overflows or leaves
    /// +-amount_minor_max).
    [[nodiscard]] result<money, money_error> plus(const money& other) const {
        if (!(currency_ == other.currency_)) return money_error::currency_mismatch;
        std::int64_t out = 0;
        if (__builtin_add_overflow(minor_, other.minor_, &out) || !within_amount_limit(out)) {
            return money_error::overflow;
        }
        return money{out, currency_};
    }
    /// Checked subtraction; errors: currency_mismatch, overflow (as plus).
    [[nodiscard]] result<money, money_error> minus(const money& other) const {
        if (!(currency_ == other.currency_)) return money_error::currency_mismatch;
        std::int64_t out = 0;
        if (__builtin_sub_overflow(minor_, other.minor_, &out) || !within_amount_limit(out)) {
            return money_error::overflow;
        }
        return money{out, currency_};
    }
    /// Checked negation (INT64_MIN has no negation); error: overflow.
    [[nodiscard]] result<money, money_error> negated() const {
        if (minor_ == std::numeric_limits<std::int64_t>::min()) return money_error::overflow;
        return money{-minor_, currency_};
    }

    friend constexpr bool operator==(const money& a, const money& b) {
        return a.minor_ == b.minor_ && a.currency_ == b.currency_;
    }

private:
    std::int64_t minor_ = 0;
    currency currency_ = usd;
};

/// Basis points: 1 bp = 0.01 %, 10000 bp = 100 %.
using basis_points = std::int32_t;

/// Applies a discount of `bp` basis points (0..10000) to a non-negative amount, rounding half up
/// to the minor unit: floor((amount * (10000 - bp) + 5000) / 10000). Errors: negative (amount < 0),
/// out_of_range (bp outside 0..10000), overflow (amount above amount_minor_max).
[[nodiscard]] inline result<money, money_error> apply_discount(const money& amount, basis_points bp) {
    if (amount.is_negative()) return money_error::negative;
    if (bp < 0 || bp > 10000) return money_error::out_of_range;
    if (amount.minor_units() > amount_minor_max) return money_error::overflow;
    const std::int64_t scaled = amount.minor_units() * (10000 - bp) + 5000;
    return money{scaled / 10000, amount.currency_of()};
}

/// Parses a user-typed amount in currency `cur`: optional leading '-' directly before the number
/// or symbol, optional symbol or code ("$12.34", "12.34", "USD 12.34", "-$5", "12"), at most
/// `cur.exponent` fraction digits. Thousands separators are NOT accepted (ambiguous across
/// locales); neither are "- 5" (a sign separated from its number) nor a negative zero ("-0").
/// Surrounding spaces and tabs are ignored; the text is at most 64 bytes.
/// Errors: malformed, too_many_decimals, overflow (magnitude above amount_minor_max),
/// out_of_range (the currency's exponent is outside 0..currency_exponent_max).
[[nodiscard]] inline result<money, money_error> parse_money(std::string_view text, const currency& cur) {
    if (cur.exponent < 0 || cur.exponent > currency_exponent_max) return money_error::out_of_range;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    if (text.size() > 64) return money_error::malformed;
    text = trim(text);
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == ' ' || text.front() == '\t')) return money_error::malformed;
    }
    const std::string_view code(cur.code.data(), cur.code.size());
    if (!cur.symbol.empty() && text.starts_with(cur.symbol)) text.remove_prefix(cur.symbol.size());
    else if (text.starts_with(code)) text.remove_prefix(code.size());
    text = trim(text);
    if (text.empty() || text.size() > 40) return money_error::malformed;

    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() && fraction.empty()) return money_error::malformed;
    if (dot != std::string_view::npos && fraction.empty()) return money_error::malformed;
    for (char c : whole) if (c < '0' || c > '9') return money_error::malformed;
    for (char c : fraction) if (c < '0' || c > '9') return money_error::malformed;
    if (fraction.size() > static_cast<std::size_t>(cur.exponent)) return money_error::too_many_decimals;

    std::int64_t value = 0;
    auto push_digit = [&value](char c) {
        return !__builtin_mul_overflow(value, 10, &value) && !__builtin_add_overflow(value, c - '0', &value);
    };
    for (char c : whole) if (!push_digit(c)) return money_error::overflow;
    for (std::size_t i = 0; i < static_cast<std::size_t>(cur.exponent); ++i) {
        if (!push_digit(i < fraction.size() ? fraction[i] : '0')) return money_error::overflow;
    }
    if (value > amount_minor_max) return money_error::overflow;
    if (negative && value == 0) return money_error::malformed;  // "-0" is not a canonical amount
    return money{negative ? -value : value, cur};
}

/// Formats as symbol + amount with exactly `exponent` fraction digits: "$12.34", "-$0.05", "¥500".
/// Exact for every int64 (INT64_MIN included) and any exponent; an exponent outside
/// 0..currency_exponent_max is formatted as if it were clamped to that range. For amounts within
/// amount_minor_max, parse_money(format_money(m)) == m (tested as a property).
[[nodiscard]] inline std::string format_money(const money& m) {
    const currency& cur = m.currency_of();
    const auto exponent = static_cast<std::size_t>(std::clamp(cur.exponent, 0, currency_exponent_max));
    // Work in unsigned to format INT64_MIN without overflow; place the decimal point in the text.
    const bool negative = m.is_negative();
    const std::uint64_t magnitude = negative ? (~static_cast<std::uint64_t>(m.minor_units()) + 1)
                                             : static_cast<std::uint64_t>(m.minor_units());
    std::string digits = std::to_string(magnitude);
    if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    std::string out = negative ? "-" : "";
    out += cur.symbol.empty() ? cur.code_string() + " " : std::string(cur.symbol);
    out.append(digits, 0, digits.size() - exponent);
    if (exponent > 0) {
        out += '.';
        out.append(digits, digits.size() - exponent, exponent);
    }
    return out;
}

}  // namespace apexcore::core
