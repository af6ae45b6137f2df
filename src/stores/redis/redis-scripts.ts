/**
 * Lua for {@link RedisStore}. Each record is a Redis hash: user fields are stored as `f:<name>`, the
 * logical expiry (ms, or '' for none) as `__exp`. Logical expiry is checked against the caller's
 * `now`; a native PEXPIRE of the same length collects the garbage.
 */
const COMMON = `
local now = tonumber(ARGV[1])
local EXP = '__exp'
local function fmt(n) return string.format('%.0f', n) end
local function isnull(v) return v == nil or v == cjson.null end
local function load(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local rec = { fields = {}, expiresAt = nil }
  for i = 1, #flat, 2 do
    local name = flat[i]
    if name == EXP then
      if flat[i + 1] ~= '' then rec.expiresAt = tonumber(flat[i + 1]) end
    else
      rec.fields[string.sub(name, 3)] = flat[i + 1]
    end
  end
  if rec.expiresAt ~= nil and rec.expiresAt <= now then return nil end
  return rec
end
local function encodeRecord(rec)
  if not rec then return '' end
  return cjson.encode({ f = rec.fields, e = rec.expiresAt and fmt(rec.expiresAt) or '' })
end
`;

/** KEYS: the records; ARGV[1]: now. Returns one JSON (or '') per key. */
export const GET_MANY_LUA = `${COMMON}
local out = {}
for i = 1, #KEYS do out[i] = encodeRecord(load(KEYS[i])) end
return out
`;

/**
 * KEYS: one per op, then the keys to read; ARGV[1]: now; ARGV[2]: the ops as JSON (numbers as strings). Checks every
 * condition first, then applies every change: atomic because Redis runs one script at a time.
 * Returns {1, result..., read record...} or {0, index, reason, fieldsJSON, expiresAt}.
 */
