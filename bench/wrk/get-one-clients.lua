-- GET one record by id as get-one.lua, each request from one of CLIENTS client
-- addresses (X-Forwarded-For, trusted by the benchmark's settings), picked at random:
-- many clients each sending a few requests per rate-limit window.
-- Usage: wrk ... -s get-one-clients.lua URL -- IDS_FILE CLIENTS
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local ids = {}
local clients = 1

function init(args)
  local path = args[1] or os.getenv("BENCH_IDS")
  local file = assert(io.open(path, "r"), "cannot open ids file " .. tostring(path))
  for line in file:lines() do
    if #line > 0 then ids[#ids + 1] = line end
  end
  file:close()
  assert(#ids > 0, "no ids in " .. path)
  clients = tonumber(args[2] or "1")
  math.randomseed(os.time())
end

function request()
  local n = math.random(clients)
  local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("GET", "/api/collections/posts/records/" .. ids[math.random(#ids)], { ["X-Forwarded-For"] = ip })
end
