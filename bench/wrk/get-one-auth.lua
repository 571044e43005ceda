-- GET one record by id, as get-one.lua, signed in: every request sends a user's
-- token, so the server resolves the signed-in record on each one.
-- Usage: wrk ... -s get-one-auth.lua URL -- IDS_FILE TOKEN_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local ids = {}
local headers = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open ids file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then ids[#ids + 1] = line end
  end
  file:close()
  assert(#ids > 0, "no ids in " .. args[1])
  local tokens = assert(io.open(args[2], "r"), "cannot open token file " .. tostring(args[2]))
  headers["Authorization"] = assert(tokens:read("*l"), "no token in " .. args[2])
  tokens:close()
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", "/api/collections/posts/records/" .. ids[math.random(#ids)], headers)
end
