--[[
Sets or removes the TTL of a live key (a write: the key gets a new version).
ARGV[3..]: reclaimLimit, ttl ('' for none, else milliseconds), key.
→ {0} when not initialised, else {1, epoch, 1 when the key was live, else 0}.
]]
if not open('0') then return { 0 } end
local key, ttl = ARGV[5], ARGV[4]
if not live(key) then return { 1, META.epoch, 0 } end
reclaim(tonumber(ARGV[3]))
local next_version = redis.call('HINCRBY', S, F_VERSION, 1)
redis.call('ZADD', C, next_version, key)
if ttl == '' then
  if META.earliest then redis.call('ZREM', E, key) end
else
  local at = now() + tonumber(ttl)
  redis.call('ZADD', E, at, key)
  if not META.earliest or at < META.earliest then redis.call('HSET', S, F_EARLIEST, at) end
end
return { 1, META.epoch, 1 }
