// libFuzzer: catalog CSV import. Never crashes; every good row is a valid product; no row or
// issue is reported beyond the line limit.
#include <apexcore/core/catalog_csv.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = apexcore::core::parse_catalog_csv(text, apexcore::core::usd);
    if (parsed.rows.size() > apexcore::core::catalog_csv_rows_max) std::abort();
    for (const auto& row : parsed.rows) {
        if (apexcore::core::validate(row.item)) std::abort();
        if (!apexcore::core::is_valid_utf8(row.item.service_name)) std::abort();
    }
    return 0;
}
