// libFuzzer: interaction payloads (gateway INTERACTION_CREATE / HTTP bodies) and what the bot
// answers with: parsing never throws, and any text mapped back out serialises (valid UTF-8).
#include <apexcore/discord/model.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto j = apexcore::discord::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    const auto env = apexcore::discord::parse_interaction(j);
    if (!env) return 0;
    apexcore::ports::message m;
    m.content = env->neutral.from.display_name + " " + env->token;
    if (const auto* c = std::get_if<apexcore::ports::command_invocation>(&env->neutral.action)) m.content += c->name;
    try {
        (void)apexcore::discord::to_message_data(m).dump();
    } catch (...) {
        std::abort();
    }
    return 0;
}
