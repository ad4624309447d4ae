#pragma once
/// @file catalog.hpp
/// Catalog products. The hierarchy is main category -> sub category -> service -> variant; one
/// product row is one variant (the thing bought), carrying the names of its ancestors. Optional
/// fields, stock, typed deliverables and tags live on the variant too.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::core {

/// Length limits on product text, in bytes of UTF-8. Names are chosen to fit Discord's component
/// limits (select option label <= 100, REFERENCE.md §4) when shown as "service - variant".
inline constexpr std::size_t product_name_length_max = 48;
inline constexpr std::size_t product_category_length_max = 64;
inline constexpr std::size_t product_info_length_max = 1000;     ///< additional_info
inline constexpr std::size_t product_questions_max = 5;           ///< questions asked before buying
inline constexpr std::size_t product_question_length_max = 45;    ///< bytes of one question
inline constexpr std::size_t product_answer_length_max = 400;     ///< bytes of one answer (order metadata holds 500)
inline constexpr std::size_t product_payload_length_max = 2000;  ///< delivery payload, one deliverable value
inline constexpr std::size_t product_start_time_length_max = 64; ///< free text, e.g. "instant" or "within 24 h"
inline constexpr std::size_t product_tag_length_max = 32;
inline constexpr std::size_t product_tags_max = 10;
inline constexpr std::size_t product_deliverables_max = 10;
inline constexpr int product_days_max = 3650;                    ///< duration / refill period, days
/// Default stock thresholds: "low" at <= 10 units left, "critical" at <= 1 (issue 4 §1).
inline constexpr std::int64_t default_low_stock_threshold = 10;
inline constexpr std::int64_t default_critical_stock_threshold = 1;

/// What a purchase delivers. Stored as JSON (`[{"type":"code","value":"..."}]`); the older
/// comma-separated list of type names ("code,key") is still read (parse_legacy_deliverables).
enum class deliverable_kind { code, account, file, link, guide, support, service, warranty, key };

/// The stored name of a deliverable kind ("code").
[[nodiscard]] inline std::string_view to_string(deliverable_kind k) {
    switch (k) {
        case deliverable_kind::code: return "code";
        case deliverable_kind::account: return "account";
        case deliverable_kind::file: return "file";
        case deliverable_kind::link: return "link";
        case deliverable_kind::guide: return "guide";
        case deliverable_kind::support: return "support";
        case deliverable_kind::service: return "service";
        case deliverable_kind::warranty: return "warranty";
        case deliverable_kind::key: return "key";
    }
    return "unknown";
}

/// Parses a deliverable kind name, case-sensitive ("key"); nullopt for unknown names.
[[nodiscard]] inline std::optional<deliverable_kind> parse_deliverable_kind(std::string_view s) {
    for (auto k : {deliverable_kind::code, deliverable_kind::account, deliverable_kind::file, deliverable_kind::link,
                   deliverable_kind::guide, deliverable_kind::support, deliverable_kind::service,
                   deliverable_kind::warranty, deliverable_kind::key}) {
        if (to_string(k) == s) return k;
    }
    return std::nullopt;
}

/// One typed deliverable: its kind and an optional value (a link, instructions, ...).
struct deliverable {
    deliverable_kind kind = deliverable_kind::code;
    std::string value{};  ///< <= product_payload_length_max bytes; may be empty
    friend bool operator==(const deliverable&, const deliverable&) = default;
};

/// Reads the legacy comma-separated form: type names separated by ',' with optional spaces
/// around them, e.g. "code, key". Empty text gives an empty list. Returns the 0-based index of
/// the first unknown or empty name as the error.
[[nodiscard]] inline result<std::vector<deliverable>, std::size_t> parse_legacy_deliverables(std::string_view text) {
    std::vector<deliverable> out;
    auto trim = [](std::string_view s) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        return s;
    };
    if (trim(text).empty()) return out;
    std::size_t index = 0;
    while (true) {
        const auto comma = text.find(',');
        const auto kind = parse_deliverable_kind(trim(text.substr(0, comma)));
        if (!kind) return index;
        out.push_back({*kind, {}});
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
        ++index;
    }
    return out;
}

