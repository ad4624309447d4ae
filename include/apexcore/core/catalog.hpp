#pragma once
/// @file catalog.hpp
/// Catalog products: main category -> sub category -> service -> variant, priced in money.

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace apexcore::core {

/// Length limits on product text, in bytes of UTF-8. Chosen to fit Discord's component limits
/// (select option label <= 100, REFERENCE.md §4) when shown as "service - variant".
inline constexpr std::size_t product_name_length_max = 48;
inline constexpr std::size_t product_category_length_max = 64;

/// A product as the catalog stores it. `active == false` is a soft delete: the row stays so
/// that orders keep pointing at it, but it can no longer be bought or listed.
struct product {
    product_id id;
    std::string main_category;  ///< e.g. "Streaming"
    std::string sub_category;   ///< e.g. "Video"
    std::string service_name;   ///< e.g. "Netflix Premium"
    std::string variant_name;   ///< e.g. "1 month"
    money price;                ///< list price before any discount, >= 0
    bool active = true;

    /// "service - variant", the name shown to customers.
    [[nodiscard]] std::string display_name() const { return service_name + " - " + variant_name; }
};

/// Why a product draft was refused.
enum class product_error {
    empty_name,        ///< a name or category is empty
    name_too_long,     ///< longer than product_name_length_max / product_category_length_max
    negative_price,    ///< price < 0
};

/// Checks a product before it is stored: non-empty names within the limits, price >= 0.
/// Returns nullopt when valid.
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
    return std::nullopt;
}

}  // namespace apexcore::core
