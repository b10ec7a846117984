--[[
First step of a rename or drop: locks the directory entries. KEYS: directory. ARGV: kind
('rename'|'drop'), name, id, lock duration (ms), target (rename).
→ {'ok', deadline} | {'changed'} | {'exists'}
]]
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
