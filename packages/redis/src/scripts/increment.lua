--[[
The one-step increment (the backend's `increment`), full version: it creates the store, reclaims
expired keys, answers a repeat from its token and brings back changes.
ARGV[3..]: init, maxKeys, token, tokenTtlMs, since, reclaimLimit, key, by (a safe integer).
Only a stored plain JSON integer is added to; anything else is declined untouched and the store
core takes its generic path.
→ {0} when not initialised (init '0'), {1, epoch, 'n'} when declined, else
{1, epoch, 'k', version, value text, changes?}; a retry with the same token is answered from the
first result.
]]
local init, max_keys, token, since_text = ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[7]
local key, by = ARGV[9], tonumber(ARGV[10])
local TOKEN = KEYS[7]

if token ~= '' then
  local earlier = redis.call('GET', TOKEN)
  if earlier then
    local space = string.find(earlier, ' ', 1, true)
    local reply = { 1, '', 'k', string.sub(earlier, 2, space - 1), string.sub(earlier, space + 1) }
    if since_text ~= '' and redis.call('HGET', S, F_NAME) == NAME and open('0') then
      reply[2] = META.epoch
      reply[6] = changes(since_text, META.version, META.floor)
    end
    return reply
  end
end

if not open(init) then return { 0 } end
local version, expiry = live(key)
-- A version without a value (the values deleted behind our back) counts as a missing key.
local stored = version and redis.call('HGET', V, key)
local current = 0
if stored then
  if #stored > 17 or not (stored == '0' or string.match(stored, '^%-?[1-9]%d*$')) then return { 1, META.epoch, 'n' } end
  current = tonumber(stored)
elseif max_keys and live_count() + 1 > max_keys then
  fail('DSLIMIT')
end
local sum = current + by
if sum > 9007199254740991 or sum < -9007199254740991 then return { 1, META.epoch, 'n' } end
local value = string.format('%.0f', sum)

-- Checks are done: from here on, write.
reclaim(tonumber(ARGV[8]))
local next_version = redis.call('HINCRBY', S, F_VERSION, 1)
redis.call('HSET', V, key, value)
if redis.call('ZADD', C, next_version, key) == 1 and META.indexed then redis.call('ZADD', I, 0, key) end
if META.tombs then redis.call('ZREM', D, key) end
-- The TTL survives; a key that was missing or expired starts without one.
if not stored then expiry = false end
if not expiry and META.earliest then redis.call('ZREM', E, key) end
if token ~= '' then
  redis.call('SET', TOKEN, 'i' .. string.format('%.0f', next_version) .. ' ' .. value, 'PX', ARGV[6])
end
local reply = { 1, META.epoch, 'k', next_version, value }
if since_text ~= '' then
  -- The incremented key is echoed: the caller does not know its value before the reply.
  reply[6] = changes(since_text, next_version, META.floor)
end
return reply
