-- GET the first page of 30 records as a browser revalidating its cached copy:
-- after the first response, every request sends its ETag in If-None-Match. A server
-- with validators answers 304 (no query, no body) while nothing changed; one
-- without answers 200 with the whole page every time.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local etag = nil

function request()
  local headers = {}
  if etag then headers["If-None-Match"] = etag end
  return wrk.format("GET", "/api/collections/posts/records?page=1&perPage=30", headers)
end

function response(status, headers, body)
  local tag = headers["etag"] or headers["ETag"] or headers["Etag"]
  if tag then etag = tag end
end
