/*
 * The Lua scripts. Every store script takes the store's five keys (meta, values, versions,
 * tombstones, expiries; see layout.ts) and the store name as ARGV[1], and first checks that the
 * id still belongs to that name (a rename or drop by another process makes a cached id stale).
 * Expiry is filtered with the server's TIME on every read path. Write scripts check everything
 * before their first write: Redis has no rollback.
 *
 * Number hygiene: Lua 5.1 turns numbers into strings with 14 significant digits, and versions have
 * 16, so a number is never concatenated; versions travel as the strings Redis gives us, or as
 * integer replies, or through string.format('%.0f').
 */

const PRELUDE = `
local S, V, C, D, E = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local NAME = ARGV[1]

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

-- The store's meta: version, changes floor, a lower bound of the earliest expiry (nil: no key
-- expires, so reads skip every expiry lookup) and whether tombstones may exist. nil when the store
-- was never initialised. A store starts at the server's time in microseconds, so a dropped and
-- re-created store never reuses a version a reader may still hold.
local META
local function open(init)
  local m = redis.call('HMGET', S, 'n', 'v', 'f', 'x', 'e', 't')
  if m[4] then fail('DSSTALE dropped') end
  if not m[1] then
    if init ~= '1' then return nil end
    now()
    redis.call('HSET', S, 'n', NAME, 'v', MICROS, 'f', MICROS)
    META = { version = MICROS, floor = MICROS, earliest = nil, tombs = false }
    return META
  end
  if m[1] ~= NAME then fail('DSSTALE renamed') end
  META = { version = tonumber(m[2]), floor = tonumber(m[3]), earliest = m[5] and tonumber(m[5]), tombs = m[6] == '1' }
  return META
end

-- Calls a variadic command over a long list of arguments, a bounded number at a time.
local function batched(command, key, list)
  local step = 1000
  for i = 1, #list, step do
    redis.call(command, key, unpack(list, i, math.min(i + step - 1, #list)))
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

-- Reclaims the space of up to limit expired keys (tombstones at the current version), then
-- records the earliest expiry left.
local function reclaim(limit)
  if none_expired() then return end
  local keys = redis.call('ZRANGEBYSCORE', E, '-inf', now(), 'LIMIT', 0, limit)
  if #keys > 0 then
    batched('HDEL', V, keys)
    batched('ZREM', C, keys)
    batched('ZREM', E, keys)
    local tombs = {}
    for _, key in ipairs(keys) do
      tombs[#tombs + 1] = META.version
      tombs[#tombs + 1] = key
    end
    batched('ZADD', D, tombs)
    META.tombs = true
    redis.call('HSET', S, 't', '1')
  end
  local first = redis.call('ZRANGE', E, 0, 0, 'WITHSCORES')
  if first[2] then
    META.earliest = tonumber(first[2])
    redis.call('HSET', S, 'e', first[2])
  else
    META.earliest = nil
    redis.call('HDEL', S, 'e')
  end
end

-- Keeps the tombstones bounded; forgotten ones raise the floor below which changes() answers reset.
local function trim(limit)
  local count = redis.call('ZCARD', D)
  if count <= limit then return end
  local popped = redis.call('ZPOPMIN', D, count - math.floor(limit / 2))
  local highest = popped[#popped]
  if tonumber(highest) > tonumber(redis.call('HGET', S, 'f')) then
    redis.call('HSET', S, 'f', highest)
  end
end

-- A number as exact text (Lua's own tostring keeps only 14 digits).
local function text(value)
  if type(value) == 'number' then return string.format('%.17g', value) end
  return value
end

-- What changed since a version: {reset, version, {key, value, version, expiry, ...}, {deleted...}}.
-- known: the keys this script just wrote, whose entries need no lookup.
local function changes(since_text, version, floor, known)
  local since = tonumber(since_text)
  -- Since 0 (a reader holding nothing), the live entries alone are the whole answer.
  if (since ~= 0 and since < floor) or since > version then return { 1, version, {}, {} } end
  local entries, deleted = {}, {}
  if since < version then
    local written = redis.call('ZRANGEBYSCORE', C, '(' .. since_text, '+inf', 'WITHSCORES')
    for i = 1, #written, 2 do
      local key = written[i]
      local mine = known and known[key]
      local value, expiry
      if mine and mine.op == 's' then
        value, expiry = mine.value, mine.expiry
      else
        expiry = META.earliest and redis.call('ZSCORE', E, key)
      end
      if not expiry or tonumber(expiry) > now() then
        entries[#entries + 1] = key
        entries[#entries + 1] = value or redis.call('HGET', V, key)
        entries[#entries + 1] = written[i + 1]
        entries[#entries + 1] = expiry and text(expiry) or ''
      end
    end
    if META.tombs then deleted = redis.call('ZRANGEBYSCORE', D, '(' .. since_text, '+inf') end
  end
  return { 0, version, entries, deleted }
end
`;

