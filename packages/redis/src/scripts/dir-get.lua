--[[
Reads a directory entry with the server time. KEYS: directory. ARGV: name → {value or false, now}.
]]
local t = redis.call('TIME')
return { redis.call('HGET', KEYS[1], ARGV[1]), tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }
