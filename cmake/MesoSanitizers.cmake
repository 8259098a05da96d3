# Sanitizers are whole-build settings (every object, including GoogleTest's main, must agree), so they are
# applied globally rather than per target. ASan+UBSan and TSan need separate build directories.
if(MESO_SANITIZE)
  message(STATUS "MesoStation: building with -fsanitize=${MESO_SANITIZE}")
  add_compile_options(-fsanitize=${MESO_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MESO_SANITIZE} -fno-sanitize-recover=all)
  # Debug's -O0 makes the planner's tests minutes long under ASan and TSan; -O1 is what both tools'
  # documentation recommends, and keeps the frames needed for their reports.
  add_compile_options($<$<CONFIG:Debug>:-O1>)
  if(MESO_SANITIZE MATCHES "thread")
    # g++ 12 warns that TSan does not model std::atomic_thread_fence, which Asio uses in its
    # reference counts; the warning is about the tool, not our code.
    add_compile_options(-Wno-tsan)
  endif()
endif()