/**
 * Reads keys: the hottest script, so it stands alone (no prelude: defining the shared helpers
 * costs more than this script's own work). ARGV: name, values ('1' with values, '0' existence
 * only), keys... → {0} when the store is not initialised, else {1, now, [value, version, expiry]
 * per key} (now is 0 when no key of the store expires: nobody needs it then).
 */
const READ = `
local m = redis.call('HMGET', KEYS[1], 'n', 'x', 'e')
if m[2] then return redis.error_reply('DSSTALE dropped') end
if not m[1] then return { 0 } end
if m[1] ~= ARGV[1] then return redis.error_reply('DSSTALE renamed') end
local timed = m[3]
local now = 0
if timed then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local with_values = ARGV[2] == '1'
local out = { 1, now }
for i = 3, #ARGV do
  local key = ARGV[i]
  local version = redis.call('ZSCORE', KEYS[3], key)
  local expiry = false
  if version and timed then
    expiry = redis.call('ZSCORE', KEYS[5], key)
    if expiry and tonumber(expiry) <= now then version = false end
  end
  if version then
    out[#out + 1] = with_values and redis.call('HGET', KEYS[2], key) or ''
    out[#out + 1] = version
    out[#out + 1] = expiry or ''
  else
    out[#out + 1] = false
    out[#out + 1] = false
    out[#out + 1] = false
  end
end
return out
`;

/**
 * Every write. ARGV: name, init, mode, maxKeys, token, tokenTtlMs, since, reclaimLimit,
 * tombstoneLimit, checkCount, [key, version]*, then [op, key, value, ttl]* where op is s(et),
 * d(elete) or t(tl) and ttl is '' (none), 'k' (keep the current expiry) or milliseconds.
 * Modes: set, del, ttl, clear, commit. → {0} when not initialised (and init is '0'), else
 *   set {1, version} · del {1, version, {flag...}} · ttl {1, flag} · clear {1, version}
 *   commit {1, 'k', version, changes?} or {1, 'c', {conflicting keys}}
 */
