-- wrk script of bench/run.sh: every request asks for a distinct Fingerprint v4 event id
-- (<13 digits>.<6 characters>, like the gRPC scenarios' tokens) under the URL's path, and the
-- run ends with one JSON line that bench/bench.py reads.
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  prefix = wrk.path
  if prefix:sub(-1) ~= "/" then prefix = prefix .. "/" end
  counter = 0
  suffix = string.format("wrk%03d", thread_id % 1000)
end

function request()
  counter = counter + 1
  local id = string.format("18%011d.%s", counter, suffix)
  return wrk.format("GET", prefix .. id)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format(
      '{"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
      summary.requests, summary.duration, errors, summary.errors.status,
      latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
