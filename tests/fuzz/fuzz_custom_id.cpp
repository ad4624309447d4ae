// libFuzzer: custom_id decoding (forged ids from any client). Decoding never crashes, and what
// decodes re-encodes to the same text (one canonical form).
#include <apexcore/bot/custom_id.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto decoded = apexcore::bot::decode_custom_id(text);
    if (decoded && apexcore::bot::encode_custom_id(*decoded) != text) std::abort();
    return 0;
}
