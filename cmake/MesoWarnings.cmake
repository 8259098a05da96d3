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
