-- Loaded by each scenario script. wrk calls done() once at the end of a run;
-- it prints one machine-readable line that run.sh picks up, so nothing depends
-- on the layout of wrk's human-readable report.
-- non2xx: responses with status >= 400; socket_errors: connect/read/write/timeout.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / summary.duration * 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
