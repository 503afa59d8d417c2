-- wrk's figures as one JSON line, read by bench/load.py (latencies in microseconds).
local function figures(summary, latency)
  local e = summary.errors
  return string.format(
    'BENCHJSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, "read": %.0f, ' ..
    '"write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, ' ..
    '"max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max)
end

done = function(summary, latency, requests)
  io.write(figures(summary, latency))
end

