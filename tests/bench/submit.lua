-- wrk script: POST one submission per request with the token from $GAVEL_TOKEN.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GAVEL_TOKEN")
wrk.body = '{"problem_id":"' .. os.getenv("GAVEL_PROBLEM") ..
  '","language":"c","source":"#include <stdio.h>\\nint main(void){long long a,b;scanf(\\"%lld %lld\\",&a,&b);printf(\\"%lld\\\\n\\",a+b);return 0;}\\n"}'

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99)))
end
