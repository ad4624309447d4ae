#include "detail/endpoint_request.hpp"

#include "detail/json_access.hpp"

namespace apexcore::discord::detail {

endpoint_decision decide_endpoint_request(std::string_view configured_path, std::string_view target,
                                          std::string_view method, std::string_view signature,
                                          std::string_view timestamp, std::string_view body,
                                          const signature_verifier& verifier, std::chrono::system_clock::time_point now,
                                          const log_fn& log) {
    const auto say = [&log](const std::string& line) { ports::emit(log, ports::log_level::warning, "endpoint", line); };
    if (target.substr(0, target.find('?')) != configured_path) return endpoint_reply{404, {{"error", "not found"}}};
    if (method != "POST") return endpoint_reply{405, {{"error", "POST only"}}};
    // The signature is checked on the raw bytes before anything is parsed (REFERENCE.md §3.8).
    const auto verdict = verifier.verify(signature, timestamp, body, now);
    if (verdict != signature_result::valid) {
        say(std::string("interactions endpoint: 401 (") + std::string(to_string(verdict)) + ")");
        return endpoint_reply{401, {{"error", "invalid request signature"}}};
    }
    const json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return endpoint_reply{400, {{"error", "invalid JSON"}}};
    // "type" is checked in range before use: {"type":4294967297} was once answered as a PING.
    const auto type = integer_field(parsed, "type", 1, 255);
    if (!type) return endpoint_reply{400, {{"error", "missing or malformed 'type'"}}};
    if (*type == 1) return endpoint_reply{200, {{"type", 1}}};  // PING -> PONG
    auto envelope = parse_interaction(parsed);
    if (!envelope) {
        say("interactions endpoint: 400: " + envelope.error().what);
        return endpoint_reply{400, {{"error", envelope.error().what}}};
    }
    return std::move(envelope.value());
}

}  // namespace apexcore::discord::detail
