# broker unit tests: dispatch logic with a recording send function.
gavel_unit_test(test_broker_dispatch gavel_proto)
target_sources(test_broker_dispatch PRIVATE ${CMAKE_SOURCE_DIR}/broker/dispatch.c
  ${CMAKE_SOURCE_DIR}/broker/jobqueue.c)
target_include_directories(test_broker_dispatch PRIVATE ${CMAKE_SOURCE_DIR}/broker)
# broker keyring: CURVE key -> node bindings and the per-message identity check.
gavel_unit_test(test_broker_keyring gavel_proto)
target_sources(test_broker_keyring PRIVATE ${CMAKE_SOURCE_DIR}/broker/keyring.c)
target_include_directories(test_broker_keyring PRIVATE ${CMAKE_SOURCE_DIR}/broker)