const WRITE = `
local mode, token, since_text = ARGV[3], ARGV[5], ARGV[7]
local max_keys = tonumber(ARGV[4])

-- An idempotent commit that already ran is answered from its first result, before anything else.
if token ~= '' then
  local earlier = redis.call('GET', KEYS[6])
  if earlier then
    if string.sub(earlier, 1, 1) == 'c' then return { 1, 'c', cjson.decode(string.sub(earlier, 2)) } end
    local reply = { 1, 'k', string.sub(earlier, 2) }
    if since_text ~= '' and redis.call('HGET', S, 'n') == NAME and open('0') then
      reply[4] = changes(since_text, META.version, META.floor)
    end
    return reply
  end
end

if not open(ARGV[2]) then return { 0 } end
local version = META.version

if mode == 'clear' then
  if live_count() == 0 then return { 1, version } end
  local cleared = redis.call('HINCRBY', S, 'v', 1)
  redis.call('UNLINK', V, C, D, E)
  -- Tombstones are dropped wholesale: readers older than this version reload.
  redis.call('HSET', S, 'f', cleared)
  redis.call('HDEL', S, 'e', 't')
  return { 1, cleared }
end

local pos = 11
local conflicts = {}
for _ = 1, tonumber(ARGV[10]) do
  local key, expected = ARGV[pos], ARGV[pos + 1]
  pos = pos + 2
  local ver = live(key)
  if expected == '' then
    if ver then conflicts[#conflicts + 1] = key end
  elseif not ver or tonumber(ver) ~= tonumber(expected) then
    conflicts[#conflicts + 1] = key
  end
end
if #conflicts > 0 then
  if token ~= '' then redis.call('SET', KEYS[6], 'c' .. cjson.encode(conflicts), 'PX', ARGV[6]) end
  return { 1, 'c', conflicts }
end

-- Replays the writes on the current state, key by key, so the last write of a key wins and
-- 'keep the TTL' sees earlier writes of the same commit; nothing is written yet. A key's current
-- state is looked up only when an op needs it: a plain set does not care what was there.
local final, order, flags = {}, {}, {}
local any_live = false
local function load(state, key)
  if state.loaded then return end
  local ver, expiry = live(key)
  state.loaded, state.was = true, ver ~= nil
  if not state.known then
    state.known, state.present, state.expiry = true, ver ~= nil, expiry or false
  end
end
while pos <= #ARGV do
  local op, key, value, ttl = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3]
  pos = pos + 4
  local state = final[key]
  if state == nil then
    state = { loaded = false, known = false }
    final[key] = state
    order[#order + 1] = key
  end
  if op == 'd' then
    load(state, key)
    flags[#flags + 1] = state.present and 1 or 0
    if state.present then any_live = true end
    state.present, state.op = false, 'd'
  elseif op == 's' then
    local expiry = false
    if ttl == 'k' then
      load(state, key)
      if state.present then expiry = state.expiry end
    elseif ttl ~= '' then
      expiry = now() + tonumber(ttl)
    end
    state.known, state.present, state.op, state.value, state.expiry = true, true, 's', value, expiry
    state.touched = true
  elseif op == 't' then
    load(state, key)
    if not state.present then return { 1, 0 } end
    state.op = 't'
    state.expiry = ttl ~= '' and now() + tonumber(ttl) or false
  end
end

if mode == 'del' and not any_live then return { 1, version, flags } end

if max_keys then
  -- Net new keys; keys set without a look at their past count as new until the bound says otherwise.
  local added, unknown = 0, {}
  for _, key in ipairs(order) do
    local state = final[key]
    if not state.loaded then
      if state.present then unknown[#unknown + 1] = key end
    else
      if state.present and not state.was then added = added + 1 end
      if state.was and not state.present then added = added - 1 end
    end
  end
  if added + #unknown > 0 then
    local count = live_count()
    if count + added + #unknown > max_keys then
      for _, key in ipairs(unknown) do
        if not live(key) then added = added + 1 end
      end
      if added > 0 and count + added > max_keys then fail('DSLIMIT') end
    end
  end
end
-- Checks are done: from here on, write.
reclaim(tonumber(ARGV[8]))
local next_version = redis.call('HINCRBY', S, 'v', 1)
local hset, versions, unstamp, expiring, unexpire, removed, tombs = {}, {}, {}, {}, {}, {}, {}
local earliest = META.earliest
for _, key in ipairs(order) do
  local state = final[key]
  if state.op == 's' or state.op == 't' then
    if state.op == 's' then
      hset[#hset + 1] = key
      hset[#hset + 1] = state.value
    end
    versions[#versions + 1] = next_version
    versions[#versions + 1] = key
    unstamp[#unstamp + 1] = key
    if state.expiry then
      local at = tonumber(state.expiry)
      expiring[#expiring + 1] = at
      expiring[#expiring + 1] = key
      if not earliest or at < earliest then earliest = at end
    else
      unexpire[#unexpire + 1] = key
    end
  elseif state.op == 'd' then
    removed[#removed + 1] = key
    -- A tombstone when the key existed at any point: before, or set earlier in this commit.
    if state.was or state.touched then
      tombs[#tombs + 1] = next_version
      tombs[#tombs + 1] = key
    end
  end
end
batched('HSET', V, hset)
batched('ZADD', C, versions)
if META.tombs then batched('ZREM', D, unstamp) end
batched('ZADD', E, expiring)
if META.earliest then batched('ZREM', E, unexpire) end
batched('HDEL', V, removed)
batched('ZREM', C, removed)
if META.earliest then batched('ZREM', E, removed) end
if earliest ~= META.earliest then
  -- Only ever lowered here, so it stays a lower bound of every expiry in the store.
  redis.call('HSET', S, 'e', earliest)
  META.earliest = earliest
end
if #tombs > 0 then
  batched('ZADD', D, tombs)
  if not META.tombs then redis.call('HSET', S, 't', '1') end
  META.tombs = true
  trim(tonumber(ARGV[9]))
end

if mode == 'set' then return { 1, next_version } end
if mode == 'del' then return { 1, next_version, flags } end
if mode == 'ttl' then return { 1, 1 } end
if token ~= '' then
  redis.call('SET', KEYS[6], 'k' .. string.format('%.0f', next_version), 'PX', ARGV[6])
end
local reply = { 1, 'k', next_version }
if since_text ~= '' then
  reply[4] = changes(since_text, next_version, tonumber(redis.call('HGET', S, 'f')), final)
end
return reply
`;

