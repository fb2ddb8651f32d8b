# Integration tests: real clusters on loopback, driven over HTTP by pytest (Debian's python3).
add_executable(curve_probe ${CMAKE_CURRENT_SOURCE_DIR}/integration/curve_probe.c)
target_link_libraries(curve_probe PRIVATE gavel_proto)

set(GAVEL_PYTEST /usr/bin/python3 -m pytest -q)
foreach(suite core_api ops kill curve ratelimit hostile languages checkers packages rejudge insecure contests clics live webui
        floods sandbox_bounds secrecy freeze_secrecy edge_limits uids)
  add_test(NAME integration_${suite}
           COMMAND ${GAVEL_PYTEST} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_${suite}.py
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/integration)
  set_tests_properties(integration_${suite} PROPERTIES
    ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR}"
    TIMEOUT 900 LABELS integration)
endforeach()

