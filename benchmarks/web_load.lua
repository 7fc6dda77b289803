-- wrk's side of benchmarks/web_load.py: one wrk thread per client, each a closed loop (the next
-- request leaves when the last answer is read) over the mix in WEB_LOAD_MIX, picked at random.
-- wrk times all requests together; the latency of each kind of request is timed here, with the
-- monotonic clock, from the moment wrk asks for the request to the moment its answer is parsed.
-- WEB_LOAD_MIX: one request a line, "kind<TAB>path<TAB>header name<TAB>header value"; the header
-- value may hold {token}, replaced by the thread's own API token from WEB_LOAD_TOKENS (one a line).
local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } aisc_timespec;
int clock_gettime(int clk_id, aisc_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("aisc_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end

local function lines(name)
  local out = {}
  for line in io.lines(name) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local requests = {}
local current, started = nil, 0
-- Per thread, read back by done(): latencies in microseconds, which line of the mix, statuses.
latency, line_of, status_of = {}, {}, {}

function init(args)
  local tokens = lines(os.getenv("WEB_LOAD_TOKENS"))
  local token = tokens[(id % #tokens) + 1]
  math.randomseed(id + 1)
  for _, line in ipairs(lines(os.getenv("WEB_LOAD_MIX"))) do
    local path, header, value = line:match("^[^\t]+\t([^\t]+)\t([^\t]+)\t([^\t]*)$")
    local headers = { [header] = (value:gsub("{token}", token)) }
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
end

function request()
  current = math.random(#requests)
  started = now_us()
  return requests[current]
end

function response(status, headers, body)
  local n = #latency + 1
  latency[n] = now_us() - started
  line_of[n] = current
  status_of[n] = status
end

-- One JSON line a thread for web_load.py: [[line of the mix, status, microseconds], ...].
function done(summary, all_latency, all_requests)
  for _, thread in ipairs(threads) do
    local l, k, s = thread:get("latency"), thread:get("line_of"), thread:get("status_of")
    local parts = {}
    for i = 1, #l do
      parts[i] = string.format("[%d,%d,%.0f]", k[i], s[i], l[i])
    end
    io.write("WEB_LOAD ", "[", table.concat(parts, ","), "]\n")
  end
  io.write(string.format("WEB_LOAD_ERRORS %d %d %d %d\n", summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout))
end
