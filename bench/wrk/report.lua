-- Loaded by each scenario script. wrk calls done() once at the end of a run;
-- it prints one machine-readable line that run.sh picks up, so nothing depends
-- on the layout of wrk's human-readable report.
-- non2xx: responses with status >= 400 (or, with expect_status, other than it); socket_errors: connect/read/write/timeout.
-- A script that expects an error status (login-wrong) sets the global
-- expect_status and counts other statuses in its threads' `unexpected`.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local e = summary.errors
  local non2xx = e.status
  if expect_status then
    non2xx = 0
    for _, t in ipairs(threads) do non2xx = non2xx + (t:get("unexpected") or 0) end
  end
  io.write(string.format(
    "BENCH requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / summary.duration * 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    non2xx, e.connect + e.read + e.write + e.timeout))
end
