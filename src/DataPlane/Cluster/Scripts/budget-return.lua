-- Gives back an unused budget lease (issue 15, budgets). KEYS[1]: the counter; ARGV[1]: nano-units to give back.
-- A counter Redis lost (a restart without persistence) is left alone: the ledger's floor covers it on the next lease.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local left = redis.call('DECRBY', KEYS[1], ARGV[1])
if left < 0 then redis.call('INCRBY', KEYS[1], -left) return 0 end
return left
