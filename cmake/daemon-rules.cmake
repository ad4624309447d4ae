# The reference bot as a daemon: apexbot, the sandbox, the systemd unit and the packaged config,
# and the Debian packages CPack makes from the install (docs/packaging.md):
#   apexbot           /usr/bin/apexbot, /usr/bin/apexcore-sandbox, /usr/bin/apexcore-rest-proxy,
#                     /usr/bin/apexcore-admin, the unit, /etc/apexbot/*
#   libapexcore-dev   headers, static (or shared) libraries, the CMake package
# Build them with: cpack --config <build>/CPackConfig.cmake -B <dir>
install(TARGETS apexbot apexcore-sandbox apexcore-rest-proxy apexcore-admin RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT apexbot)
set(apexbot_packaging "${PROJECT_SOURCE_DIR}/examples/reference_bot/packaging")
# The package installs under /usr (CPack's default prefix for DEB): the unit goes to
# /usr/lib/systemd/system (Debian 12 merges /lib into /usr/lib). The config is the package's, at
# the absolute path the unit names, /etc/apexbot — so this component is for packaging; a source
# install copies these files by hand (docs/deployment.md).
install(FILES "${apexbot_packaging}/apexbot.service" DESTINATION lib/systemd/system COMPONENT apexbot)
install(FILES "${apexbot_packaging}/apexbot.json" DESTINATION /etc/apexbot COMPONENT apexbot)
install(FILES "${PROJECT_SOURCE_DIR}/examples/reference_bot/products.example.json"
  DESTINATION /etc/apexbot RENAME products.json COMPONENT apexbot)
install(FILES LICENSE docs/deployment.md docs/configuration.md DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/apexbot"
  COMPONENT apexbot)

set(CPACK_PACKAGE_NAME apexcore)
set(CPACK_PACKAGE_VENDOR "apexcore")
set(CPACK_PACKAGE_CONTACT "apexcore maintainers <maintainers@apexcore.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL apexbot apexcore_development)
if(BUILD_SHARED_LIBS)
  list(APPEND CPACK_COMPONENTS_ALL apexcore_runtime)  # a static build has no runtime libraries
endif()
set(CPACK_COMPONENTS_GROUPING IGNORE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libssl3, libsqlite3-0, … from dpkg-shlibdeps
set(CPACK_DEBIAN_APEXBOT_PACKAGE_NAME apexbot)
set(CPACK_DEBIAN_APEXBOT_PACKAGE_DEPENDS "ca-certificates")
set(CPACK_DEBIAN_APEXBOT_PACKAGE_CONTROL_EXTRA
  "${apexbot_packaging}/conffiles;${apexbot_packaging}/postinst;${apexbot_packaging}/prerm;${apexbot_packaging}/postrm")
set(CPACK_DEBIAN_APEXBOT_DESCRIPTION "apexcore reference shop bot for Discord
 A Discord shop bot (catalog, wallet, orders, tickets) that speaks Discord's Gateway and REST
 APIs itself. Runs as the systemd service apexbot.service.")
set(CPACK_DEBIAN_APEXCORE_DEVELOPMENT_PACKAGE_NAME libapexcore-dev)
set(CPACK_DEBIAN_APEXCORE_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_APEXCORE_DEVELOPMENT_PACKAGE_DEPENDS
  "libsqlite3-dev, libpq-dev, libssl-dev (>= 3), nlohmann-json3-dev (>= 3), libboost1.81-dev | libboost-dev (>= 1.81), libboost-url1.81-dev | libboost-url-dev (>= 1.81)")
set(CPACK_DEBIAN_APEXCORE_DEVELOPMENT_DESCRIPTION "apexcore C++20 library: headers, libraries, CMake package
 find_package(apexcore CONFIG REQUIRED COMPONENTS ...) for programs that run a Discord shop.")
set(CPACK_DEBIAN_APEXCORE_RUNTIME_PACKAGE_NAME libapexcore${APEXCORE_SOVERSION})
set(CPACK_DEBIAN_APEXCORE_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_APEXCORE_RUNTIME_DESCRIPTION "apexcore C++20 library: shared libraries
 Only populated when apexcore is built with BUILD_SHARED_LIBS=ON.")
include(CPack)
