--[[
One page of a listing, in byte order of the keys, from the key index: O(log N + page).
ARGV[3..]: prefix ('' for all), after ('1'/'0'), afterKey (the page starts after it), limit,
values ('1'/'0'). The caller only passes an afterKey that starts with the prefix.
→ {0} when not initialised, else {1, epoch, more (1/0), lastKey, {key[, value, version, expiry]...}}
]]
if not open('0') then return { 0 } end
ensure_index()
local prefix, after, limit, with_values = ARGV[3], ARGV[5], tonumber(ARGV[6]), ARGV[7] == '1'
local min = ARGV[4] == '1' and '(' .. after or (prefix ~= '' and '[' .. prefix or '-')
-- No UTF-8 text holds the byte 255, so every key with the prefix sorts before prefix .. '\255'.
local max = prefix ~= '' and '(' .. prefix .. '\255' or '+'
local out, taken, last = {}, 0, ''
-- Expired keys (still indexed until reclaimed) are skipped, so a page may need more than one read;
-- the rounds are bounded, and a short page with more = 1 resumes after the last key looked at.
for _ = 1, 16 do
  local keys = redis.call('ZRANGEBYLEX', I, min, max, 'LIMIT', 0, limit - taken + 1)
  local stamps, deadlines, values = {}, {}, {}
  local need = limit - taken
  local batch = {}
  for i = 1, math.min(#keys, need) do batch[i] = keys[i] end
  if #batch > 0 and (with_values or META.earliest) then
    stamps = scores(C, batch)
    if META.earliest then deadlines = scores(E, batch) end
    if with_values then values = values_of(batch) end
  end
  for i, key in ipairs(batch) do
    local ver, expiry = true, false
    if with_values or META.earliest then ver, expiry = stamps[i], deadlines[i] or false end
    if expiry and tonumber(expiry) <= now() then ver = false end
    if ver and with_values and not values[i] then ver = false end
    if ver then
      out[#out + 1] = key
      if with_values then
        out[#out + 1] = values[i]
        out[#out + 1] = ver
        out[#out + 1] = expiry or ''
      end
      taken = taken + 1
    end
    last = key
  end
  if #keys <= need then return { 1, META.epoch, 0, last, out } end
  -- keys holds one more than the page needed: the page is full, or it resumes after `last`.
  if taken == limit then return { 1, META.epoch, 1, last, out } end
  min = '(' .. last
end
return { 1, META.epoch, 1, last, out }
