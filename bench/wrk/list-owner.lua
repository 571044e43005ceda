-- The list scenario (a random one of the first 10 pages of 30, with totals)
-- as a signed-in user, on a collection whose listRule is
-- `owner = @request.auth.id`: token verification plus the rule's WHERE in
-- both the page query and the COUNT(*). The signed-in user owns one seeded
-- post in a hundred (seed.mjs --rules): 1,000 of 100,000, read through the
-- owner index.
-- Usage: wrk ... -s list-owner.lua URL -- IDS_FILE TOKEN_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local headers = {}

function init(args)
  local path = args[2] or os.getenv("BENCH_TOKEN")
  local file = assert(io.open(path, "r"), "cannot open token file " .. tostring(path))
  headers["Authorization"] = assert(file:read("*l"), "no token in " .. path)
  file:close()
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", "/api/collections/posts/records?page=" .. math.random(10) .. "&perPage=30", headers)
end
