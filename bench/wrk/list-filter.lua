-- GET a page of 30 records of a filtered list (n >= a threshold: about half the
-- rows), a random one of the first 10 pages, with its totals (COUNT behind them).
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

math.randomseed(os.time())

function request()
  return wrk.format("GET", "/api/collections/posts/records?page=" .. math.random(10) .. "&perPage=30&filter=" .. "n%3E%3D5000")
end
