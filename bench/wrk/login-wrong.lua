-- login.lua with a wrong password for a seeded user (400 expected).
mode = "wrong"
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "login.lua")
