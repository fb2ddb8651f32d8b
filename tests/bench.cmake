# Benchmark helpers (not tests): built with everything, run by `ops/gavel bench`.
add_executable(bench_lmdb_commit ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_lmdb_commit.c)
target_link_libraries(bench_lmdb_commit PRIVATE PkgConfig::LMDB)
# The cost of one contest verdict at N=100 vs N=10,000 contestants, and of a scoreboard GET.
add_executable(bench_contest_apply ${CMAKE_CURRENT_SOURCE_DIR}/bench/bench_contest_apply.c)
target_link_libraries(bench_contest_apply PRIVATE gavel_actors)
# The live feed's fan-out load generator (tests/bench/bench_contest.py drives it).
add_executable(ws_fanout ${CMAKE_CURRENT_SOURCE_DIR}/bench/ws_fanout.c)
