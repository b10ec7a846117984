--[[
A consistent image of the store or of some keys and prefixes, in one script (the backend loads a
whole store with a MULTI instead, full-load.ts). ARGV[3..]: filtered ('1'/'0'), keyCount, keys...,
then prefixes (read from the key index: O(log N + M) each).
→ {0} when not initialised, else {1, epoch, version, {key, value, ...}, "v1,v2,...", "x1,x2,..." or ""}:
versions and expiries (empty for none) travel packed in one string each, so a large load costs
little more than HGETALL.
]]
if not open('0') then return { 0 } end
local out, versions, expiries = {}, {}, {}
local function reply()
  return { 1, META.epoch, META.version, out, table.concat(versions, ','), META.earliest and table.concat(expiries, ',') or '' }
end
if ARGV[3] ~= '1' then
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
    if not expiry or tonumber(expiry) > cutoff then
      out[#out + 1] = key
      out[#out + 1] = values[i + 1]
      versions[#versions + 1] = stamps[key] or '0'
      expiries[#expiries + 1] = expiry or ''
    end
  end
  return reply()
end
-- The wanted keys, each once: the named ones, then those under each prefix.
local wanted, seen = {}, {}
local function want(key)
  if not seen[key] then
    seen[key] = true
    wanted[#wanted + 1] = key
  end
end
local count = tonumber(ARGV[4])
for i = 5, 4 + count do want(ARGV[i]) end
if #ARGV > 4 + count then ensure_index() end
for i = 5 + count, #ARGV do
  local prefix = ARGV[i]
  local min = prefix ~= '' and '[' .. prefix or '-'
  local max = prefix ~= '' and '(' .. prefix .. '\255' or '+'
  for _, key in ipairs(redis.call('ZRANGEBYLEX', I, min, max)) do want(key) end
end
if #wanted == 0 then return reply() end
local stamps = scores(C, wanted)
local deadlines = META.earliest and scores(E, wanted) or {}
local values = values_of(wanted)
local cutoff = META.earliest and now()
for i, key in ipairs(wanted) do
  local expiry = deadlines[i] or false
  if stamps[i] and values[i] and not (expiry and tonumber(expiry) <= cutoff) then
    out[#out + 1] = key
    out[#out + 1] = values[i]
    versions[#versions + 1] = stamps[i]
    expiries[#expiries + 1] = expiry or ''
  end
end
return reply()
