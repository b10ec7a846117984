--[[
Deletes every key. ARGV: name, epoch. → {0} when not initialised, else {1, epoch, version}.
]]
if not open('0') then return { 0 } end
if live_count() == 0 then return { 1, META.epoch, META.version } end
local cleared = redis.call('HINCRBY', S, F_VERSION, 1)
redis.call('UNLINK', V, C, D, E, I)
-- Tombstones are dropped wholesale: readers older than this version reload. An empty index is complete.
redis.call('HSET', S, F_FLOOR, cleared, F_INDEXED, '1')
redis.call('HDEL', S, F_EARLIEST, F_TOMBSTONES)
return { 1, META.epoch, cleared }
