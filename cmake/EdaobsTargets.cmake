# Helpers so that a library folder stays a folder of files: every test/*_test.cpp becomes one
# GoogleTest program labelled `unit`, every bench/*_bench.cpp one Google Benchmark program.

# edaobs_add_unit_tests(<library target> [LIBS extra...])
function(edaobs_add_unit_tests lib)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  if(NOT EDAOBS_BUILD_TESTS)
    return()
  endif()
  file(GLOB tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/test/*_test.cpp")
  foreach(src IN LISTS tests)
    get_filename_component(name "${src}" NAME_WE)
    set(exe "${lib}_${name}")
    add_executable(${exe} "${src}")
    target_link_libraries(${exe} PRIVATE ${lib} ${ARG_LIBS} edaobs_warnings GTest::gtest GTest::gtest_main)
    target_include_directories(${exe} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/test")
    add_test(NAME ${exe} COMMAND ${exe})
    set_tests_properties(${exe} PROPERTIES LABELS unit TIMEOUT 120)
  endforeach()
endfunction()

# edaobs_add_benchmarks(<library target>) -> one program per bench/*_bench.cpp, all collected
# into the `bench` target; `make bench` runs them and writes JSON under build/bench/.
function(edaobs_add_benchmarks lib)
  if(NOT EDAOBS_BUILD_BENCH)
    return()
  endif()
  file(GLOB benches CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/bench/*_bench.cpp")
  foreach(src IN LISTS benches)
    get_filename_component(name "${src}" NAME_WE)
    set(exe "${lib}_${name}")
    add_executable(${exe} "${src}")
    target_link_libraries(${exe} PRIVATE ${lib} edaobs_warnings benchmark::benchmark)
    set_property(GLOBAL APPEND PROPERTY EDAOBS_BENCHMARKS ${exe})
  endforeach()
endfunction()

# edaobs_add_library(<target> [DEPS public deps...]) builds src/**/*.cpp of the current folder.
function(edaobs_add_library lib)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  add_library(${lib} STATIC ${sources})
  target_include_directories(${lib} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include"
                                        PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/src")
  target_link_libraries(${lib} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} edaobs_warnings)
endfunction()
