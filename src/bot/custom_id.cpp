#include <apexcore/bot/custom_id.hpp>

#include <apexcore/ports/message.hpp>

#include <charconv>
#include <optional>
#include <vector>

namespace apexcore::bot {
namespace {

/// Parses a canonical non-negative decimal int64: digits only, no leading zero (except "0" itself).
std::optional<std::int64_t> parse_canonical(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    if (s.size() > 1 && s.front() == '0') return std::nullopt;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep, std::size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() < max_parts) {
        const auto pos = s.find(sep);
        parts.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) return parts;
        s.remove_prefix(pos + 1);
    }
    parts.push_back(s);  // one extra part signals "too many fields"
    return parts;
}

}  // namespace

bool is_promo_code_text(std::string_view code) {
    if (code.empty() || code.size() > 32) return false;
    for (const char c : code) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string encode_custom_id(const custom_id_action& action) {
    std::string out(custom_id_version);
    switch (action.kind) {
        case component_kind::select_product: out += ":s"; break;
        case component_kind::buy_product:
        case component_kind::promo_form:
        case component_kind::promo_submit:
        case component_kind::review_purchase:
        case component_kind::confirm_purchase:
        case component_kind::details_form:
        case component_kind::details_submit: {
            const bool carries_promo = action.kind != component_kind::promo_form && action.kind != component_kind::promo_submit;
            out += action.kind == component_kind::buy_product       ? ":b:"
                   : action.kind == component_kind::promo_form      ? ":p:"
                   : action.kind == component_kind::promo_submit    ? ":q:"
                   : action.kind == component_kind::review_purchase ? ":v:"
                   : action.kind == component_kind::confirm_purchase ? ":c:"
                   : action.kind == component_kind::details_form    ? ":d:"
                                                                    : ":e:";
            out += std::to_string(action.product.value) + ":" + std::to_string(action.price_minor);
            if (action.checkout.value != 0) out += ":" + action.checkout.str();
            if (carries_promo && !action.promo.empty()) out += ":" + action.promo;
            break;
        }
    }
    return out;
}

core::result<custom_id_action, custom_id_error> decode_custom_id(std::string_view text) {
    if (text.empty()) return custom_id_error::empty;
    if (text.size() > ports::custom_id_length_max) return custom_id_error::too_long;
    const auto parts = split(text, ':', 6);
    if (parts.front() != custom_id_version) return custom_id_error::stale_version;
    if (parts.size() < 2) return custom_id_error::malformed;
    const std::string_view kind = parts[1];
    if (kind == "s") {
        if (parts.size() != 2) return custom_id_error::malformed;
        return custom_id_action{component_kind::select_product, {}, 0};
    }
    if (kind == "b" || kind == "p" || kind == "q" || kind == "v" || kind == "c" || kind == "d" || kind == "e") {
        // b: 4 fields (0.1.0), 5 (with checkout) or 6 (with a promo code); v, c, d, e: 5 or 6;
        // p and q: exactly 5.
        const bool buy = kind == "b";
        const bool promo_kind = kind == "p" || kind == "q";
        if (buy ? (parts.size() < 4 || parts.size() > 6) : promo_kind ? parts.size() != 5 : (parts.size() < 5 || parts.size() > 6)) {
            return custom_id_error::malformed;
        }
        const auto product = core::product_id::parse(parts[2]);
        const auto price = parse_canonical(parts[3]);
        if (!product || !price) return custom_id_error::malformed;
        const component_kind decoded = buy              ? component_kind::buy_product
                                       : kind == "p"    ? component_kind::promo_form
                                       : kind == "q"    ? component_kind::promo_submit
                                       : kind == "v"    ? component_kind::review_purchase
                                       : kind == "c"    ? component_kind::confirm_purchase
                                       : kind == "d"    ? component_kind::details_form
                                                        : component_kind::details_submit;
        custom_id_action action{decoded, *product, *price, {}};
        if (parts.size() >= 5) {
            const auto checkout = core::interaction_id::parse(parts[4]);
            if (!checkout || checkout->value == 0) return custom_id_error::malformed;
            action.checkout = *checkout;
        }
        if (parts.size() == 6) {
            if (!is_promo_code_text(parts[5])) return custom_id_error::malformed;
            action.promo = std::string(parts[5]);
        }
        return action;
    }
    return custom_id_error::unknown_action;
}

std::string_view describe(custom_id_error e) {
    switch (e) {
        case custom_id_error::empty:
        case custom_id_error::malformed:
        case custom_id_error::too_long:
            return "This control is not valid. Please run /buy again.";
        case custom_id_error::stale_version:
        case custom_id_error::unknown_action:
            return "This menu is out of date. Please run /buy again.";
    }
    return "This control is not valid.";
}

}  // namespace apexcore::bot
