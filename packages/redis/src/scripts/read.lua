--[[
Reads keys: the hottest script, so it stands alone (no prelude: defining the shared helpers costs
more than this script's own work). Meta fields as in src/layout.ts: n name, x dropped, e earliest.
KEYS: meta, values, versions, tombstones, expiries, index.
ARGV: name, values ('1' with values, '0' existence only), keys...
→ {0} when the store is not initialised, else {1, now, [value, version, expiry] per key} (now is
0 when no key of the store expires: nobody needs it then).
]]
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
  local value = ''
  if version and with_values then value = redis.call('HGET', KEYS[2], key) end
  -- A version without a value: the values were deleted behind our back; the key is gone.
  if version and value then
    out[#out + 1] = value
    out[#out + 1] = version
    out[#out + 1] = expiry or ''
  else
    out[#out + 1] = false
    out[#out + 1] = false
    out[#out + 1] = false
  end
end
return out
