# Sanitizer builds (presets asan and tsan): the flags go on every target, library, tests and tools alike, and the
# runtime options every test gets through ctest.
set(WR_SANITIZER_FLAGS "")
set(WR_TEST_ENVIRONMENT "")
if(WR_SANITIZE)
  list(JOIN WR_SANITIZE "," wr_sanitize_joined)
  set(WR_SANITIZER_FLAGS -fsanitize=${wr_sanitize_joined} -fno-omit-frame-pointer)
  if("undefined" IN_LIST WR_SANITIZE)
    # Every UBSan finding is fatal, so a test cannot pass over undefined behaviour.
    list(APPEND WR_SANITIZER_FLAGS -fno-sanitize-recover=all)
  endif()
  add_compile_options(${WR_SANITIZER_FLAGS})
  add_link_options(${WR_SANITIZER_FLAGS})
  message(STATUS "worldrunner: sanitizers ${wr_sanitize_joined}")
endif()
if(WR_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WR_FUZZ needs clang (libFuzzer); use the fuzz preset")
  endif()
  # coverage feedback from the library itself, not only from the fuzz targets (which add -fsanitize=fuzzer)
  add_compile_options(-fsanitize=fuzzer-no-link)
  message(STATUS "worldrunner: libFuzzer instrumentation (fuzzer-no-link)")
endif()
list(JOIN WR_SANITIZER_FLAGS " " WR_SANITIZER_FLAGS_STRING)

# Options read by the sanitizer runtimes; harmless in builds without them. Suppressions, if ever needed, are for
# third-party libraries only (cmake/tsan.supp), never for our own code. ignore_noninstrumented_modules: libomp's
# Archer tool (loaded automatically under TSan) tells TSan about OpenMP synchronisation, and asks for this option so
# that libomp's own uninstrumented internals are not reported; races in our (instrumented) code still are.
list(APPEND WR_TEST_ENVIRONMENT
  "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
  "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=${PROJECT_SOURCE_DIR}/cmake/tsan.supp")