/// A product (variant) as the catalog stores it. `active == false` is a soft delete: the row
/// stays so that orders keep pointing at it, but it can no longer be bought or listed.
struct product {
    product_id id;
    std::string main_category;  ///< e.g. "Streaming"
    std::string sub_category;   ///< e.g. "Video"
    std::string service_name;   ///< e.g. "Netflix Premium"
    std::string variant_name;   ///< e.g. "1 month"
    money price;                ///< list price before any discount, >= 0
    bool active = true;

    // Optional fields (nullopt / empty = not set).
    std::optional<int> duration_days{};        ///< what the purchase lasts; sets the warranty expiry, 1..3650
    std::optional<std::string> start_time{};   ///< when delivery starts, free text ("instant")
    std::optional<int> refill_period_days{};   ///< refill guarantee period, 1..3650
    std::optional<std::string> additional_info{};  ///< shown on the product card
    std::optional<role_id> role_to_grant{};    ///< a Discord role granted on purchase
    std::optional<std::string> delivery_payload{};  ///< text delivered to the buyer
    std::vector<deliverable> deliverables{};   ///< what is delivered, typed

    // Stock: nullopt = unlimited; otherwise units left, decremented with each purchase.
    std::optional<std::int64_t> stock{};
    std::int64_t low_stock_threshold = default_low_stock_threshold;
    std::int64_t critical_stock_threshold = default_critical_stock_threshold;

    std::vector<std::string> tags{};  ///< lower-case [a-z0-9-_], at most product_tags_max

    /// Questions the buyer answers before buying (customisation: "Your in-game name"), asked in a
    /// modal; the answers go into the order's metadata, where staff see them. At most
    /// product_questions_max, each 1..product_question_length_max bytes of one line (Discord: a
    /// modal holds 5 inputs, a label 45 characters, REFERENCE.md §4).
    std::vector<std::string> questions{};

    /// "service - variant", the name shown to customers.
    [[nodiscard]] std::string display_name() const { return service_name + " - " + variant_name; }
};

/// Why a product draft was refused.
enum class product_error {
    empty_name,         ///< a name or category is empty
    name_too_long,      ///< longer than product_name_length_max / product_category_length_max
    negative_price,     ///< price < 0
    price_too_large,    ///< price above amount_minor_max (money.hpp)
    text_too_long,      ///< start_time, additional_info, delivery payload or a deliverable value too long
    invalid_days,       ///< duration or refill period outside 1..3650
    invalid_stock,      ///< stock < 0, thresholds < 0, or critical > low
    invalid_tag,        ///< a tag empty, too long, not [a-z0-9-_], duplicated, or more than 10 tags
    too_many_deliverables,  ///< more than product_deliverables_max
    invalid_question,   ///< more than 5 questions, or one empty, over 45 bytes, with a line break, or repeated
};

/// A short English sentence for a product error.
[[nodiscard]] inline std::string_view describe(product_error e) {
    switch (e) {
        case product_error::empty_name: return "names and categories must not be empty";
        case product_error::name_too_long: return "a name is longer than 48 bytes or a category longer than 64";
        case product_error::negative_price: return "the price must not be negative";
        case product_error::price_too_large: return "the price is above the largest amount the shop accepts";
        case product_error::text_too_long: return "a text field is over its limit";
        case product_error::invalid_days: return "days must be between 1 and 3650";
        case product_error::invalid_stock: return "stock and thresholds must be >= 0, with critical <= low";
        case product_error::invalid_tag: return "tags must be 1-32 characters of a-z, 0-9, '-' or '_', at most 10, no duplicates";
        case product_error::too_many_deliverables: return "at most 10 deliverables";
        case product_error::invalid_question:
            return "at most 5 questions, each 1 to 45 characters on one line, none repeated";
    }
    return "invalid product";
}

/// True for a tag of 1..32 bytes of [a-z0-9-_].
[[nodiscard]] inline bool is_valid_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > product_tag_length_max) return false;
    for (char c : tag) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

