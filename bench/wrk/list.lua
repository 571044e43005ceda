-- GET a page of 30 records, a random one of the first 10 pages: the list
-- query plus the COUNT(*) behind totalItems/totalPages, as PocketBase does it
-- unless the client asks for skipTotal.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

math.randomseed(os.time())

function request()
  return wrk.format("GET", "/api/collections/posts/records?page=" .. math.random(10) .. "&perPage=30")
end
