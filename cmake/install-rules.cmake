# Install the libraries, their headers and an exported apexcoreConfig.cmake so that
# find_package(apexcore CONFIG REQUIRED) works (cmake-init install-rules.cmake).
include(CMakePackageConfigHelpers)

set(APEXCORE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/apexcore")

install(DIRECTORY include/apexcore DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT apexcore_development)
# Apache-2.0 (LICENSE): installed with the package, where a packager expects it.
install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/apexcore" COMPONENT apexcore_development)

install(TARGETS apexcore_core apexcore_ports apexcore_services apexcore_bot apexcore_sqlite
    apexcore_render apexcore_storage apexcore_asio apexcore_s3 apexcore_discord_model apexcore_discord
  EXPORT apexcoreTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT apexcore_development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT apexcore_runtime
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT apexcoreTargets NAMESPACE apexcore:: DESTINATION "${APEXCORE_CMAKE_DIR}"
  COMPONENT apexcore_development)

configure_package_config_file(cmake/apexcoreConfig.cmake.in
  "${PROJECT_BINARY_DIR}/apexcoreConfig.cmake"
  INSTALL_DESTINATION "${APEXCORE_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/apexcoreConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/apexcoreConfig.cmake"
    "${PROJECT_BINARY_DIR}/apexcoreConfigVersion.cmake"
  DESTINATION "${APEXCORE_CMAKE_DIR}" COMPONENT apexcore_development)

if(APEXCORE_BUILD_EXAMPLES)
  install(TARGETS apexbot apexcore-sandbox RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
    COMPONENT apexcore_runtime)
endif()
