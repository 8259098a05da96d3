# A fresh clone (CI, a second work tree) rebuilds everything; through ccache, when it is installed, each
# object whose exact input was compiled before comes from its cache instead. CCACHE_BASEDIR makes the
# paths inside the tree relative and CCACHE_NOHASHDIR leaves the build folder out of the key, so clones in
# different folders share the cache. -DMESO_CCACHE=OFF compiles everything afresh.
option(MESO_CCACHE "Compile through ccache when it is installed" ON)
if(MESO_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(MESO_CCACHE_PROGRAM ccache)
  if(MESO_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}
                                    CCACHE_NOHASHDIR=1 ${MESO_CCACHE_PROGRAM})
  endif()
endif()
