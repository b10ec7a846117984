--[[
Counts live keys. ARGV: name, epoch. → {0} when not initialised, else {1, epoch, count}.
]]
if not open('0') then return { 0 } end
return { 1, META.epoch, live_count() }
