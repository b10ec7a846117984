--[[
Publishes a store id unless the name exists. KEYS: directory. ARGV: name, id
→ {created (1/0), current value}.
]]
local created = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return { created, redis.call('HGET', KEYS[1], ARGV[1]) }
