# actors unit tests: each drives the real runtime (node over LMDB in a temporary directory)
# without sockets. tests/proto.cmake defines gavel_unit_test but is included after this file
# (alphabetical order), so this file has its own helper.
function(gavel_actors_test name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}.c)
  target_link_libraries(${name} PRIVATE gavel_actors)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "unit;actors")
endfunction()

gavel_actors_test(test_actors_node)
gavel_actors_test(test_actors_accounts)
gavel_actors_test(test_actors_problems)
gavel_actors_test(test_actors_submissions)
gavel_actors_test(test_actors_mathmd)

# Fuzz target over statement rendering (tests/fuzz/fuzz_mathmd.c).
gavel_fuzz_target(fuzz_mathmd mathmd gavel_actors)

# A bad configuration is reported on stderr with exit status 2.
add_test(NAME test_actors_bad_config
  COMMAND sh -c "$<TARGET_FILE:gavel-actors> --config /nonexistent/cluster.toml --data /tmp --name actors-1; test $? -eq 2")
set_tests_properties(test_actors_bad_config PROPERTIES TIMEOUT 30 LABELS "unit;actors")
add_test(NAME test_actors_bad_usage
  COMMAND sh -c "$<TARGET_FILE:gavel-actors> --bogus; test $? -eq 2")
set_tests_properties(test_actors_bad_usage PROPERTIES TIMEOUT 30 LABELS "unit;actors")
