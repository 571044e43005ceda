-- POST /api/collections/users/auth-with-password: the email lookup and one
-- argon2id verify, then a token and the record. Each request takes the next
-- of the seeded users (emails, one per line, in the ids file), so no single
-- row is hot. login-wrong.lua and login-unknown.lua set `mode` first:
--   valid    the right password: 200 expected
--   wrong    a wrong password for a seeded user: 400 expected, same verify cost
--   unknown  an email that is not seeded: 400 expected, a verify against a dummy hash
-- For the 400 variants, any other status counts as an error.
-- Usage: wrk ... -s login.lua URL -- IDS_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

mode = mode or "valid"
local PASSWORD = "loginpassword123" -- seed.mjs and floor/common.mjs
local emails = {}
local n = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  local path = args[1] or os.getenv("BENCH_IDS")
  local file = assert(io.open(path, "r"), "cannot open ids file " .. tostring(path))
  for line in file:lines() do
    if #line > 0 then emails[#emails + 1] = line end
  end
  file:close()
  assert(#emails > 0, "no emails in " .. path)
  math.randomseed(os.time())
  n = math.random(#emails)
end

function request()
  n = n % #emails + 1
  local identity, password = emails[n], PASSWORD
  if mode == "wrong" then
    password = "wrongpassword123" -- same length
  elseif mode == "unknown" then
    identity = "unknown" .. n .. "@example.com"
  end
  return wrk.format("POST", "/api/collections/users/auth-with-password", headers,
    string.format('{"identity":"%s","password":"%s"}', identity, password))
end

if mode ~= "valid" then
  expect_status = 400 -- report.lua counts other statuses as errors
  unexpected = 0
  function response(status)
    if status ~= 400 then unexpected = unexpected + 1 end
  end
end