/** Counts live keys. ARGV: name → {0} or {1, count}. */
const COUNT = `
if not open('0') then return { 0 } end
return { 1, live_count() }
`;

/**
 * One page of a listing. ARGV: name, scanCursor, hasAfter ('1'/'0'), afterKey, pattern, count,
 * limit, values ('1'/'0'). A HSCAN batch is sorted and cut at limit; the next call re-reads the
 * same batch and skips keys up to afterKey, so a page never exceeds limit.
 * → {0} or {1, nextScanCursor, more (1 when cut), lastKey, {key[, value, version, expiry]...}}
 */
const LIST = `
if not open('0') then return { 0 } end
local args = { V, ARGV[2] }
if ARGV[5] ~= '' then
  args[#args + 1] = 'MATCH'
  args[#args + 1] = ARGV[5]
end
args[#args + 1] = 'COUNT'
args[#args + 1] = ARGV[6]
local page = redis.call('HSCAN', unpack(args))
local has_after, after = ARGV[3] == '1', ARGV[4]
local keys, values = {}, {}
local fields = page[2]
for i = 1, #fields, 2 do
  local key = fields[i]
  if values[key] == nil and (not has_after or key > after) then
    keys[#keys + 1] = key
    values[key] = fields[i + 1]
  end
end
table.sort(keys)
local limit, with_values = tonumber(ARGV[7]), ARGV[8] == '1'
-- Versions and expiries of the whole batch in one call each (not one call per key); keys alone
-- need neither when nothing in the store expires.
local stamps, deadlines = {}, {}
if #keys > 0 and (with_values or META.earliest) then
  stamps = scores(C, keys)
  if META.earliest then deadlines = scores(E, keys) end
end
local out, taken, more, last = {}, 0, 0, ''
for i, key in ipairs(keys) do
  local ver, expiry = true, false
  if with_values or META.earliest then ver, expiry = stamps[i], deadlines[i] or false end
  if expiry and tonumber(expiry) <= now() then ver = false end
  if ver then
    if taken == limit then
      more = 1
      break
    end
    out[#out + 1] = key
    if with_values then
      out[#out + 1] = values[key]
      out[#out + 1] = ver
      out[#out + 1] = expiry or ''
    end
    taken = taken + 1
    last = key
  end
end
return { 1, page[1], more, last, out }
`;

/**
 * A consistent image of the store or of some keys/prefixes, in one script. ARGV: name, filtered
 * ('1'/'0'), keyCount, keys..., then glob patterns of the prefixes, then the HSCAN count.
 * → {0} or {1, version, {key, value, ...}, "v1,v2,...", "x1,x2,..." or ""}: versions and expiries
 * (empty for none) travel packed in one string each, so a large load costs little more than HGETALL.
 */
