# Options default to ON only when apexcore is the top-level project (cmake-init style), so a
# consumer that adds apexcore with add_subdirectory/FetchContent builds just the libraries.
include(GNUInstallDirs)
option(APEXCORE_BUILD_TESTS "Build apexcore's tests" ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_BUILD_EXAMPLES "Build apexbot, apexcore-sandbox and the embedding example"
  ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_INSTALL "Generate apexcore's install rules" ${PROJECT_IS_TOP_LEVEL})
option(APEXCORE_WERROR "Treat compiler warnings as errors" OFF)
option(APEXCORE_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang; the fuzz preset)" OFF)
