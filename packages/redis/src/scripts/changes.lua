--[[
What changed since a version. ARGV[3]: since.
→ {0} when not initialised, else {1, epoch, {reset, version, entries, deleted}}.
]]
if not open('0') then return { 0 } end
return { 1, META.epoch, changes(ARGV[3], META.version, META.floor) }
