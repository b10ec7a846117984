--[[
The common case of the increment, standalone (no prelude) and with as few calls as possible: an
initialised store where nothing has expired, a stored integer (or none), a sum within the safe
range and a token never seen; for a local view (since given), also a store nobody else wrote
since the view's version, under the epoch the view saw, so the only change to bring back is this
increment's own. Meta fields as in src/layout.ts.
KEYS: meta, values, versions, tombstones, expiries, index, token. ARGV: name, maxKeys, token,
tokenTtlMs, key, by, since ('' for none), epoch (the one the caller saw, '' for none).
→ {1, 'k', version, value text, expiry text ('' for none)}, or {1, 's'}: anything else (a
repeated token, a value to decline, a key past maxKeys, expired keys to reclaim, a new store, a
store without its index, writes by others since the view's version, an epoch the caller does not
hold) is the full script's to answer.
]]
local S, V, C = KEYS[1], KEYS[2], KEYS[3]
local m = redis.call('HMGET', S, 'n', 'x', 'e', 't', 'v', 'i', 'o')
if m[2] then return redis.error_reply('DSSTALE dropped') end
if not m[1] or m[6] ~= '1' then return { 1, 's' } end
if m[1] ~= ARGV[1] then return redis.error_reply('DSSTALE renamed') end
-- A view's version is the store's: nothing happened since that the view must learn.
if ARGV[7] ~= '' and (m[5] ~= ARGV[7] or m[7] ~= ARGV[8]) then return { 1, 's' } end
local key = ARGV[5]
-- Nothing has expired yet (else the full script reclaims first): the key is live when it has a
-- value, and its expiry, left untouched, survives.
if m[3] then
  local t = redis.call('TIME')
  if tonumber(m[3]) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return { 1, 's' } end
end
local stored = redis.call('HGET', V, key)
local current = 0
if stored then
  if #stored > 17 or not (stored == '0' or string.match(stored, '^%-?[1-9]%d*$')) then return { 1, 's' } end
  current = tonumber(stored)
elseif ARGV[2] ~= '' and redis.call('ZCARD', C) + 1 > tonumber(ARGV[2]) then
  return { 1, 's' }
end
local sum = current + tonumber(ARGV[6])
if sum > 9007199254740991 or sum < -9007199254740991 then return { 1, 's' } end
local value = string.format('%.0f', sum)
local version = string.format('%.0f', tonumber(m[5]) + 1)
-- The idempotency record goes first, only if the token is new: a repeat is answered by the full script.
if ARGV[3] ~= '' and not redis.call('SET', KEYS[7], 'i' .. version .. ' ' .. value, 'NX', 'PX', ARGV[4]) then
  return { 1, 's' }
end
redis.call('HSET', S, 'v', version)
redis.call('HSET', V, key, value)
if redis.call('ZADD', C, version, key) == 1 then redis.call('ZADD', KEYS[6], 0, key) end
if m[4] == '1' then redis.call('ZREM', KEYS[4], key) end
-- A view learns the key's expiry (kept by the increment) with its new value.
local expiry = ARGV[7] ~= '' and m[3] and redis.call('ZSCORE', KEYS[5], key)
return { 1, 'k', version, value, expiry or '' }
