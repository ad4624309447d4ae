# Install the libraries, their headers and a component-aware apexcoreConfig.cmake, so that
#   find_package(apexcore CONFIG REQUIRED COMPONENTS services sqlite)
# asks only for what those parts need (cmake-init install-rules.cmake; one export set per
# component, loaded with its dependencies by cmake/apexcoreConfig.cmake.in).
include(CMakePackageConfigHelpers)

set(APEXCORE_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/apexcore")

install(DIRECTORY include/apexcore DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT apexcore_development)
install(FILES "${PROJECT_BINARY_DIR}/include/apexcore/version.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/apexcore" COMPONENT apexcore_development)
# Apache-2.0 (LICENSE): installed with the package, where a packager expects it — with the shared
# libraries when there are some, else with the headers and static libraries.
if(BUILD_SHARED_LIBS)
  set(apexcore_license_component apexcore_runtime)
else()
  set(apexcore_license_component apexcore_development)
endif()
install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/apexcore" COMPONENT ${apexcore_license_component})

set(apexcore_components core ports services bot sqlite storage memory)
if(APEXCORE_WITH_POSTGRESQL)
  list(APPEND apexcore_components postgresql)
endif()
if(APEXCORE_WITH_DISCORD)
  list(APPEND apexcore_components render s3 discord_model discord)
endif()
foreach(component IN LISTS apexcore_components)
  install(TARGETS apexcore_${component}
    EXPORT apexcore-${component}-targets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT apexcore_development
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT apexcore_runtime
      NAMELINK_COMPONENT apexcore_development
    INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT apexcore-${component}-targets NAMESPACE apexcore::
    DESTINATION "${APEXCORE_CMAKE_DIR}" COMPONENT apexcore_development)
endforeach()

# Private dependencies of static libraries must be found by consumers too (they are linked into
# the program); a shared build keeps them inside the .so files.
if(BUILD_SHARED_LIBS)
  set(APEXCORE_STATIC_LIBRARIES OFF)
else()
  set(APEXCORE_STATIC_LIBRARIES ON)
endif()
configure_package_config_file(cmake/apexcoreConfig.cmake.in
  "${PROJECT_BINARY_DIR}/apexcoreConfig.cmake"
  INSTALL_DESTINATION "${APEXCORE_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/apexcoreConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/apexcoreConfig.cmake"
    "${PROJECT_BINARY_DIR}/apexcoreConfigVersion.cmake"
  DESTINATION "${APEXCORE_CMAKE_DIR}" COMPONENT apexcore_development)

if(APEXCORE_BUILD_EXAMPLES)
  include(cmake/daemon-rules.cmake)
endif()
