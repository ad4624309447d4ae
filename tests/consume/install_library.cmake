# Installs apexcore's library components (headers, libraries, CMake package) into STAGE.
foreach(component IN ITEMS apexcore_development apexcore_runtime)
  execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${STAGE}" --config "${CONFIG}"
      --component ${component}
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "installing ${component} into ${STAGE} failed")
  endif()
endforeach()
