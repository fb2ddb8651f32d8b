import sys
lo, hi = 1, 1000
while lo <= hi:
    mid = (lo + hi) // 2
    print("?", mid, flush=True)
    r = sys.stdin.readline().strip()
    if r == "=" or not r:
        break
    if r == "<":
        hi = mid - 1
    else:
        lo = mid + 1
