# Warnings apply to our own targets only: each of them links meso::warnings privately, so third-party
# headers (found as SYSTEM/imported targets) never break the build with -Werror.
option(MESO_WERROR "Treat warnings in MesoStation code as errors" ON)

add_library(meso_warnings INTERFACE)
add_library(meso::warnings ALIAS meso_warnings)
target_compile_options(meso_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                               -Wsign-conversion -Wnon-virtual-dtor -Wold-style-cast
                                               -Woverloaded-virtual -Wimplicit-fallthrough)
if(MESO_WERROR)
  target_compile_options(meso_warnings INTERFACE -Werror)
endif()
# g++ 12 at -O3 reports impossible overlaps inside std::string's own inlined code (GCC bug 105329,
# -Wrestrict; 105651 for -Wstringop-overflow): the findings are in libstdc++, so they stay warnings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(meso_warnings INTERFACE -Wno-error=restrict -Wno-error=stringop-overflow)
endif()
