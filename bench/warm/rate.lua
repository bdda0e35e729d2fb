-- wrk script: POST the AdmissionReview in $BODY at a fixed total rate of $RATE requests/s spread
-- over wrk's connections (each waits connections/RATE seconds between the end of one answer and
-- its next request), and print the achieved rate and p50/p99/p99.9 latency in ms on one line:
--   RATE_RESULT <req/s> <p50> <p99> <p99.9> <answers> <non-2xx or errors>
-- Used instead of hey, whose Go TLS client (Debian's Go 1.19) fails the handshake with the server
-- ("remote error: tls: illegal parameter"). Latency is measured by wrk from sending to the answer.
-- Without $BODY it GETs the URL (the trivial endpoint at the same rates).
if os.getenv("BODY") and os.getenv("BODY") ~= "" then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local f = assert(io.open(os.getenv("BODY"), "r"))
  wrk.body = f:read("*a")
  f:close()
end

local interval_ms = 0

function init(args)
  local rate = tonumber(os.getenv("RATE"))
  local connections = tonumber(os.getenv("CONNECTIONS_PER_THREAD"))
  interval_ms = connections * 1000 / rate
end

function delay()
  return interval_ms
end

function done(summary, latency, requests)
  local bad = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RATE_RESULT %.1f %.3f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.requests, bad))
end
