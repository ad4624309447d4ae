// libFuzzer: gateway frames into the parser and a live session machine (HELLO, dispatches,
// opcodes with any field types). Nothing throws, nothing overflows (UBSan), the machine stays usable.
#include <apexcore/discord/gateway/session_machine.hpp>
#include <apexcore/discord/model.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)apexcore::discord::parse_gateway_payload(text);
    apexcore::discord::gateway::machine_options options;
    options.token = "token";
    apexcore::discord::gateway::session_machine machine(options, 1);
    const auto now = std::chrono::steady_clock::now();
    machine.start("wss://gateway.test", now);
    machine.on_open(now);
    machine.on_text(R"({"op":10,"d":{"heartbeat_interval":41250}})", now);
    machine.on_text(text, now);
    machine.on_timer(now + std::chrono::seconds(60));
    (void)machine.take_actions();
    return 0;
}
