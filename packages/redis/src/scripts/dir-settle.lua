--[[
Finishes or rolls back a rename/drop: each (name, expected, replacement) triple is applied only
if the entry still holds `expected`; an empty replacement deletes. KEYS: directory.
→ number of entries changed
]]
local changed = 0
for i = 1, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    if ARGV[i + 2] == '' then
      redis.call('HDEL', KEYS[1], ARGV[i])
    else
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    end
    changed = changed + 1
  end
end
return changed
