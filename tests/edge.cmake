# edge unit tests (C programs under tests/unit/test_edge_*.c, linked with gavel_edge_core).
# tests/*.cmake are included alphabetically, so this file cannot use proto.cmake's
# gavel_unit_test(): it has its own helper.
function(gavel_edge_test name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}.c)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(${name} PRIVATE gavel_edge_core)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "unit;edge")
endfunction()

foreach(t test_edge_json test_edge_validate test_edge_router test_edge_metrics
          test_edge_ratelimit test_edge_errors test_edge_package test_edge_live
          test_edge_contest test_edge_webui)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.c)
    gavel_edge_test(${t})
  endif()
endforeach()

# Fuzz target over the edge's untrusted-input decoders (see tests/fuzz/fuzz_edge_request.c).
gavel_fuzz_target(fuzz_edge_request edge gavel_edge_core gavel_proto)
target_include_directories(fuzz_edge_request PRIVATE ${CMAKE_SOURCE_DIR}/edge)

# Fuzz target over the problem package reader (zip + problem.yaml), seeds in tests/fuzz/seeds/package.
gavel_fuzz_target(fuzz_package package gavel_edge_core gavel_proto)
target_include_directories(fuzz_package PRIVATE ${CMAKE_SOURCE_DIR}/edge)
if(TARGET test_edge_package)
  target_compile_definitions(test_edge_package PRIVATE
    GAVEL_PACKAGE_SEEDS="${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/package")
endif()

# issue 10: stream budget, per-address caps, WebSocket frame headers (edge/budget.h, ws_frame.h)
gavel_edge_test(test_edge_budget)
