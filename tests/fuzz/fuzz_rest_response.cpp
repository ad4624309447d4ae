// libFuzzer: REST response bodies: Discord error bodies and GET /gateway/bot (whose numbers once
// overflowed conversions and allocated hundreds of MiB of shards).
#include <apexcore/discord/gateway/sharding.hpp>
#include <apexcore/discord/model.hpp>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    (void)apexcore::discord::parse_api_error(body);
    if (const auto info = apexcore::discord::gateway::parse_gateway_bot(body)) {
        (void)apexcore::discord::gateway::plan_shards(*info, 0, {});
    }
    return 0;
}
