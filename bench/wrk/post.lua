-- Objection form POSTs for wrk: the urlencoded body of BENCH_POST_BODY (CSRF token included) to
-- BENCH_POST_PATH, with a new mobile number in place of PHONE_PLACEHOLDER in every request, so that
-- no two objections of a run share a phone number. Prints the figures as report.lua does.
local template = os.getenv("BENCH_POST_BODY")
local path = os.getenv("BENCH_POST_PATH")
local threads = 0
local counter = 0
tid = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  counter = counter + 1
  local phone = string.format("13%d%08d", 3 + (tid % 7), (tid * 10000000 + counter) % 100000000)
  local body = (template:gsub("PHONE_PLACEHOLDER", phone))
  return wrk.format("POST", path, nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, "read": %.0f, ' ..
    '"write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, ' ..
    '"max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
