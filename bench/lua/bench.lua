-- Requests for `wrk -s bench/lua/bench.lua <url> -- <mode> <paths file> <seed>`.
--   mode "get":   GET each path of the file in turn (one path a line), from a random start.
--   mode "order": POST an order to each path in turn, every body with a fresh uuid4 `id`.
--   mode "revalidate": like "get", each line being `path<TAB>etag`, sent with If-None-Match.
-- done() prints one line, "BENCH_RESULT {json}", that bench/load.py reads.

local threads_made = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("bench_thread", threads_made)
end

local mode = "get"
local paths = {}
local prepared = {}
local next_index = 1
local sent = 0
local headers = { ["Content-Type"] = "application/json" }
local body_format = '{"id":"%s","order_code":"GER40.I","order_price":18250.25,"order_quantity":10,'
  .. '"order_direction":"%s","order_type":"LIMIT","asset_type":"CfdOnIndex","trigger_close":0,'
  .. '"execution_context":"bench"}'

function init(args)
  mode = args[1] or "get"
  for line in io.lines(args[2]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  math.randomseed((tonumber(args[3]) or os.time()) + 7919 * (bench_thread or 1))
  next_index = math.random(1, #paths)
  if mode == "get" then
    for i, path in ipairs(paths) do
      prepared[i] = wrk.format("GET", path)
    end
  elseif mode == "revalidate" then
    for i, line in ipairs(paths) do
      local path, tag = line:match("^([^\t]+)\t(.+)$")
      prepared[i] = wrk.format("GET", path, { ["If-None-Match"] = tag })
    end
  end
end

local function uuid4()
  return string.format(
    "%08x-%04x-4%03x-%04x-%04x%08x",
    math.random(0, 0xffffffff),
    math.random(0, 0xffff),
    math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff),
    math.random(0, 0xffff),
    math.random(0, 0xffffffff)
  )
end

function request()
  local i = next_index
  next_index = (i % #paths) + 1
  if mode ~= "order" then
    return prepared[i]
  end
  sent = sent + 1
  local direction = (sent % 2 == 0) and "BUY" or "SELL"
  return wrk.format("POST", paths[i], headers, string.format(body_format, uuid4(), direction))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %.0f, "duration_us": %.0f, "non_2xx": %.0f, "socket_errors": %.0f, '
      .. '"p50_us": %.0f, "p99_us": %.0f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)
  ))
end
