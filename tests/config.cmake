# gv_config (cluster map) unit tests, and the ops tools that read it (gavel-config, gavel-keygen).
# Every test function in tests/unit/test_config.c ("static void name(void)") is registered as
# its own ctest entry, config.<name>, so a failure names the behaviour that broke.
add_executable(test_config ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_config.c)
target_link_libraries(test_config PRIVATE gavel_proto)
target_compile_definitions(test_config PRIVATE
  GV_CONFIG_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/unit/config"
  GV_CLUSTER_TOML="${PROJECT_SOURCE_DIR}/cluster.toml")

file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_config.c GAVEL_CONFIG_TEST_LINES
     REGEX "^static void [a-z0-9_]+\\(void\\)$")
foreach(line ${GAVEL_CONFIG_TEST_LINES})
  string(REGEX REPLACE "^static void ([a-z0-9_]+)\\(void\\)$" "\\1" name "${line}")
  add_test(NAME config.${name} COMMAND test_config ${name})
  set_tests_properties(config.${name} PROPERTIES TIMEOUT 60 LABELS unit)
endforeach()

# The ops tools, end to end: check/nodes/get on the shipped file, and key generation that is
# idempotent, private and authorises exactly the non-broker nodes.
add_test(NAME config.tools_end_to_end
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/unit/config/tools_test.sh
                 $<TARGET_FILE:gavel-config> $<TARGET_FILE:gavel-keygen>
                 ${PROJECT_SOURCE_DIR}/cluster.toml ${CMAKE_CURRENT_SOURCE_DIR}/unit/config)
set_tests_properties(config.tools_end_to_end PROPERTIES TIMEOUT 60 LABELS unit)
