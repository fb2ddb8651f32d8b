# Benchmark helpers (not tests): built with everything, run by `ops/gavel bench`.
add_executable(bench_lmdb_commit ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_lmdb_commit.c)
target_link_libraries(bench_lmdb_commit PRIVATE PkgConfig::LMDB)
