--[[
The plain write of one key (the backend's `set`), standalone (no prelude) and with as few calls as
possible. It answers the common case: an initialised, indexed store where nothing has expired,
no 'keep the TTL', and room under maxKeys. Meta fields as in src/layout.ts.
KEYS: meta, values, versions, tombstones, expiries, index. ARGV: name, key, value, ttl ('' for
none, else milliseconds), maxKeys ('' for none).
→ {1, version}, or {0}: anything else is the commit script's to answer.
]]
local S = KEYS[1]
local m = redis.call('HMGET', S, 'n', 'x', 'e', 't', 'v', 'i')
if m[2] then return redis.error_reply('DSSTALE dropped') end
if not m[1] or m[6] ~= '1' then return { 0 } end
if m[1] ~= ARGV[1] then return redis.error_reply('DSSTALE renamed') end
local key, ttl = ARGV[2], ARGV[4]
local now
if m[3] or ttl ~= '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  -- Expired keys wait to be reclaimed: the commit script does that first.
  if m[3] and tonumber(m[3]) <= now then return { 0 } end
end
if ARGV[5] ~= '' and redis.call('ZCARD', KEYS[3]) + 1 > tonumber(ARGV[5]) and not redis.call('ZSCORE', KEYS[3], key) then
  return { 0 }
end
local version = string.format('%.0f', tonumber(m[5]) + 1)
redis.call('HSET', S, 'v', version)
redis.call('HSET', KEYS[2], key, ARGV[3])
-- The index holds the same members as the versions set: it changes only for a new key.
if redis.call('ZADD', KEYS[3], version, key) == 1 then redis.call('ZADD', KEYS[6], 0, key) end
if m[4] == '1' then redis.call('ZREM', KEYS[4], key) end
if ttl ~= '' then
  local at = now + tonumber(ttl)
  redis.call('ZADD', KEYS[5], at, key)
  if not m[3] or at < tonumber(m[3]) then redis.call('HSET', S, 'e', at) end
elseif m[3] then
  redis.call('ZREM', KEYS[5], key)
end
return { 1, version }