export const COMMIT_LUA = `${COMMON}
local ops = cjson.decode(ARGV[2])
-- KEYS after the ops' keys are read (before any change) and returned after the results.
local reads = {}
for i = #ops + 1, #KEYS do reads[#reads + 1] = encodeRecord(load(KEYS[i])) end
local function copy(t) local c = {} for k, v in pairs(t) do c[k] = v end return c end
local function matches(fields, match)
  if isnull(match) then return true end
  for k, v in pairs(match) do if fields[k] ~= v then return false end end
  return true
end
local function lockAfter(s, attempt)
  local list, index = s.lockMs, attempt - tonumber(s.freeAttempts)
  local n = #list
  if index < 1 or n == 0 then return 0 end
  if index > n then index = n end
  return tonumber(list[index]) or 0
end
local function extend(old, wanted)
  if wanted == nil then return old end
  if wanted == cjson.null or old == nil then return nil end
  local w = tonumber(wanted)
  if w > old then return w end
  return old
end
local function fail(index, reason, rec)
  local fields, exp = '', ''
  if rec then fields = cjson.encode(rec.fields) if rec.expiresAt then exp = fmt(rec.expiresAt) end end
  return { 0, index - 1, reason, fields, exp }
end

-- A change is 'delete', { replace = true, fields, expiresAt } (the whole record) or
-- { set = {...}, del = {...}, expiresAt, expiryChanged } (a patch of a live record): a patch writes
-- only the fields it changes and touches the TTL only when the expiry moves.
local changes, results = {}, {}
local function replace(fields, expiresAt) return { replace = true, fields = fields, expiresAt = expiresAt } end
local function patch(live, set, del, expiresAt)
  return { set = set, del = del, expiresAt = expiresAt, expiryChanged = expiresAt ~= live.expiresAt }
end
local function expiryOf(op) if isnull(op.expiresAt) then return nil end return tonumber(op.expiresAt) end
for i = 1, #ops do
  local op, key = ops[i], KEYS[i]
  local live = load(key)
  local t = op.type
  local result, change = '', false
  if t == 'put' then
    change = replace(op.fields, expiryOf(op))
  elseif t == 'insert' then
    if live then return fail(i, 'exists', live) end
    change = replace(op.fields, expiryOf(op))
  elseif t == 'absent' then
    if live then return fail(i, 'exists', live) end
  elseif t == 'delete' then
    if live then change = 'delete' end
  elseif t == 'take' then
    if not live then return fail(i, 'missing', nil) end
    if not matches(live.fields, op.match) then return fail(i, 'mismatch', live) end
    result = cjson.encode(live.fields)
    change = 'delete'
  elseif t == 'takeField' then
    local value = live and live.fields[op.field]
    if not value then return fail(i, 'missing', nil) end
    local r = {}
    r[op.field] = value
    result = cjson.encode(r)
    change = patch(live, {}, { op.field }, live.expiresAt)
  elseif t == 'merge' then
    if not live then
      if not op.create then return fail(i, 'missing', nil) end
      change = replace(op.fields, expiryOf(op))
      result = cjson.encode(op.fields)
    else
      if not matches(live.fields, op.match) then return fail(i, 'mismatch', live) end
      if not isnull(op.absent) then
        for _, name in ipairs(op.absent) do if live.fields[name] ~= nil then return fail(i, 'mismatch', live) end end
      end
      local fields = copy(live.fields)
      for k, v in pairs(op.fields) do fields[k] = v end
      change = patch(live, op.fields, {}, extend(live.expiresAt, op.expiresAt))
      result = cjson.encode(fields)
    end
  elseif t == 'advance' then
    local value = tonumber(op.value)
    if live and live.fields[op.field] and tonumber(live.fields[op.field]) >= value then return fail(i, 'stale', live) end
    local set = {}
    set[op.field] = fmt(value)
    if live then
      local fields = copy(live.fields)
      fields[op.field] = set[op.field]
      change = patch(live, set, {}, extend(live.expiresAt, op.expiresAt))
      result = cjson.encode(fields)
    else
      change = replace(set, expiryOf(op))
      result = cjson.encode(set)
    end
  elseif t == 'attempt' then
    local s = op.schedule
    if not live and op.mustExist then return fail(i, 'missing', nil) end
    local fields = live and copy(live.fields) or {}
    local attempts = tonumber(fields.attempts or '0')
    local lockedUntil = tonumber(fields.lockedUntil or '0')
    local maxAttempts = (not isnull(s.maxAttempts)) and tonumber(s.maxAttempts) or nil
    if fields.ended ~= nil or (maxAttempts and attempts >= maxAttempts) then return fail(i, 'ended', live) end
    if fields.deadline ~= nil then
      local extended = 0
      if lockedUntil > 0 then extended = lockedUntil + tonumber(s.afterLockMs) end
      local deadline = tonumber(fields.deadline)
      if extended > deadline then deadline = extended end
      if now >= deadline then return fail(i, 'expired', live) end
    end
    if now < lockedUntil then return fail(i, 'locked', live) end
    local attempt = attempts + 1
    local lockMs = lockAfter(s, attempt)
    if lockMs > 0 then lockedUntil = now + lockMs end
    local set = { attempts = fmt(attempt), lockedUntil = fmt(lockedUntil) }
    fields.attempts = set.attempts
    fields.lockedUntil = set.lockedUntil
    local afterLock = 0
    if lockMs > 0 then afterLock = lockedUntil + tonumber(s.afterLockMs) end
    local ttl = tonumber(s.ttlMs)
    if not live then
      change = replace(fields, math.max(now + ttl, afterLock))
    else
      local exp = nil
      if live.expiresAt ~= nil then
        local slide = 0
        if s.slide then slide = now + ttl end
        exp = math.max(live.expiresAt, slide, afterLock)
      end
      change = patch(live, set, {}, exp)
    end
    result = cjson.encode(fields)
  else
    return redis.error_reply('unknown op ' .. tostring(t))
  end
  results[i] = result
  changes[i] = change
end

for i = 1, #ops do
  local key, change = KEYS[i], changes[i]
  if change == 'delete' then
    redis.call('DEL', key)
  elseif change and change.replace then
    -- A logically expired hash may still be there: start from nothing.
    redis.call('DEL', key)
    local args = { EXP, change.expiresAt and fmt(change.expiresAt) or '' }
    for name, value in pairs(change.fields) do
      args[#args + 1] = 'f:' .. name
      args[#args + 1] = value
    end
    redis.call('HSET', key, unpack(args))
    if change.expiresAt then redis.call('PEXPIRE', key, fmt(math.max(1, change.expiresAt - now))) end
  elseif change then
    local args = {}
    for name, value in pairs(change.set) do
      args[#args + 1] = 'f:' .. name
      args[#args + 1] = value
    end
    if change.expiryChanged then
      args[#args + 1] = EXP
      args[#args + 1] = change.expiresAt and fmt(change.expiresAt) or ''
    end
    if #args > 0 then redis.call('HSET', key, unpack(args)) end
    for _, name in ipairs(change.del) do redis.call('HDEL', key, 'f:' .. name) end
    if change.expiryChanged then
      if change.expiresAt then
        redis.call('PEXPIRE', key, fmt(math.max(1, change.expiresAt - now)))
      else
        redis.call('PERSIST', key)
      end
    end
  end
end
local out = { 1 }
for i = 1, #ops do out[i + 1] = results[i] end
for i = 1, #reads do out[#ops + 1 + i] = reads[i] end
return out
`;
