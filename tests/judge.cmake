# judge-node unit tests: C programs under tests/unit/test_judge_*.c linked with the judge's own
# code (gavel_judge_core). They compile and run real C and Python programs (gcc, python3), and
# test_judge_node starts the real gavel-judge against a fake broker.
# (tests/*.cmake are included alphabetically, so this file cannot use proto.cmake's function.)
function(gavel_judge_test name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}.c)
  target_link_libraries(${name} PRIVATE gavel_judge_core Threads::Threads)
  add_test(NAME ${name} COMMAND ${name} ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 180 LABELS "unit;judge")
endfunction()

gavel_judge_test(test_judge_runner)
gavel_judge_test(test_judge_sandbox)
gavel_judge_test(test_judge_sandbox_leaks ${CMAKE_CURRENT_SOURCE_DIR}/unit/sandbox_leaks_helper.c)
gavel_judge_test(test_judge_checker)
gavel_judge_test(test_judge_testcache)
gavel_judge_test(test_judge_languages ${CMAKE_SOURCE_DIR}/cluster.toml)
gavel_judge_test(test_judge_job)
gavel_judge_test(test_judge_custom)
gavel_judge_test(test_judge_compilecache)
gavel_judge_test(test_judge_node $<TARGET_FILE:gavel-judge>)
add_dependencies(test_judge_node gavel-judge)
gavel_judge_test(test_judge_uidlock)
# The plain launcher (rlimits mode, what a judge without root uses): the same runner tests as
# nobody; when ctest itself is not root, as whoever runs it.
add_test(NAME test_judge_runner_plain
         COMMAND sh -c "if [ \"$(id -u)\" = 0 ]; then exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$0\"; else exec \"$0\"; fi"
                 $<TARGET_FILE:test_judge_runner>
         WORKING_DIRECTORY /tmp)
set_tests_properties(test_judge_runner_plain PROPERTIES TIMEOUT 180 LABELS "unit;judge")
