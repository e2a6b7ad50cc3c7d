-- Leases slices of spend budgets, all or nothing (issue 15, budgets).
-- KEYS[i]: a budget counter (nano-units of the plan's currency committed so far: spent plus leased to nodes).
-- ARGV[1]: the share of a counter's room a lease takes beyond what it needs (a divisor, >= 1).
-- ARGV[2 + 4(i-1) ..]: limit, floor (the ledger's spend: the counter never counts below it), need, expire-at (ms).
-- Returns { grant_1, ..., grant_n }, or { -i } when counter i cannot give what is needed.
local divisor = tonumber(ARGV[1])
local used = {}
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 4
  local limit = tonumber(ARGV[base])
  local floor = tonumber(ARGV[base + 1])
  local need = tonumber(ARGV[base + 2])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current < floor then current = floor end
  if limit - current < need then return { -i } end
  used[i] = current
end
local grants = {}
for i = 1, #KEYS do
  local base = 2 + (i - 1) * 4
  local limit = tonumber(ARGV[base])
  local need = tonumber(ARGV[base + 2])
  local extra = math.floor((limit - used[i] - need) / divisor)
  local grant = need + extra
  redis.call('SET', KEYS[i], used[i] + grant)
  redis.call('PEXPIREAT', KEYS[i], ARGV[base + 3])
  grants[i] = grant
end
return grants
