-- POST a new record with a small JSON body: parsing, id and timestamps, one
-- INSERT (one write transaction) and the record sent back.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local n = 0
local headers = { ["Content-Type"] = "application/json" }

function request()
  n = n + 1
  return wrk.format("POST", "/api/collections/posts/records", headers,
    string.format('{"title":"bench post %d","n":%d}', n, n))
end
