# Options default to ON only when apexcore is the top-level project (cmake-init style), so a
# consumer that adds apexcore with add_subdirectory/FetchContent builds just the libraries.
include(GNUInstallDirs)
option(APEXCORE_WITH_DISCORD "Build the parts that need Boost, OpenSSL and nlohmann/json: discord_model, \
discord, render and s3 (OFF: core, ports, services, bot, sqlite and storage only)" ON)
option(APEXCORE_WITH_POSTGRESQL "Build apexcore::postgresql, the store for a shop run by several processes \
(libpq, Debian libpq-dev)" ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_BUILD_TESTS "Build apexcore's tests" ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_BUILD_EXAMPLES "Build apexbot, apexcore-sandbox and the embedding example"
  ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_INSTALL "Generate apexcore's install rules" ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_WERROR "Treat compiler warnings as errors" OFF)
option(APEXCORE_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang; the fuzz preset)" OFF)

if(NOT APEXCORE_WITH_DISCORD AND (APEXCORE_BUILD_TESTS OR APEXCORE_BUILD_EXAMPLES OR APEXCORE_BUILD_FUZZERS))
  message(FATAL_ERROR "apexcore: the tests, examples and fuzzers need APEXCORE_WITH_DISCORD=ON; turn them off "
    "(-DAPEXCORE_BUILD_TESTS=OFF -DAPEXCORE_BUILD_EXAMPLES=OFF) to build only the parts without Boost")
endif()
if(NOT APEXCORE_WITH_POSTGRESQL AND (APEXCORE_BUILD_TESTS OR APEXCORE_BUILD_EXAMPLES))
  message(FATAL_ERROR "apexcore: the tests and examples need APEXCORE_WITH_POSTGRESQL=ON (libpq-dev)")
endif()
