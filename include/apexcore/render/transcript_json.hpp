#pragma once
/// @file transcript_json.hpp
/// A ticket's transcript as JSON, for tools and archives: {"ticket": {...}, "messages": [...]}
/// with ids as strings (snowflakes exceed JavaScript's safe integers), times as Unix
/// milliseconds and ISO 8601, text as valid UTF-8. Written with nlohmann/json.

#include <apexcore/core/transcript.hpp>

#include <string>

namespace apexcore::render {

/// The JSON export of `t`, pretty-printed with two spaces.
[[nodiscard]] std::string transcript_json(const core::transcript& t);

}  // namespace apexcore::render