const LOAD = `
if not open('0') then return { 0 } end
local out, versions, expiries = {}, {}, {}
local function emit(key, value, ver, expiry)
  out[#out + 1] = key
  out[#out + 1] = value
  versions[#versions + 1] = ver
  expiries[#expiries + 1] = expiry or ''
end
local function reply()
  return { 1, META.version, out, table.concat(versions, ','), META.earliest and table.concat(expiries, ',') or '' }
end
if ARGV[2] ~= '1' then
  local values = redis.call('HGETALL', V)
  local stamps = {}
  local v = redis.call('ZRANGE', C, 0, -1, 'WITHSCORES')
  for i = 1, #v, 2 do stamps[v[i]] = v[i + 1] end
  if not META.earliest then
    -- Nothing expires: the HGETALL reply goes back as it is.
    for i = 1, #values, 2 do versions[#versions + 1] = stamps[values[i]] or '0' end
    out = values
    return reply()
  end
  local deadlines = {}
  local x = redis.call('ZRANGE', E, 0, -1, 'WITHSCORES')
  for i = 1, #x, 2 do deadlines[x[i]] = x[i + 1] end
  local cutoff = now()
  for i = 1, #values, 2 do
    local key = values[i]
    local expiry = deadlines[key]
    if not expiry or tonumber(expiry) > cutoff then emit(key, values[i + 1], stamps[key] or '0', expiry) end
  end
  return reply()
end
local seen = {}
for i = 4, 3 + tonumber(ARGV[3]) do
  local key = ARGV[i]
  if not seen[key] then
    seen[key] = true
    local ver, expiry = live(key)
    if ver then emit(key, redis.call('HGET', V, key), ver, expiry) end
  end
end
for i = 4 + tonumber(ARGV[3]), #ARGV - 1 do
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', V, cursor, 'MATCH', ARGV[i], 'COUNT', ARGV[#ARGV])
    cursor = page[1]
    local fields = page[2]
    for j = 1, #fields, 2 do
      local key = fields[j]
      if not seen[key] then
        seen[key] = true
        local ver, expiry = live(key)
        if ver then emit(key, fields[j + 1], ver, expiry) end
      end
    end
  until cursor == '0'
end
return reply()
`;

/** Changes since a version. ARGV: name, since → {0} or {1, {reset, version, entries, deleted}}. */
const CHANGES = `
if not open('0') then return { 0 } end
return { 1, changes(ARGV[2], META.version, META.floor) }
`;

/**
 * Initialises a store's meta before its id is published in the directory. KEYS: meta. ARGV: name.
 * → 'ok' (initialised now), 'same' (already this store's), 'taken' (another store's, or dropped).
 */
const INIT = `
local m = redis.call('HMGET', KEYS[1], 'n', 'x')
if m[2] then return 'taken' end
if m[1] == ARGV[1] then return 'same' end
if m[1] then return 'taken' end
local t = redis.call('TIME')
local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'v', micros, 'f', micros)
return 'ok'
`;

/**
 * Second step of a rename: renames the store in its own slot, which fences every cached id.
 * ARGV: from, to, lock deadline (server ms). → 'ok' | 'late' | 'stale'
 */
const RENAME_META = `
if now() >= tonumber(ARGV[3]) then return 'late' end
local m = redis.call('HMGET', S, 'n', 'x')
if m[2] then return 'stale' end
if not m[1] then
  redis.call('HSET', S, 'n', ARGV[2], 'v', MICROS, 'f', MICROS)
  return 'ok'
end
if m[1] ~= ARGV[1] then return 'stale' end
-- Readers of the old name must reload: the history before the rename is not the new name's.
local version = redis.call('HINCRBY', S, 'v', 1)
redis.call('HSET', S, 'n', ARGV[2], 'f', version)
return 'ok'
`;

