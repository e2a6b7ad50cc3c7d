-- Leases units of one fixed window of a cluster-wide limit to one node, atomically.
-- KEYS[1]  the limit's hash (one per limit, named with a hash tag by the node): field = window index, value = units
--          counted in that window. The script touches no other key, so it runs on one Redis Cluster slot.
-- ARGV[1]  limit: units per window
-- ARGV[2]  window length in milliseconds
-- ARGV[3]  units wanted
-- ARGV[4]  units the node already admitted on credit: counted in the current window whatever its count
-- ARGV[5]  '1': lease the next window instead when the current one ends within ARGV[6] ms
-- ARGV[6]  that lead, in milliseconds
-- Returns { window index, units granted, ms until the window starts (<= 0: started), ms until it ends, units counted in it }
-- Windows are counted on Redis's clock (TIME), so every node agrees on where they start and end.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local charge = tonumber(ARGV[4])
local current = math.floor(now / window)
local index = current
if ARGV[5] == '1' and charge == 0 and (index + 1) * window - now <= tonumber(ARGV[6]) then
  index = index + 1
end
local field = string.format('%d', index)
local used = tonumber(redis.call('HGET', KEYS[1], field) or '0') + charge
local granted = math.min(want, limit - used)
if granted < 0 then
  granted = 0
end
local counted = used + granted
if counted > 0 then
  redis.call('HSET', KEYS[1], field, counted)
  -- Windows that have ended are of no use to anyone: at most the current and the next stay.
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
    if tonumber(f) < current then
      redis.call('HDEL', KEYS[1], f)
    end
  end
  redis.call('PEXPIRE', KEYS[1], window * 2 + 1000)
end
return { index, granted, index * window - now, (index + 1) * window - now, counted }
