--[[
Second step of a drop: frees the data (UNLINK: O(1) here, freed in a background thread) and
leaves a short-lived marker so cached ids cannot re-create the store.
ARGV: name, '' (no epoch), lock deadline (server ms), marker TTL (ms).
→ 'ok' | 'late' | 'stale'
]]
if now() >= tonumber(ARGV[3]) then return 'late' end
local m = redis.call('HMGET', S, F_NAME, F_DROPPED)
if m[2] then return 'ok' end
if m[1] and m[1] ~= NAME then return 'stale' end
redis.call('UNLINK', S, V, C, D, E, I)
redis.call('HSET', S, F_DROPPED, '1')
redis.call('PEXPIRE', S, ARGV[4])
return 'ok'
