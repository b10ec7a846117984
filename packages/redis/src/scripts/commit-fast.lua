--[[
The commit's common case, answered before the prelude is defined (commit.ts puts this text first):
a view's flush or a batch of plain writes. Only plain sets (no TTL, no 'keep the TTL'), no checks,
an initialised and indexed store of this name and epoch where nothing has expired, room under
maxKeys without counting, and a caller that is up to date (no `since`, or `since` = the store's
version). Then the writes cost their own calls and nothing else: no helper definitions, no table
per key. Anything else returns nil before the first write and the full commit (commit.lua)
answers, with the same arguments and the same reply shapes. Meta fields as in src/layout.ts.
]]
local function commit_fast()
  local argc = #ARGV
  -- Checks, and more writes than one unbatched call takes, are the full commit's.
  if ARGV[10] ~= '0' or argc > 1610 then return nil end
  local hset, count = {}, 0
  for pos = 11, argc, 4 do
    if ARGV[pos] ~= 's' or ARGV[pos + 3] ~= '' then return nil end
    hset[#hset + 1] = ARGV[pos + 1]
    hset[#hset + 1] = ARGV[pos + 2]
    count = count + 1
  end
  if count == 0 then return nil end
  local S, V, C, D, E, I = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
  local m = redis.call('HMGET', S, 'n', 'v', 'x', 'e', 't', 'i', 'o')
  local epoch = m[7]
  if m[1] ~= ARGV[1] or m[3] or m[6] ~= '1' or not epoch then return nil end
  if ARGV[2] ~= '' and ARGV[2] ~= epoch then return nil end
  local since = ARGV[7]
  if since ~= '' and tonumber(since) ~= tonumber(m[2]) then return nil end
  if m[4] then
    -- Expired keys wait to be reclaimed: the full commit does that first.
    local t = redis.call('TIME')
    if tonumber(m[4]) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) then return nil end
  end
  -- Every key counted as new: when that might pass the bound, the full commit counts exactly.
  if ARGV[4] ~= '' and redis.call('ZCARD', C) + count > tonumber(ARGV[4]) then return nil end
  local token = ARGV[5]
  if token ~= '' then
    -- A claim that fails is a repeat: the full commit answers it from the first result.
    local predicted = 'k' .. string.format('%.0f', tonumber(m[2]) + 1)
    if not redis.call('SET', KEYS[7], predicted, 'NX', 'PX', ARGV[6]) then return nil end
  end
  -- Checks are done: from here on, write.
  local version = redis.call('HINCRBY', S, 'v', 1)
  redis.call('HSET', V, unpack(hset))
  local versions, keys = {}, {}
  for i = 1, #hset, 2 do
    versions[#versions + 1] = version
    versions[#versions + 1] = hset[i]
    keys[#keys + 1] = hset[i]
  end
  -- The index holds the same members as the versions set: it changes only when a key is new.
  if redis.call('ZADD', C, unpack(versions)) > 0 then
    local members = {}
    for i = 1, #keys do
      members[#members + 1] = 0
      members[#members + 1] = keys[i]
    end
    redis.call('ZADD', I, unpack(members))
  end
  if m[5] == '1' then redis.call('ZREM', D, unpack(keys)) end
  if m[4] then redis.call('ZREM', E, unpack(keys)) end
  local reply = { 1, epoch, 'k', version }
  -- Up to date: the only changes are this commit's own plain sets, which are never echoed.
  if since ~= '' then reply[5] = { 0, version, {}, {} } end
  return reply
end

do
  local fast = commit_fast()
  if fast then return fast end
end
