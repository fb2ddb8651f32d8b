import sys
n = int(sys.stdin.readline())
assert 1 <= n <= 100000
sys.exit(42)
