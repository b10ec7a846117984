--[[
Deletes keys. ARGV[3..]: reclaimLimit, tombstoneLimit, keys...
→ {0} when not initialised, else {1, epoch, version, {1 when the key existed, else 0 ...}}.
]]
if not open('0') then return { 0 } end
local flags, removed, seen = {}, {}, {}
for i = 5, #ARGV do
  local key = ARGV[i]
  -- A key named twice existed only for its first deletion.
  local existed = not seen[key] and live(key) ~= nil
  seen[key] = true
  flags[#flags + 1] = existed and 1 or 0
  if existed then removed[#removed + 1] = key end
end
if #removed == 0 then return { 1, META.epoch, META.version, flags } end
reclaim(tonumber(ARGV[3]))
local next_version = redis.call('HINCRBY', S, F_VERSION, 1)
batched('HDEL', V, removed)
batched('ZREM', C, removed)
unindex(removed)
if META.earliest then batched('ZREM', E, removed) end
bury(next_version, removed, tonumber(ARGV[4]))
return { 1, META.epoch, next_version, flags }
