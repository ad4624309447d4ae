#pragma once
// Discord's documented payloads, copied into tests/fixtures/discord: the tests read only the repository.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace apexcore::test_support {

/// Loads tests/fixtures/discord/<name>; a missing file is a test failure and an empty json.
inline nlohmann::json discord_example(const std::string& name) {
    const std::filesystem::path path = std::filesystem::path(APEXCORE_DISCORD_FIXTURES_DIR) / name;
    std::ifstream in(path);
    if (!in) {
        ADD_FAILURE() << "missing example " << path << " (set APEXCORE_DISCORD_FIXTURES_DIR)";
        return nlohmann::json();
    }
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

}  // namespace apexcore::test_support
