--[[
Initialises a store's meta before its id is published in the directory (fields: src/layout.ts).
KEYS: meta. ARGV: name.
→ 'ok' (initialised now), 'same' (already this store's), 'taken' (another store's, or dropped).
]]
local m = redis.call('HMGET', KEYS[1], 'n', 'x')
if m[2] then return 'taken' end
if m[1] == ARGV[1] then return 'same' end
if m[1] then return 'taken' end
local t = redis.call('TIME')
local stamp = string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2]))
-- A new store: version, floor and epoch at the server's time in microseconds; its index is complete.
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'v', stamp, 'f', stamp, 'o', stamp, 'i', '1')
return 'ok'
