# ctest "install_host_project" (label install): install worldrunner to a temporary prefix, then build and run
# tests/host_project against it: with find_package(worldrunner), with pkg-config, and from the build tree.
# Inputs: WR_BUILD_DIR, WR_HOST_SOURCE, WR_WORK_DIR, WR_C_COMPILER, WR_CONFIG, WR_LIBDIR, WR_BINDIR, WR_CHECK_TOOLS
# (the tools were built: check that they install and run), WR_EXTRA_FLAGS (sanitizer flags, which a sanitized static
# library needs at the host's link step too).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WR_WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WR_WORK_DIR})
file(MAKE_DIRECTORY ${WR_WORK_DIR})
set(config_args)
if(WR_CONFIG)
  set(config_args --config ${WR_CONFIG})
endif()

message(STATUS "installing worldrunner into ${prefix}")
# Only the library's component: a tool that failed to build is reported by its own build, not here.
run(${CMAKE_COMMAND} --install ${WR_BUILD_DIR} --prefix ${prefix} --component worldrunner ${config_args})
foreach(f include/worldrunner/worldrunner.h include/worldrunner/scenes.h
          ${WR_LIBDIR}/cmake/worldrunner/worldrunnerConfig.cmake
          ${WR_LIBDIR}/cmake/worldrunner/worldrunnerConfigVersion.cmake ${WR_LIBDIR}/pkgconfig/worldrunner.pc
          ${WR_LIBDIR}/pkgconfig/worldrunner-scenes.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()

# The demo and numastat are installed with the library (component "tools"): they run from the prefix.
if(WR_CHECK_TOOLS)
  message(STATUS "installing the tools into ${prefix}")
  run(${CMAKE_COMMAND} --install ${WR_BUILD_DIR} --prefix ${prefix} --component tools ${config_args})
  foreach(tool demo numastat)
    run(${prefix}/${WR_BINDIR}/${tool} --help)
    if(NOT run_output MATCHES "^usage: ")
      message(FATAL_ERROR "${prefix}/${WR_BINDIR}/${tool} --help printed no usage on stdout:\n${run_output}")
    endif()
  endforeach()
endif()

# 1. CMake package.
message(STATUS "host project with find_package(worldrunner)")
run(${CMAKE_COMMAND} -S ${WR_HOST_SOURCE} -B ${WR_WORK_DIR}/cmake-build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${WR_C_COMPILER} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    "-DCMAKE_C_FLAGS=${WR_EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${WR_EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WR_WORK_DIR}/cmake-build)
run(${WR_WORK_DIR}/cmake-build/host_engine)
message(STATUS "${run_output}")
run(${WR_WORK_DIR}/cmake-build/host_scenes)
message(STATUS "${run_output}")

# 2. The build tree as a package (worldrunner_DIR = the build directory), for a host built beside the library.
message(STATUS "host project with find_package(worldrunner) from the build tree")
run(${CMAKE_COMMAND} -S ${WR_HOST_SOURCE} -B ${WR_WORK_DIR}/build-tree-build
    -Dworldrunner_DIR=${WR_BUILD_DIR} -DCMAKE_C_COMPILER=${WR_C_COMPILER} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    "-DCMAKE_C_FLAGS=${WR_EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${WR_EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WR_WORK_DIR}/build-tree-build)
run(${WR_WORK_DIR}/build-tree-build/host_engine)
run(${WR_WORK_DIR}/build-tree-build/host_scenes)

# 3. pkg-config, as a Makefile-based engine would: cc host_engine.c $(pkg-config --cflags --libs --static worldrunner)
#    (the core alone), and host_scenes.c with the scenes module, which requires the core.
message(STATUS "host project with pkg-config")
set(ENV{PKG_CONFIG_PATH} ${prefix}/${WR_LIBDIR}/pkgconfig)
separate_arguments(extra_flags UNIX_COMMAND "${WR_EXTRA_FLAGS}")
foreach(program_module host_engine:worldrunner host_scenes:worldrunner-scenes)
  string(REPLACE ":" ";" pm "${program_module}")
  list(GET pm 0 program)
  list(GET pm 1 module)
  run(pkg-config --cflags --libs --static ${module})
  string(STRIP "${run_output}" pc_flags)
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  message(STATUS "pkg-config --cflags --libs --static ${module}: ${pc_flags}")
  run(${WR_C_COMPILER} -std=c17 -Wall -Wextra -Wpedantic -Werror ${extra_flags} ${WR_HOST_SOURCE}/${program}.c
      ${pc_flags} -lm -o ${WR_WORK_DIR}/${program}_pkgconfig)
  # (LD_LIBRARY_PATH matters only for a shared build, -DBUILD_SHARED_LIBS=ON, installed outside the loader's path.)
  run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/${WR_LIBDIR} ${WR_WORK_DIR}/${program}_pkgconfig)
  message(STATUS "${run_output}")
endforeach()
