--[[
The conditional commit (and the plain writes: a commit without checks).
ARGV[3..]: init, maxKeys, token, tokenTtlMs, since, reclaimLimit, tombstoneLimit, checkCount,
[key, version]* checks (the key must be live and unchanged since that version, or absent
for ''), then [op, key, value, ttl]* writes, where op is s(et) or d(elete) and ttl
is '' (none), 'k' (keep the current expiry) or milliseconds.
→ {0} when not initialised (and init is '0'), else {1, epoch, 'k', version, changes?} or
{1, epoch, 'c', {conflicting keys}}. Sets without a TTL and deletions are not echoed in changes'
entries (see prelude): the caller adds them from its request.
]]
local init, token, since_text = ARGV[3], ARGV[5], ARGV[7]
local max_keys = tonumber(ARGV[4])
local TOKEN = KEYS[7]

local check_count = tonumber(ARGV[10])

-- An idempotent commit that already ran is answered from its first result.
local function replay()
  local earlier = redis.call('GET', TOKEN)
  if earlier then
    if string.sub(earlier, 1, 1) == 'c' then return { 1, '', 'c', cjson.decode(string.sub(earlier, 2)) } end
    local reply = { 1, '', 'k', string.sub(earlier, 2) }
    if since_text ~= '' and redis.call('HGET', S, F_NAME) == NAME and open('0') then
      reply[2] = META.epoch
      -- A replay echoes everything: the caller may not hold the first attempt's writes any more.
      reply[5] = changes(since_text, META.version, META.floor)
    end
    return reply
  end
end

-- A commit with checks looks for its earlier result before anything else. One without checks
-- (a view's writes, plain writes) cannot be refused, so it claims its token with one SET NX once
-- the store is open: a claim that fails is a repeat.
if token ~= '' and check_count > 0 then
  local reply = replay()
  if reply then return reply end
end

if not open(init) then return { 0 } end
local claimed = false
if token ~= '' and check_count == 0 then
  local predicted = 'k' .. string.format('%.0f', META.version + 1)
  if not redis.call('SET', TOKEN, predicted, 'NX', 'PX', ARGV[6]) then
    return replay() or fail('DSTOKEN')
  end
  claimed = true
end

local pos = 11
local conflicts = {}
for _ = 1, check_count do
  local key, expected = ARGV[pos], ARGV[pos + 1]
  pos = pos + 2
  local ver = live(key)
  if expected == '' then
    if ver then conflicts[#conflicts + 1] = key end
  elseif not ver or tonumber(ver) > tonumber(expected) then
    -- "Unchanged since the version I saw": a key's own version, or the version of the snapshot
    -- it was read in (a full load gives every entry the snapshot's version, see full-load.ts).
    conflicts[#conflicts + 1] = key
  end
end
if #conflicts > 0 then
  if token ~= '' then redis.call('SET', TOKEN, 'c' .. cjson.encode(conflicts), 'PX', ARGV[6]) end
  return { 1, META.epoch, 'c', conflicts }
end

-- Replays the writes on the current state, key by key, so the last write of a key wins and
-- 'keep the TTL' sees earlier writes of the same commit; nothing is written yet. A key's current
-- state is looked up only when an op needs it: a plain set does not care what was there.
local final, order = {}, {}
local function load(state, key)
  if state.loaded then return end
  local ver, expiry = live(key)
  state.loaded, state.was = true, ver ~= nil
  if not state.known then
    state.known, state.present, state.expiry = true, ver ~= nil, expiry or false
  end
end
local argc = #ARGV
while pos <= argc do
  local op, key, value, ttl = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3]
  pos = pos + 4
  local state = final[key]
  if state == nil then
    -- Every field named up front: a Lua table that grows field by field is rehashed each time.
    state = {
      loaded = false, known = false, was = false, present = false, expiry = false,
      op = false, value = false, plain = false, touched = false,
    }
    final[key] = state
    order[#order + 1] = key
  end
  if op == 'd' then
    load(state, key)
    state.present, state.op = false, 'd'
  else
    local expiry = false
    if ttl == 'k' then
      load(state, key)
      if state.present then expiry = state.expiry end
    elseif ttl ~= '' then
      expiry = now() + tonumber(ttl)
    end
    state.known, state.present, state.op, state.value, state.expiry = true, true, 's', value, expiry
    state.plain = ttl == ''
    state.touched = true
  end
end

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
      if added > 0 and count + added > max_keys then
        -- Nothing was written: a claimed token must not answer a retry as if it had been.
        if claimed then redis.call('DEL', TOKEN) end
        fail('DSLIMIT')
      end
    end
  end
end

-- Checks are done: from here on, write.
reclaim(tonumber(ARGV[8]))
local next_version = redis.call('HINCRBY', S, F_VERSION, 1)
local hset, versions, stamped, expiring, unexpire, removed, tombs, own = {}, {}, {}, {}, {}, {}, {}, {}
local version_text = string.format('%.0f', next_version)
local earliest = META.earliest
for _, key in ipairs(order) do
  local state = final[key]
  if state.op == 's' then
    hset[#hset + 1] = key
    hset[#hset + 1] = state.value
    versions[#versions + 1] = next_version
    versions[#versions + 1] = key
    stamped[#stamped + 1] = key
    if not state.plain then
      -- Its expiry is the server's to tell (a TTL from now, or the one kept): echoed.
      own[#own + 1] = key
      own[#own + 1] = state.value
      own[#own + 1] = version_text
      own[#own + 1] = state.expiry and text(state.expiry) or ''
    end
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
    if state.was or state.touched then tombs[#tombs + 1] = key end
  end
end
batched('HSET', V, hset)
-- The index holds the same members as the versions set: it changes only when a key is new.
if batched_sum('ZADD', C, versions) > 0 and META.indexed then batched('ZADD', I, index_members(stamped)) end
if META.tombs then batched('ZREM', D, stamped) end
batched('ZADD', E, expiring)
if META.earliest then batched('ZREM', E, unexpire) end
batched('HDEL', V, removed)
batched('ZREM', C, removed)
unindex(removed)
if META.earliest then batched('ZREM', E, removed) end
if earliest ~= META.earliest then
  -- Only ever lowered here, so it stays a lower bound of every expiry in the store.
  redis.call('HSET', S, F_EARLIEST, earliest)
  META.earliest = earliest
end
bury(next_version, tombs, tonumber(ARGV[9]))

if token ~= '' and not claimed then
  redis.call('SET', TOKEN, 'k' .. string.format('%.0f', next_version), 'PX', ARGV[6])
end
local reply = { 1, META.epoch, 'k', next_version }
if since_text ~= '' then
  if tonumber(since_text) == META.version then
    -- Nobody wrote since the caller's version: the only changes are this commit's own (the
    -- deletions, and the writes the caller cannot know). No range to read.
    reply[5] = { 0, next_version, own, tombs }
  else
    reply[5] = changes(since_text, next_version, META.floor, own)
  end
end
return reply
