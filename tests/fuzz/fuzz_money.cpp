// libFuzzer: user-typed amounts. parse_money never crashes; whatever parses lies within the amount
// limit and survives format -> parse unchanged (money.hpp's round-trip property).
#include <apexcore/core/money.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& cur : apexcore::core::known_currencies) {
        const auto parsed = apexcore::core::parse_money(text, cur);
        if (!parsed) continue;
        if (!parsed->within_limit()) std::abort();
        const auto again = apexcore::core::parse_money(apexcore::core::format_money(*parsed), cur);
        if (!again || !(*again == *parsed)) std::abort();
    }
    return 0;
}
