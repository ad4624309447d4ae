// libFuzzer: typed order references. Normalising is idempotent and yields the canonical shape.
#include <apexcore/core/order_reference.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto once = apexcore::core::normalize_order_reference(text);
    if (!once) return 0;
    if (once->size() != 18) std::abort();
    const auto twice = apexcore::core::normalize_order_reference(*once);
    if (!twice || *twice != *once) std::abort();
    return 0;
}
