-- GET one record by id, a different random seeded id per request (a primary
-- key lookup that the page cache mostly holds, not one hot row).
-- Usage: wrk ... -s get-one.lua URL -- IDS_FILE   (one id per line)
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local ids = {}

function init(args)
  local path = args[1] or os.getenv("BENCH_IDS")
  local file = assert(io.open(path, "r"), "cannot open ids file " .. tostring(path))
  for line in file:lines() do
    if #line > 0 then ids[#ids + 1] = line end
  end
  file:close()
  assert(#ids > 0, "no ids in " .. path)
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", "/api/collections/posts/records/" .. ids[math.random(#ids)])
end
