--[[
Second step of a rename: renames the store in its own slot, which fences every cached id.
ARGV: from, '' (no epoch), from, to, lock deadline (server ms).
→ 'ok' | 'late' | 'stale'
]]
local from, to = ARGV[3], ARGV[4]
if now() >= tonumber(ARGV[5]) then return 'late' end
local m = redis.call('HMGET', S, F_NAME, F_DROPPED)
if m[2] then return 'stale' end
if not m[1] then
  local stamp = string.format('%.0f', MICROS)
  redis.call('HSET', S, F_NAME, to, F_VERSION, stamp, F_FLOOR, stamp, F_EPOCH, stamp, F_INDEXED, '1')
  return 'ok'
end
if m[1] ~= from then return 'stale' end
-- Readers of the old name must reload: the history before the rename is not the new name's.
local version = redis.call('HINCRBY', S, F_VERSION, 1)
redis.call('HSET', S, F_NAME, to, F_FLOOR, version)
return 'ok'
