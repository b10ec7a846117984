--[[
Prepended to every store script. Layout and meta fields: src/layout.ts (the one place that
documents them).

KEYS: meta, values, versions, tombstones, expiries, index (then the token key for commit and
increment). ARGV[1]: the store name, checked against the meta (a rename or drop by another process
makes a cached id stale). ARGV[2]: the store epoch the caller last saw ('' when it holds none): a
store whose meta vanished or carries another epoch was reset behind the caller's back (server
restarted empty, keys deleted by another client), and the script refuses with DSEPOCH.

Expiry is filtered with the server's TIME on every read path. Write scripts check everything
before their first write: Redis has no rollback.

Number hygiene: Lua 5.1 turns numbers into strings with 14 significant digits, and versions have
16, so a number is never concatenated; versions travel as the strings Redis gives us, or as
integer replies, or through string.format('%.0f').
]]
local S, V, C, D, E, I = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local NAME, SEEN_EPOCH = ARGV[1], ARGV[2]

-- Meta hash fields, by readable name. The stored names stay short and stable: stores written by
-- earlier versions of this package use them.
local F_NAME, F_VERSION, F_FLOOR, F_DROPPED = 'n', 'v', 'f', 'x'
local F_EARLIEST, F_TOMBSTONES, F_INDEXED, F_EPOCH = 'e', 't', 'i', 'o'

local function fail(message)
  error({ err = message })
end

-- Server time in epoch milliseconds, read once per script and only when needed.
local NOW, MICROS
local function now()
  if not NOW then
    local t = redis.call('TIME')
    NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    MICROS = tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  return NOW
end

