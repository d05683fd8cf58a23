# The sanitizer and fuzzing builds, each in a build tree of its own (Makefile: test-asan,
# test-tsan, fuzz). EDAOBS_SANITIZE (ASan+UBSan) is set up in EdaobsWarnings.cmake.
option(EDAOBS_TSAN "Build with ThreadSanitizer (make test-tsan)" OFF)
option(EDAOBS_FUZZ "Build the libFuzzer targets in fuzz/ (clang; make fuzz)" OFF)

if(EDAOBS_TSAN AND (EDAOBS_SANITIZE OR EDAOBS_FUZZ))
  message(FATAL_ERROR "EDAOBS_TSAN cannot be combined with ASan (EDAOBS_SANITIZE, EDAOBS_FUZZ)")
endif()

if(EDAOBS_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # librdkafka starts its threads with C11 thrd_create and locks with mtx_*/cnd_*, which glibc
  # implements without going through pthread_create/pthread_mutex_lock, so TSan would neither
  # see those threads start nor the locks that order their accesses. The shim, linked into
  # every program, routes those calls through the pthread functions TSan intercepts.
  add_library(edaobs_tsan_c11_threads OBJECT "${CMAKE_CURRENT_LIST_DIR}/tsan_c11_threads.cpp")
  target_compile_options(edaobs_tsan_c11_threads PRIVATE
    $<TARGET_PROPERTY:edaobs_warnings,INTERFACE_COMPILE_OPTIONS>)
  target_link_libraries(edaobs_warnings INTERFACE
    $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:$<TARGET_OBJECTS:edaobs_tsan_c11_threads>>)
endif()

if(EDAOBS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EDAOBS_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-16")
  endif()
  # Everything is instrumented for coverage and checked by ASan+UBSan (so the same tree also
  # runs the unit tests under ASan, `make test-asan`); only the fuzz programs link libFuzzer's
  # main (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
