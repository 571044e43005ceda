-- The public list scenario (a random one of the first 10 pages of 30, with
-- totals) with `expand=author`: a single relation to a collection whose
-- viewRule is "", so each page also loads up to 30 related records (one query
-- for the page) and nests them under `expand`.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

math.randomseed(os.time())

function request()
  return wrk.format("GET", "/api/collections/posts/records?page=" .. math.random(10) .. "&perPage=30&expand=author")
end
