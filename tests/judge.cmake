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