-- Calls a variadic command over a long list of arguments, a bounded number at a time.
local function batched(command, key, list)
  local step = 1000
  for i = 1, #list, step do
    redis.call(command, key, unpack(list, i, math.min(i + step - 1, #list)))
  end
end

-- Like batched, summing the integer replies (e.g. how many members ZADD added).
local function batched_sum(command, key, list)
  local sum = 0
  for i = 1, #list, 1000 do
    sum = sum + redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
  end
  return sum
end

-- {0, key, 0, key, ...}: index members for ZADD.
local function index_members(keys)
  local out = {}
  for _, key in ipairs(keys) do
    out[#out + 1] = 0
    out[#out + 1] = key
  end
  return out
end

-- The store's meta (nil when never initialised): version, changes floor, a lower bound of the
-- earliest expiry (nil: no key expires, so reads skip every expiry lookup), whether tombstones may
-- exist, whether the key index is complete, and the epoch. A store starts at the server's time in
-- microseconds (its first version and its epoch), so a dropped and re-created store never reuses
-- a version or an epoch a reader may still hold.
local META
local function open(init)
  local m = redis.call('HMGET', S, F_NAME, F_VERSION, F_FLOOR, F_DROPPED, F_EARLIEST, F_TOMBSTONES, F_INDEXED, F_EPOCH)
  if m[4] then fail('DSSTALE dropped') end
  if not m[1] then
    if SEEN_EPOCH ~= '' then fail('DSEPOCH') end
    if init ~= '1' then return nil end
    now()
    local stamp = string.format('%.0f', MICROS)
    redis.call('HSET', S, F_NAME, NAME, F_VERSION, stamp, F_FLOOR, stamp, F_INDEXED, '1', F_EPOCH, stamp)
    META = { version = MICROS, floor = MICROS, earliest = nil, tombs = false, indexed = true, epoch = stamp }
    return META
  end
  if m[1] ~= NAME then fail('DSSTALE renamed') end
  local epoch = m[8]
  if not epoch then
    -- A store from before epochs: its current version becomes its epoch, once.
    epoch = m[2]
    redis.call('HSET', S, F_EPOCH, epoch)
  end
  if SEEN_EPOCH ~= '' and SEEN_EPOCH ~= epoch then fail('DSEPOCH') end
  META = {
    version = tonumber(m[2]),
    floor = tonumber(m[3]),
    earliest = m[5] and tonumber(m[5]),
    tombs = m[6] == '1',
    indexed = m[7] == '1',
    epoch = epoch,
  }
  return META
end

-- Builds the key index of a store created before it existed, once, in one step: a copy of the
-- versions set's members (live keys and expired ones not yet reclaimed, exactly like the index).
-- An index whose size differs from the versions set's (keys written by a process running an older
-- version of this package, which does not keep it) is rebuilt the same way.
local function ensure_index()
  if META.indexed and redis.call('ZCARD', I) == redis.call('ZCARD', C) then return end
  redis.call('ZUNIONSTORE', I, 1, C, 'WEIGHTS', 0)
  if not META.indexed then
    redis.call('HSET', S, F_INDEXED, '1')
    META.indexed = true
  end
end

-- ZMSCORE over a long list of members, a bounded number at a time; false where a member is missing.
local function scores(zset, members)
  local out = {}
  for i = 1, #members, 1000 do
    local part = redis.call('ZMSCORE', zset, unpack(members, i, math.min(i + 999, #members)))
    for j = 1, math.min(1000, #members - i + 1) do out[#out + 1] = part[j] or false end
  end
  return out
end

-- HMGET over a long list of fields, a bounded number at a time.
local function values_of(fields)
  local out = {}
  for i = 1, #fields, 1000 do
    local part = redis.call('HMGET', V, unpack(fields, i, math.min(i + 999, #fields)))
    for j = 1, math.min(1000, #fields - i + 1) do out[#out + 1] = part[j] or false end
  end
  return out
end

-- The version and expiry (strings; expiry false when none) of a live key, or nil.
local function live(key)
  local version = redis.call('ZSCORE', C, key)
  if not version then return nil end
  if not META.earliest then return version, false end
  local expiry = redis.call('ZSCORE', E, key)
  if expiry and tonumber(expiry) <= now() then return nil end
  return version, expiry or false
end

local function none_expired()
  return not META.earliest or META.earliest > now()
end

local function live_count()
  local total = redis.call('ZCARD', C)
  if total == 0 or none_expired() then return total end
  return total - redis.call('ZCOUNT', E, '-inf', now())
end

-- Removes keys from the index (when it is kept).
local function unindex(keys)
  if META.indexed then batched('ZREM', I, keys) end
end

-- Reclaims the space of up to limit expired keys (tombstones at the current version), then
-- records the earliest expiry left.
local function reclaim(limit)
  if none_expired() then return end
  local keys = redis.call('ZRANGEBYSCORE', E, '-inf', now(), 'LIMIT', 0, limit)
  if #keys > 0 then
    batched('HDEL', V, keys)
    batched('ZREM', C, keys)
    batched('ZREM', E, keys)
    unindex(keys)
    local tombs = {}
    for _, key in ipairs(keys) do
      tombs[#tombs + 1] = META.version
      tombs[#tombs + 1] = key
    end
    batched('ZADD', D, tombs)
    META.tombs = true
    redis.call('HSET', S, F_TOMBSTONES, '1')
  end
  local first = redis.call('ZRANGE', E, 0, 0, 'WITHSCORES')
  if first[2] then
    META.earliest = tonumber(first[2])
    redis.call('HSET', S, F_EARLIEST, first[2])
  else
    META.earliest = nil
    redis.call('HDEL', S, F_EARLIEST)
  end
end

-- Keeps the tombstones bounded; forgotten ones raise the floor below which changes() answers reset.
local function trim(limit)
  local count = redis.call('ZCARD', D)
  if count <= limit then return end
  local popped = redis.call('ZPOPMIN', D, count - math.floor(limit / 2))
  local highest = popped[#popped]
  if tonumber(highest) > META.floor then
    redis.call('HSET', S, F_FLOOR, highest)
    META.floor = tonumber(highest)
  end
end

-- Records deletions: tombstones at a version, bounded by limit.
local function bury(version, keys, limit)
  if #keys == 0 then return end
  local tombs = {}
  for _, key in ipairs(keys) do
    tombs[#tombs + 1] = version
    tombs[#tombs + 1] = key
  end
  batched('ZADD', D, tombs)
  if not META.tombs then redis.call('HSET', S, F_TOMBSTONES, '1') end
  META.tombs = true
  trim(limit)
end

-- A number as exact text (Lua's own tostring keeps only 14 digits).
local function text(value)
  if type(value) == 'number' then return string.format('%.17g', value) end
  return value
end

-- What changed since a version: {reset, version, {key, value, version, expiry, ...}, {deleted...}}.
-- own: given by a commit, its own writes at `version` ({key, value, version, expiry, ...} for the
-- ones the caller cannot know, e.g. an expiry set by the server); every other key written at that
-- version is left out of the answer (the caller adds it from its own request: no echo).
local function changes(since_text, version, floor, own)
  local since = tonumber(since_text)
  -- Since 0 (a reader holding nothing), the live entries alone are the whole answer.
  if (since ~= 0 and since < floor) or since > version then return { 1, version, {}, {} } end
  local entries, deleted = {}, {}
  if since < version then
    local upper = own and '(' .. string.format('%.0f', version) or '+inf'
    local written = redis.call('ZRANGEBYSCORE', C, '(' .. since_text, upper, 'WITHSCORES')
    for i = 1, #written, 2 do
      local key = written[i]
      local expiry = META.earliest and redis.call('ZSCORE', E, key)
      if not expiry or tonumber(expiry) > now() then
        local value = redis.call('HGET', V, key)
        if value then
          entries[#entries + 1] = key
          entries[#entries + 1] = value
          entries[#entries + 1] = written[i + 1]
          entries[#entries + 1] = expiry and text(expiry) or ''
        end
      end
    end
    if own then
      for i = 1, #own do entries[#entries + 1] = own[i] end
    end
    if META.tombs then deleted = redis.call('ZRANGEBYSCORE', D, '(' .. since_text, '+inf') end
  end
  return { 0, version, entries, deleted }
end
