# Browser acceptance tests (tests/browser/): playwright-core from npm drives Debian's chromium
# headless against a real cluster started with ops/gavel up --detach on a random port.
# Screenshots of the main pages land in <build>/screenshots/.
find_program(GAVEL_NODE node)
if(GAVEL_NODE AND GAVEL_NPM)
  set(GAVEL_BROWSER_DIR ${CMAKE_SOURCE_DIR}/tests/browser)
  add_custom_command(
    OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/browser-deps.stamp
    COMMAND bash ${GAVEL_BROWSER_DIR}/install.sh
    COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_CURRENT_BINARY_DIR}/browser-deps.stamp
    DEPENDS ${GAVEL_BROWSER_DIR}/package.json ${GAVEL_BROWSER_DIR}/package-lock.json
            ${GAVEL_BROWSER_DIR}/install.sh
    COMMENT "Installing playwright-core for the browser tests"
    VERBATIM)
  add_custom_target(gavel_browser_deps ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/browser-deps.stamp)
  add_test(NAME browser_ui COMMAND ${GAVEL_NODE} ${GAVEL_BROWSER_DIR}/run.mjs)
  set_tests_properties(browser_ui PROPERTIES
    ENVIRONMENT "GAVEL_BUILD=${CMAKE_BINARY_DIR};GAVEL_SCREENSHOTS=${CMAKE_BINARY_DIR}/screenshots"
    TIMEOUT 900 LABELS "integration;browser")
else()
  message(WARNING "node/npm not found: the browser tests (tests/browser) are not registered")
endif()
