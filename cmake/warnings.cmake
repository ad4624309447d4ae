# apexcore_enable_warnings(target): the project's warning set on one of its own targets.
function(apexcore_enable_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    # -Wno-missing-field-initializers: the neutral model's structs give every member a default, so
    # a `{...}` or designated initializer that leaves the newer fields out is well defined; the
    # warning would force every caller to spell out each optional field.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wno-sign-conversion -Wno-missing-field-initializers)
    if(APEXCORE_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC 12 reports false positives for std::variant / std::optional members at -O2
        # (GCC bugs 105562, 107138); keep the warning visible but not fatal.
        target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
      endif()
    endif()
  endif()
endfunction()
