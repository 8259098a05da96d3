# Sanitizers are whole-build settings (every object, including GoogleTest's main, must agree), so they are
# applied globally rather than per target. ASan+UBSan and TSan need separate build directories.
if(MESO_SANITIZE)
  message(STATUS "MesoStation: building with -fsanitize=${MESO_SANITIZE}")
  add_compile_options(-fsanitize=${MESO_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MESO_SANITIZE} -fno-sanitize-recover=all)
  # A report needs file and line for each frame, nothing more: line tables instead of full debug info (with
  # g++ 12, full -g made an ASan+UBSan test file take 88 s to compile instead of 49 s). The code is left at
  # -O0, which clang compiles with ASan+UBSan in less than half the time of -O1 (station_test.cpp: 16 s
  # against 36 s); the libraries whose loops the tests spend minutes in (the planner, the synthetic camera)
  # ask for -O1 themselves (meso_sanitizer_speed below), as both tools' documentation recommends for speed.
  # docs/performance.md, "CI".
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(meso_sanitizer_debug_info -gline-tables-only)
  else()
    set(meso_sanitizer_debug_info -g1)
  endif()
  add_compile_options($<$<CONFIG:Debug>:${meso_sanitizer_debug_info}>)
  if(MESO_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns that TSan does not model std::atomic_thread_fence, which Asio uses in its
    # reference counts; the warning is about the tool, not our code.
    add_compile_options(-Wno-tsan)
  endif()
endif()

# The CPU-heavy libraries run at -O1 in a sanitizer build, the rest at -O0 (above). Without sanitizers this
# does nothing: the build type decides.
function(meso_sanitizer_speed target)
  if(MESO_SANITIZE)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Debug>:-O1>)
  endif()
endfunction()