/**
 * Second step of a drop: frees the data (UNLINK: O(1) here, freed in a background thread) and
 * leaves a short-lived marker so cached ids cannot re-create the store.
 * ARGV: name, lock deadline (server ms), marker TTL (ms). → 'ok' | 'late' | 'stale'
 */
const DROP_META = `
if now() >= tonumber(ARGV[2]) then return 'late' end
local m = redis.call('HMGET', S, 'n', 'x')
if m[2] then return 'ok' end
if m[1] and m[1] ~= ARGV[1] then return 'stale' end
redis.call('UNLINK', S, V, C, D, E)
redis.call('HSET', S, 'x', '1')
redis.call('PEXPIRE', S, ARGV[3])
return 'ok'
`;

/** Reads a directory entry with the server time. ARGV: name → {value or false, now}. */
const DIR_GET = `
local t = redis.call('TIME')
return { redis.call('HGET', KEYS[1], ARGV[1]), tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }
`;

/** Publishes a store id unless the name exists. ARGV: name, id → {created (1/0), current value}. */
const DIR_CREATE = `
local created = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return { created, redis.call('HGET', KEYS[1], ARGV[1]) }
`;

/**
 * First step of a rename or drop: locks the directory entries. ARGV: kind ('rename'|'drop'), name,
 * id, lock duration (ms), target (rename). → {'ok', deadline} | {'changed'} | {'exists'}
 */
const DIR_LOCK = `
local t = redis.call('TIME')
local deadline = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[4]))
if redis.call('HGET', KEYS[1], ARGV[2]) ~= ARGV[3] then return { 'changed' } end
if ARGV[1] == 'drop' then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. ' drop ' .. deadline .. ' ')
  return { 'ok', deadline }
end
if redis.call('HEXISTS', KEYS[1], ARGV[5]) == 1 then return { 'exists' } end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. ' out ' .. deadline .. ' ' .. ARGV[5],
  ARGV[5], ARGV[3] .. ' in ' .. deadline .. ' ' .. ARGV[2])
return { 'ok', deadline }
`;

/**
 * Finishes or rolls back a rename/drop: each (name, expected, replacement) triple is applied only
 * if the entry still holds `expected`; an empty replacement deletes. → number of entries changed
 */
const DIR_SETTLE = `
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
`;

/**
 * The one-step increment (the backend's `increment`). KEYS: the store's five keys and the token key.
 * ARGV: name, init, maxKeys, token, tokenTtlMs, since, reclaimLimit, key, by (a safe integer).
 * Only a stored plain JSON integer is added to; anything else is declined untouched and the store
 * core takes its generic path. → {0} when not initialised (init '0'), {1, 'n'} when declined, else
 * {1, 'k', version, value text, changes?}; a retry with the same token is answered from the first result.
 */
const INCREMENT = `
local max_keys, token, since_text = tonumber(ARGV[3]), ARGV[4], ARGV[6]
local key, by = ARGV[8], tonumber(ARGV[9])

if token ~= '' then
  local earlier = redis.call('GET', KEYS[6])
  if earlier then
    local space = string.find(earlier, ' ', 1, true)
    local reply = { 1, 'k', string.sub(earlier, 2, space - 1), string.sub(earlier, space + 1) }
    if since_text ~= '' and redis.call('HGET', S, 'n') == NAME and open('0') then
      reply[5] = changes(since_text, META.version, META.floor)
    end
    return reply
  end
end

if not open(ARGV[2]) then return { 0 } end
local version, expiry = live(key)
local current = 0
if version then
  local stored = redis.call('HGET', V, key)
  if #stored > 17 or not (stored == '0' or string.match(stored, '^%-?[1-9]%d*$')) then return { 1, 'n' } end
  current = tonumber(stored)
elseif max_keys and live_count() + 1 > max_keys then
  fail('DSLIMIT')
end
local sum = current + by
if sum > 9007199254740991 or sum < -9007199254740991 then return { 1, 'n' } end
local value = string.format('%.0f', sum)

-- Checks are done: from here on, write.
reclaim(tonumber(ARGV[7]))
local next_version = redis.call('HINCRBY', S, 'v', 1)
redis.call('HSET', V, key, value)
redis.call('ZADD', C, next_version, key)
if META.tombs then redis.call('ZREM', D, key) end
-- The TTL survives; a key that was missing or expired starts without one.
if not expiry and META.earliest then redis.call('ZREM', E, key) end
if token ~= '' then
  redis.call('SET', KEYS[6], 'i' .. string.format('%.0f', next_version) .. ' ' .. value, 'PX', ARGV[5])
end
local reply = { 1, 'k', next_version, value }
if since_text ~= '' then
  local known = { [key] = { op = 's', value = value, expiry = expiry } }
  reply[5] = changes(since_text, next_version, tonumber(redis.call('HGET', S, 'f')), known)
end
return reply
`;

