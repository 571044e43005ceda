-- A mixed load: of every 10 requests, 4 GET one record (2 as a guest, 2 signed in),
-- 3 list a page with totals (2 first pages as a guest, 1 the signed-in user's own),
-- 2 create a record, 1 update one.
-- Usage: wrk ... -s mixed.lua URL -- IDS_FILE TOKEN_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local ids = {}
local auth = {}
local json = { ["Content-Type"] = "application/json" }
local n = 0

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open ids file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then ids[#ids + 1] = line end
  end
  file:close()
  local tokens = assert(io.open(args[2], "r"), "cannot open token file " .. tostring(args[2]))
  auth["Authorization"] = assert(tokens:read("*l"), "no token")
  tokens:close()
  math.randomseed(os.time())
end

function request()
  n = n + 1
  local k = n % 10
  local id = ids[math.random(#ids)]
  if k < 2 then return wrk.format("GET", "/api/collections/posts/records/" .. id) end
  if k < 4 then return wrk.format("GET", "/api/collections/posts/records/" .. id, auth) end
  if k < 6 then return wrk.format("GET", "/api/collections/posts/records?page=" .. math.random(10) .. "&perPage=30") end
  if k < 7 then return wrk.format("GET", "/api/collections/posts/records?perPage=30", auth) end
  if k < 9 then return wrk.format("POST", "/api/collections/posts/records", json, string.format('{"title":"mixed %d","n":%d}', n, n)) end
  return wrk.format("PATCH", "/api/collections/posts/records/" .. id, json, string.format('{"title":"updated %d"}', n))
end
