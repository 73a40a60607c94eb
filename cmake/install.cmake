# Install rules: the core library with an exported target worldrunner::worldrunner, the built-in scenes as
# worldrunner::scenes, the public headers, a CMake package (worldrunnerConfig.cmake + version) and two pkg-config
# files (worldrunner, worldrunner-scenes). A host engine then uses either
#   find_package(worldrunner CONFIG REQUIRED)  +  target_link_libraries(app PRIVATE worldrunner::worldrunner)
# or
#   cc app.c $(pkg-config --cflags --libs --static worldrunner)
# Everything a host engine needs is in the install component "worldrunner"; the demo and numastat install in the
# component "tools" (a plain `cmake --install` installs both).
include(CMakePackageConfigHelpers)

get_target_property(wr_library_type worldrunner TYPE)
if(wr_library_type STREQUAL "STATIC_LIBRARY")
  set(WR_STATIC ON)
else()
  set(WR_STATIC OFF)
endif()
foreach(dep OpenMP_C HWLOC NUMA LIBXML2)
  if(${dep}_FOUND)
    set(WR_EXPORT_${dep} ON)
  else()
    set(WR_EXPORT_${dep} OFF)
  endif()
endforeach()
set(WR_CONFIG_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/worldrunner)

install(TARGETS worldrunner worldrunner_scenes EXPORT worldrunnerTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT worldrunner
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT worldrunner
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT worldrunner
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/worldrunner DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT worldrunner FILES_MATCHING PATTERN "*.h")
install(EXPORT worldrunnerTargets NAMESPACE worldrunner:: DESTINATION ${WR_CONFIG_INSTALL_DIR} COMPONENT worldrunner)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/worldrunnerConfig.cmake.in
  ${PROJECT_BINARY_DIR}/worldrunnerConfig.cmake INSTALL_DESTINATION ${WR_CONFIG_INSTALL_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/worldrunnerConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/worldrunnerConfig.cmake ${PROJECT_BINARY_DIR}/worldrunnerConfigVersion.cmake
  DESTINATION ${WR_CONFIG_INSTALL_DIR} COMPONENT worldrunner)

# The build tree is a package too: find_package(worldrunner) with worldrunner_DIR=<build dir>.
export(EXPORT worldrunnerTargets NAMESPACE worldrunner:: FILE ${PROJECT_BINARY_DIR}/worldrunnerTargets.cmake)

# pkg-config: prefix relative to the .pc file, so `cmake --install --prefix ANY` gives a working file.
set(WR_PC_REQUIRES_PRIVATE "")
if(HWLOC_FOUND)
  string(APPEND WR_PC_REQUIRES_PRIVATE " hwloc")
endif()
if(NUMA_FOUND)
  string(APPEND WR_PC_REQUIRES_PRIVATE " numa")
endif()
if(LIBXML2_FOUND)
  string(APPEND WR_PC_REQUIRES_PRIVATE " libxml-2.0")
endif()
string(STRIP "${WR_PC_REQUIRES_PRIVATE}" WR_PC_REQUIRES_PRIVATE)
set(WR_PC_LIBS_PRIVATE "-lpthread -lm")
if(OpenMP_C_FOUND)
  string(APPEND WR_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
file(RELATIVE_PATH WR_PC_PREFIX_FROM_PCDIR /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
string(REGEX REPLACE "/$" "" WR_PC_PREFIX_FROM_PCDIR "${WR_PC_PREFIX_FROM_PCDIR}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/worldrunner.pc.in ${PROJECT_BINARY_DIR}/worldrunner.pc @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/worldrunner-scenes.pc.in ${PROJECT_BINARY_DIR}/worldrunner-scenes.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/worldrunner.pc ${PROJECT_BINARY_DIR}/worldrunner-scenes.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT worldrunner)
