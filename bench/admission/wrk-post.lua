-- wrk script for bench/admission-load's saturation run: POSTs the benchmark's AdmissionReviews in
-- the mix's proportions. wrk is closed loop (each connection waits for its answer before sending the
-- next request), so it measures the most requests per second the server answers, not latency under
-- a fixed load: its latency numbers hide queueing and are not reported.
--
-- Arguments (after `--`): triples PATH FILE WEIGHT.

local requests = {}

init = function(args)
  local i = 1
  while i + 2 <= #args do
    local path, file, weight = args[i], args[i + 1], tonumber(args[i + 2])
    local handle = assert(io.open(file, "rb"))
    local body = handle:read("*a")
    handle:close()
    local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
    local request = wrk.format("POST", path, headers, body)
    for _ = 1, weight do requests[#requests + 1] = request end
    i = i + 3
  end
  assert(#requests > 0, "no requests: pass PATH FILE WEIGHT triples after --")
end

local counter = 0

request = function()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end
