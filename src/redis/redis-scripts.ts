/**
 * The Lua scripts of the Redis store. Every step that touches more than one key is one script, so
 * it is atomic and one round trip. Key layout (all under the prefix): `c:<contact>` hash (`rec`
 * the record JSON, `due` its next due time, `fence` the token of the last write, `leases` the
 * fencing counter), `in:<contact>` list (inbox items `<id>\t<json>`), `lease:<contact>` string
 * `<owner>:<token>` with a TTL, `ready` sorted set (contacts by the time they need attention).
 */

/**
 * Accepts a webhook batch: appends every item to its contact's inbox and marks the contact due now.
 * KEYS[1] ready, KEYS[1+i] the inbox of item i. ARGV[1] now, ARGV[2i] contact i, ARGV[2i+1] item i.
 */
export const INTAKE = `
for i = 1, #KEYS - 1 do
  redis.call('RPUSH', KEYS[i + 1], ARGV[2 * i + 1])
  redis.call('ZADD', KEYS[1], 'LT', ARGV[1], ARGV[2 * i])
end
return #KEYS - 1
`;

/**
 * Claims a contact: a new fencing token, the lease with its TTL, the contact due again when the
 * lease would expire (should this owner die), and the record and first inbox items in the reply.
 * When another owner holds it, moves the contact's due time to that lease's expiry instead.
 * KEYS: lease, c, in, ready. ARGV: owner, ttl, now, contact, max items.
 * Returns false, or { token, record or '', items }.
 */
export const CLAIM = `
local now = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local pttl = redis.call('PTTL', KEYS[1])
  if pttl > 0 then redis.call('ZADD', KEYS[4], 'XX', now + pttl, ARGV[4]) end
  return false
end
local token = redis.call('HINCRBY', KEYS[2], 'leases', 1)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), ARGV[4])
local rec = redis.call('HGET', KEYS[2], 'rec')
if not rec then rec = '' end
return { token, rec, redis.call('LRANGE', KEYS[3], 0, tonumber(ARGV[5]) - 1) }
`;

/**
 * Saves a record under a lease (fencing: refused unless the lease is current and no later token
 * wrote), removes the inbox item it processed when that item is still at the head, and keeps the
 * set of contacts in a hand-over (or with notifications for agents pending).
 * KEYS: lease, c, in, handovers. ARGV: lease value, token, record JSON, due ('' = none),
 * consumed item id ('' = none), in hand-over ('1' / '0'), contact.
 */
export const SAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local fence = tonumber(redis.call('HGET', KEYS[2], 'fence') or '0')
if tonumber(ARGV[2]) < fence then return 0 end
redis.call('HSET', KEYS[2], 'rec', ARGV[3], 'due', ARGV[4], 'fence', ARGV[2])
if ARGV[5] ~= '' then
  local head = redis.call('LINDEX', KEYS[3], 0)
  if head and string.sub(head, 1, #ARGV[5] + 1) == ARGV[5] .. '\\t' then redis.call('LPOP', KEYS[3]) end
end
if ARGV[6] == '1' then redis.call('SADD', KEYS[4], ARGV[7]) else redis.call('SREM', KEYS[4], ARGV[7]) end
return 1
`;

/**
 * Removes a processed inbox item without saving the record (a re-delivery, a status for nobody).
 * KEYS: lease, in. ARGV: lease value, item id.
 */
export const CONSUME = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local head = redis.call('LINDEX', KEYS[2], 0)
if head and string.sub(head, 1, #ARGV[2] + 1) == ARGV[2] .. '\\t' then redis.call('LPOP', KEYS[2]) end
return 1
`;

/**
 * Extends a lease still current, and the contact's due time with it.
 * KEYS: lease, ready. ARGV: lease value, ttl, now, contact.
 */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'XX', tonumber(ARGV[3]) + tonumber(ARGV[2]), ARGV[4])
return 1
`;

/**
 * Ends a lease. When the inbox got more items meanwhile, keeps the lease and returns them instead
 * (the owner goes on). Otherwise deletes the lease and sets the contact's due time: its record's
 * next due time, or `retry at` after a failure, or none (removed from ready).
 * KEYS: lease, c, in, ready. ARGV: lease value, contact, max items, retry at ('' = none).
 * Returns { 'stale' }, { 'more', items } or { 'released' }.
 */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return { 'stale' } end
if ARGV[4] == '' then
  local items = redis.call('LRANGE', KEYS[3], 0, tonumber(ARGV[3]) - 1)
  if #items > 0 then return { 'more', items } end
end
redis.call('DEL', KEYS[1])
local due = ARGV[4]
if due == '' then due = redis.call('HGET', KEYS[2], 'due') or '' end
if due ~= '' then redis.call('ZADD', KEYS[4], tonumber(due), ARGV[2]) else redis.call('ZREM', KEYS[4], ARGV[2]) end
return { 'released' }
`;