/**
 * The common case of the increment, standalone (no prelude) and with as few calls as possible: an
 * initialised store where nothing has expired, a stored integer (or none), a sum within the safe
 * range and a token never seen. ARGV: name, maxKeys, token, tokenTtlMs, key, by.
 * → {1, 'k', version, value text}, or {1, 's'}: anything else (a repeated token, a value to
 * decline, a key past maxKeys, expired keys to reclaim, a new store) is the full script's to answer.
 */
const INCREMENT_FAST = `
local S, V, C = KEYS[1], KEYS[2], KEYS[3]
local m = redis.call('HMGET', S, 'n', 'x', 'e', 't', 'v')
if m[2] then return redis.error_reply('DSSTALE dropped') end
if not m[1] then return { 1, 's' } end
if m[1] ~= ARGV[1] then return redis.error_reply('DSSTALE renamed') end
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
if ARGV[3] ~= '' and not redis.call('SET', KEYS[6], 'i' .. version .. ' ' .. value, 'NX', 'PX', ARGV[4]) then
  return { 1, 's' }
end
redis.call('HSET', S, 'v', version)
redis.call('HSET', V, key, value)
redis.call('ZADD', C, version, key)
if m[4] == '1' then redis.call('ZREM', KEYS[4], key) end
return { 1, 'k', version, value }
`;

/** A script as ioredis' `defineCommand` takes it. */
export interface ScriptDefinition {
  readonly lua: string;
  readonly numberOfKeys: number;
}

/** Every script, by the command name it is defined under. */
export const SCRIPTS = {
  dictstoreRead: { lua: READ, numberOfKeys: 5 },
  dictstoreWrite: { lua: PRELUDE + WRITE, numberOfKeys: 6 },
  dictstoreIncrement: { lua: PRELUDE + INCREMENT, numberOfKeys: 6 },
  dictstoreIncrementFast: { lua: INCREMENT_FAST, numberOfKeys: 6 },
  dictstoreCount: { lua: PRELUDE + COUNT, numberOfKeys: 5 },
  dictstoreList: { lua: PRELUDE + LIST, numberOfKeys: 5 },
  dictstoreLoad: { lua: PRELUDE + LOAD, numberOfKeys: 5 },
  dictstoreChanges: { lua: PRELUDE + CHANGES, numberOfKeys: 5 },
  dictstoreInit: { lua: INIT, numberOfKeys: 1 },
  dictstoreRenameMeta: { lua: PRELUDE + RENAME_META, numberOfKeys: 5 },
  dictstoreDropMeta: { lua: PRELUDE + DROP_META, numberOfKeys: 5 },
  dictstoreDirGet: { lua: DIR_GET, numberOfKeys: 1 },
  dictstoreDirCreate: { lua: DIR_CREATE, numberOfKeys: 1 },
  dictstoreDirLock: { lua: DIR_LOCK, numberOfKeys: 1 },
  dictstoreDirSettle: { lua: DIR_SETTLE, numberOfKeys: 1 },
} as const satisfies Record<string, ScriptDefinition>;

/** The name of a script command. */
export type ScriptName = keyof typeof SCRIPTS;
