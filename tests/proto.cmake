# proto-msgs unit tests and fuzz targets.

gavel_unit_test(test_proto_msg gavel_proto)
gavel_unit_test(test_proto_token gavel_proto)


gavel_fuzz_target(fuzz_msg_decode msg gavel_proto)
gavel_fuzz_target(fuzz_token_verify token gavel_proto)
