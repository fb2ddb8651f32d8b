# proto-msgs unit tests and fuzz targets.

gavel_unit_test(test_proto_msg gavel_proto)
gavel_unit_test(test_proto_token gavel_proto)

# Fuzz targets. With GAVEL_FUZZ (clang) each links libFuzzer: run e.g.
#   build-fuzz/tests/fuzz_msg_decode tests/fuzz/seeds/msg -max_total_time=60
# Otherwise each is linked with a replay driver and ctest replays its seed corpus.
function(gavel_fuzz_target name corpus)
  if(GAVEL_FUZZ)
    add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}.c)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}.c
                           ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay_main.c)
  endif()
  target_link_libraries(${name} PRIVATE ${ARGN})
  add_test(NAME ${name}_corpus COMMAND ${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/seeds/${corpus})
  set_tests_properties(${name}_corpus PROPERTIES TIMEOUT 300 LABELS fuzz)
endfunction()

gavel_fuzz_target(fuzz_msg_decode msg gavel_proto)
gavel_fuzz_target(fuzz_token_verify token gavel_proto)
