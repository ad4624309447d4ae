// libFuzzer: hostile user-supplied license key patterns. The first byte splits the input into a
// pattern and a key; compiling and matching never crash and stay within the documented bounds
// (a 256-byte key against a 4096-instruction program at most).
#include <apexcore/core/key_pattern.hpp>
#include <apexcore/core/license_key.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t split = std::min<std::size_t>(data[0], size - 1);
    const std::string_view pattern(reinterpret_cast<const char*>(data + 1), split);
    const std::string_view key(reinterpret_cast<const char*>(data + 1 + split), size - 1 - split);
    auto compiled = apexcore::core::key_pattern::compile(pattern);
    if (auto* p = std::get_if<apexcore::core::key_pattern>(&compiled)) {
        if (p->program_size() > apexcore::core::key_pattern::program_size_max + 1) std::abort();
        (void)p->matches(key.substr(0, apexcore::core::license_key_length_max));
    }
    return 0;
}
