# Integration tests: real clusters on loopback, driven over HTTP by pytest (Debian's python3).
add_executable(curve_probe ${CMAKE_CURRENT_SOURCE_DIR}/integration/curve_probe.c)
target_link_libraries(curve_probe PRIVATE gavel_proto)

set(GAVEL_PYTEST /usr/bin/python3 -m pytest -q)
foreach(suite core_api ops kill curve ratelimit hostile languages checkers packages rejudge insecure contests clics live webui
        floods sandbox_bounds)
  add_test(NAME integration_${suite}
           COMMAND ${GAVEL_PYTEST} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_${suite}.py
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/integration)
  set_tests_properties(integration_${suite} PROPERTIES
    ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR}"
    TIMEOUT 900 LABELS integration)
endforeach()

# Contest secrecy (issue 10, point 7): the problem set stays hidden until the start.
add_test(NAME integration_secrecy
         COMMAND ${GAVEL_PYTEST} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_secrecy.py
         WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/integration)
set_tests_properties(integration_secrecy PROPERTIES
  ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR}"
  TIMEOUT 900 LABELS integration)
# issue 10 point 8: what the public sees during a freeze does not depend on hidden verdicts
foreach(suite freeze_secrecy)
  add_test(NAME integration_${suite}
           COMMAND ${GAVEL_PYTEST} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_${suite}.py
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/integration)
  set_tests_properties(integration_${suite} PROPERTIES
    ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR}"
    TIMEOUT 900 LABELS integration)
endforeach()
# issue 10 points 10-12: stream budget, oversized WebSocket frames, slow clients
foreach(suite edge_limits)
  add_test(NAME integration_${suite}
           COMMAND ${GAVEL_PYTEST} ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_${suite}.py
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/integration)
  set_tests_properties(integration_${suite} PROPERTIES
    ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR}"
    TIMEOUT 600 LABELS integration)
endforeach()
