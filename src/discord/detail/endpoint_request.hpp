#pragma once
// The Interactions Endpoint's decision for one HTTP request, without any I/O (so it can be
// fuzzed and unit-tested): 404 / 405 / 401 / 400 / PONG, or an interaction to dispatch.
#include <apexcore/discord/interactions_endpoint.hpp>

#include <chrono>
#include <string_view>
#include <variant>

namespace apexcore::discord::detail {

/// An answer to send at once: HTTP status and JSON body.
struct endpoint_reply {
    unsigned status = 200;
    json body;
};

/// What to do with one request: answer it now, or hand the interaction to the bot.
using endpoint_decision = std::variant<endpoint_reply, interaction_envelope>;

/// Decides for a request to `target` with `method` ("POST"), the signature headers and the raw
/// body. Never throws for any input. `log` (may be empty) gets one line for 401 and 400 answers.
endpoint_decision decide_endpoint_request(std::string_view configured_path, std::string_view target,
                                          std::string_view method, std::string_view signature,
                                          std::string_view timestamp, std::string_view body,
                                          const signature_verifier& verifier, std::chrono::system_clock::time_point now,
                                          const log_fn& log);

}  // namespace apexcore::discord::detail