/// Checks a product before it is stored; nullopt when valid.
[[nodiscard]] inline std::optional<product_error> validate(const product& p) {
    const std::string_view names[] = {p.service_name, p.variant_name};
    const std::string_view categories[] = {p.main_category, p.sub_category};
    for (auto n : names) {
        if (n.empty()) return product_error::empty_name;
        if (n.size() > product_name_length_max) return product_error::name_too_long;
    }
    for (auto c : categories) {
        if (c.empty()) return product_error::empty_name;
        if (c.size() > product_category_length_max) return product_error::name_too_long;
    }
    if (p.price.is_negative()) return product_error::negative_price;
    if (p.price.minor_units() > amount_minor_max) return product_error::price_too_large;
    if (p.start_time && p.start_time->size() > product_start_time_length_max) return product_error::text_too_long;
    if (p.additional_info && p.additional_info->size() > product_info_length_max) return product_error::text_too_long;
    if (p.delivery_payload && p.delivery_payload->size() > product_payload_length_max) return product_error::text_too_long;
    for (const auto* days : {&p.duration_days, &p.refill_period_days}) {
        if (*days && (**days < 1 || **days > product_days_max)) return product_error::invalid_days;
    }
    if ((p.stock && *p.stock < 0) || p.low_stock_threshold < 0 || p.critical_stock_threshold < 0 ||
        p.critical_stock_threshold > p.low_stock_threshold) {
        return product_error::invalid_stock;
    }
    if (p.tags.size() > product_tags_max) return product_error::invalid_tag;
    for (std::size_t i = 0; i < p.tags.size(); ++i) {
        if (!is_valid_tag(p.tags[i])) return product_error::invalid_tag;
        for (std::size_t j = 0; j < i; ++j) {
            if (p.tags[j] == p.tags[i]) return product_error::invalid_tag;
        }
    }
    if (p.questions.size() > product_questions_max) return product_error::invalid_question;
    for (std::size_t i = 0; i < p.questions.size(); ++i) {
        const auto& q = p.questions[i];
        if (q.empty() || q.size() > product_question_length_max || q.find_first_of("\r\n") != std::string::npos) {
            return product_error::invalid_question;
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (p.questions[j] == q) return product_error::invalid_question;
        }
    }
    if (p.deliverables.size() > product_deliverables_max) return product_error::too_many_deliverables;
    for (const auto& d : p.deliverables) {
        if (d.value.size() > product_payload_length_max) return product_error::text_too_long;
    }
    return std::nullopt;
}

/// A stock threshold crossed by a stock change, for the chat layer to report to staff.
enum class stock_event_kind {
    low,           ///< fell to <= low threshold
    critical,      ///< fell to <= critical threshold
    out_of_stock,  ///< fell to 0
    restocked,     ///< rose from 0
};

/// The stored/reporting name of a stock event ("low").
[[nodiscard]] inline std::string_view to_string(stock_event_kind k) {
    switch (k) {
        case stock_event_kind::low: return "low";
        case stock_event_kind::critical: return "critical";
        case stock_event_kind::out_of_stock: return "out_of_stock";
        case stock_event_kind::restocked: return "restocked";
    }
    return "unknown";
}

/// One threshold crossing of one product.
struct stock_event {
    product_id product;
    stock_event_kind kind = stock_event_kind::low;
    std::int64_t stock_after = 0;
    friend bool operator==(const stock_event&, const stock_event&) = default;
};

/// The events a change from `before` to `after` units crosses; each threshold is reported once,
/// when it is crossed downwards (so a purchase at 7 left with low = 10 reports nothing new).
/// Order: low, critical, out_of_stock; restocked when rising from 0.
[[nodiscard]] inline std::vector<stock_event> stock_events_for(product_id id, std::int64_t before, std::int64_t after,
                                                               std::int64_t low, std::int64_t critical) {
    std::vector<stock_event> out;
    if (after < before) {
        if (after <= low && before > low) out.push_back({id, stock_event_kind::low, after});
        if (after <= critical && before > critical) out.push_back({id, stock_event_kind::critical, after});
        if (after == 0 && before > 0) out.push_back({id, stock_event_kind::out_of_stock, after});
    } else if (after > before && before == 0) {
        out.push_back({id, stock_event_kind::restocked, after});
    }
    return out;
}

}  // namespace apexcore::core
