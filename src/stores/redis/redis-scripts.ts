/**
 * Lua for {@link RedisStore}. A record is a hash: user fields as `f:<name>` (the client adds and
 * strips the prefix, so the scripts never build strings), the logical expiry (ms, or '' for none) as
 * `__exp`, checked against the caller's `now`; a native PEXPIRE a minute longer collects the
 * garbage. Everything travels positionally, as strings (`redis-codec.ts` writes the ops and reads
 * the replies): no JSON on either side. A record comes back as HGETALL's flat array, `__exp`
 * included, or nil.
 *
 * Written for speed: each `redis.call` and each C function costs more than a page of Lua, so a
 * record is read once (HGETALL) and searched in place, a result is that same array changed in place,
 * and integers go to Redis as Lua numbers (it prints them exactly, with `%.17g`).
 */
const COMMON = `
local now = tonumber(ARGV[1])
local EXP = '__exp'
-- The native expiry runs a minute past the logical one: it only collects garbage, and must never
-- remove a record that a caller whose clock is behind (another instance, a test's fake clock) still
-- holds live. Reads go by __exp.
local SLACK_MS = 60000
local function pexpire(key, ttl) return { 'PEXPIRE', key, tonumber(ttl) + SLACK_MS } end
-- The live record at key: HGETALL's flat array; nil when missing or expired at now. The second result
-- says whether a hash is there (an expired one must go before a rewrite).
local function load(key)
  local flat = redis.call('HGETALL', key)
  local size = #flat
  if size == 0 then return nil, false end
  local e = flat[1] == EXP and flat[2]
  if not e then
    for i = 3, size, 2 do if flat[i] == EXP then e = flat[i + 1] break end end
  end
  if e and e ~= '' and tonumber(e) <= now then return nil, true end
  return flat, true
end
`;

/** KEYS: the records; ARGV[1]: now. Returns each record (flat, `__exp` included) or nil. */
export const GET_MANY_LUA = `${COMMON}
local out = {}
for i = 1, #KEYS do out[i] = load(KEYS[i]) or false end
return out
`;

/**
 * KEYS: one per op, then the keys to read. ARGV: now, the op count, then each op: a type letter and
 * its arguments. Field names carry their `f:` prefix, so a name is never '' and '' ends a list;
 * expiries are ms, '' for none or '-' for "keep", each with its ttl (ms from now, for PEXPIRE):
 * - P put, I insert: expiresAt, ttl, name/value pairs, ''
 * - A absent (any record); B absent (any of the fields): names, ''
 * - D delete
 * - T take: match pairs, ''
 * - F takeField: name
 * - M merge: one argument 'create (1/0),expiresAt,ttl,match pairs,absent names,advance (1/0),set
 *   pairs,unset names' (the lists by their lengths), then the match pairs, the absent names, the
 *   advance field and its value (given one), the set pairs and the unset names, with no '' between
 * - X attempt: one argument 'mustExist (1/0),maxAttempts ('' none),freeAttempts,ttlMs,now + ttlMs,
 *   slide (1/0),afterLockMs', then the lockMs joined by commas ('' none): two arguments, not 9 + n
 *   (every argument costs the client about as much as a short command)
 * Checks every op first, then makes every write: atomic because Redis runs one script at a time.
 * Returns {1, {result or nil per op}, {record or nil per read}} or {0, index, reason, record or nil};
 * in a result, a removed pair (and the expiry) is nil, and a counter may come as an integer.
 */
export const COMMIT_LUA = `${COMMON}
local huge = math.huge
local nops = tonumber(ARGV[2])
-- ARGV[at] is the last argument read.
local at = 2
local writes, results, reads = {}, {}, {}
local function refuse(i, reason, flat) return { 0, i - 1, reason, flat or false } end
local function find(flat, name)
  for j = 1, #flat, 2 do if flat[j] == name then return j end end
end
-- Where each field of a large record is: a merge that sets or unsets many fields of a record of
-- thousands (trusted browsers an older version let grow, pruned in one write) looks each up once,
-- not by a scan each (quadratic: seconds of a blocked Redis at 6,000 fields).
local function indexOf(flat)
  local index = {}
  for j = 1, #flat, 2 do if flat[j] then index[flat[j]] = j end end
  return index
end
-- JavaScript's Number(text), as the reference compares: '' is 0, and a text Lua reads otherwise
-- ('inf', '-0x1', '0x1p4') is read again by Number's rules.
local function num(s)
  if s == '0' then return 0 end
  local n = tonumber(s)
  if n and n == n and n ~= huge and n ~= -huge and not string.find(s, '[xXpP]') then return n end
  s = string.match(s, '^%s*(.-)%s*$')
  if s == '' then return 0 end
  if s == 'Infinity' or s == '+Infinity' then return huge end
  if s == '-Infinity' then return -huge end
  local radix = ({ x = 16, X = 16, o = 8, O = 8, b = 2, B = 2 })[string.match(s, '^0(%a)%w+$') or '']
  if radix then return tonumber(string.sub(s, 3), radix) or 0 / 0 end
  if string.find(s, '^[+-]?%d*%.?%d*[eE]?[+-]?%d*$') and string.find(s, '^[+-]?%.?%d') then
    return tonumber(s) or 0 / 0
  end
  return 0 / 0
end
-- A computed number to write: an integer as a Lua number (Redis prints it exactly, %.17g), anything
-- else as JavaScript's String(n).
local function out(n)
  if n % 1 == 0 and n > -2^53 and n < 2^53 then return n + 0 end
  if n ~= n then return 'NaN' end
  if n == huge then return 'Infinity' end
  if n == -huge then return '-Infinity' end
  for digits = 15, 17 do
    local s = string.format('%.' .. digits .. 'g', n)
    if tonumber(s) == n then return s end
  end
end
-- A whole new record: the pairs of flat (skipping removed ones), expiring at e ('' none) in ttl ms.
local function rewrite(key, there, flat, e, ttl)
  if there then writes[#writes + 1] = { 'DEL', key } end
  local hset = { 'HSET', key, EXP, e }
  for j = 1, #flat, 2 do
    if flat[j] then hset[#hset + 1] = flat[j] hset[#hset + 1] = flat[j + 1] end
  end
  if #hset == 4 then return end
  writes[#writes + 1] = hset
  if e ~= '' then writes[#writes + 1] = pexpire(key, ttl) end
end

-- KEYS after the ops' keys are read (before any change) and returned after the results.
for i = nops + 1, #KEYS do reads[i - nops] = load(KEYS[i]) or false end

-- The ops, the frequent ones first. Each checks its record (returning a refusal), then queues its
-- writes and sets its result.
for i = 1, nops do
  local key, t = KEYS[i], ARGV[at + 1]
  results[i] = false
  if t == 'M' then
    -- One header for the fixed parts and the lists' lengths: no '' ends a list, so a merge takes
    -- its values only (every argument costs the client and the server as a short command would).
    local create, wanted, ttl, nmatch, nabsent, advance, nset, nunset =
      string.match(ARGV[at + 2], '^([01]),([^,]*),([^,]*),(%d+),(%d+),([01]),(%d+),(%d+)$')
    local p = at + 3
    local live, there = load(key)
    if not live and create ~= '1' then return refuse(i, 'missing') end
    local flat = live or {}
    local index = #flat > 64 and indexOf(flat) or nil
    local function findHere(name)
      if index then return index[name] end
      return find(flat, name)
    end
    for _ = 1, tonumber(nmatch) do
      local k = findHere(ARGV[p])
      if not k or flat[k + 1] ~= ARGV[p + 1] then return refuse(i, 'mismatch', live) end
      p = p + 2
    end
    for _ = 1, tonumber(nabsent) do
      if findHere(ARGV[p]) then return refuse(i, 'mismatch', live) end
      p = p + 1
    end
    local field, value = nil, nil
    if advance == '1' then
      field, value = ARGV[p], ARGV[p + 1]
      p = p + 2
      local k = findHere(field)
      if k and not (num(flat[k + 1]) < num(value)) then return refuse(i, 'stale', live) end
    end
    -- The record's array changed in place (a field set where it is, or appended; a field unset,
    -- and the expiry, leave holes): what a created record is written from.
    local e = findHere(EXP)
    local old = e and flat[e + 1] or ''
    if e then flat[e] = false flat[e + 1] = false end
    local count = #flat / 2 - (e and 1 or 0)
    local hset, hdel = { 'HSET', key }, { 'HDEL', key }
    -- The set pairs, then the advanced field (a set too).
    local sets = tonumber(nset)
    for s = 1, sets + (field and 1 or 0) do
      local name, v = field, value
      if s <= sets then
        name, v = ARGV[p], ARGV[p + 1]
        p = p + 2
      end
      local k = findHere(name)
      if k then
        flat[k + 1] = v
      else
        count = count + 1
        flat[#flat + 1] = name
        flat[#flat + 1] = v
        if index then index[name] = #flat - 1 elseif #flat > 128 then index = indexOf(flat) end
      end
      hset[#hset + 1] = name
      hset[#hset + 1] = v
    end
    for _ = 1, tonumber(nunset) do
      local name = ARGV[p]
      p = p + 1
      local k = findHere(name)
      if k then
        count = count - 1
        flat[k] = false
        flat[k + 1] = false
        hdel[#hdel + 1] = name
        if index then index[name] = nil end
      end
    end
    at = p - 1
    if not live then
      if wanted == '-' then wanted = '' end
      rewrite(key, there, flat, wanted, ttl)
    elseif count == 0 then
      writes[#writes + 1] = { 'DEL', key }
    else
      local grown = wanted == '' or (wanted ~= '-' and old ~= '' and tonumber(wanted) > tonumber(old))
      if grown and wanted ~= old then hset[#hset + 1] = EXP hset[#hset + 1] = wanted end
      if #hset > 2 then writes[#writes + 1] = hset end
      if #hdel > 2 then writes[#writes + 1] = hdel end
      if grown and wanted ~= old then
        writes[#writes + 1] = wanted == '' and { 'PERSIST', key } or pexpire(key, ttl)
      end
    end
  elseif t == 'X' then
    local mustExist, max, free, ttlMs, untilMs, slide, afterMs =
      string.match(ARGV[at + 2], '^(%d),([^,]*),([^,]*),([^,]*),([^,]*),(%d),([^,]*)$')
    local locks = ARGV[at + 3]
    at = at + 3
    local live, there = load(key)
    if not live and mustExist == '1' then return refuse(i, 'missing') end
    local flat = live or {}
    local ka, kl, ke, kd, kx
    for j = 1, #flat, 2 do
      local name = flat[j]
      if name == 'f:attempts' then ka = j
      elseif name == 'f:lockedUntil' then kl = j
      elseif name == EXP then kx = j
      elseif name == 'f:ended' then ke = j
      elseif name == 'f:deadline' then kd = j end
    end
    local attempts, lockedUntil = ka and num(flat[ka + 1]) or 0, kl and num(flat[kl + 1]) or 0
    if ke or (max ~= '' and attempts >= tonumber(max)) then return refuse(i, 'ended', flat) end
    if kd then
      local deadline, extended = num(flat[kd + 1]), 0
      if lockedUntil > 0 then extended = lockedUntil + tonumber(afterMs) end
      if extended > deadline then deadline = extended end
      if now >= deadline then return refuse(i, 'expired', flat) end
    end
    if now < lockedUntil then return refuse(i, 'locked', flat) end
    local attempt, lockMs = attempts + 1, 0
    if locks ~= '' then
      local index = attempt - tonumber(free)
      if index >= 1 then
        -- The index-th of the comma-separated locks, or the last one past the end.
        local from, ms = 1, nil
        for _ = 1, index do
          local comma = string.find(locks, ',', from, true)
          if not comma then ms = string.sub(locks, from) break end
          ms = string.sub(locks, from, comma - 1)
          from = comma + 1
        end
        lockMs = tonumber(ms) or 0
      end
    end
    -- lockedUntil is written again only when it changes (a new lock, or a text Number would change).
    local attemptOut, lockedOut = out(attempt), nil
    if lockMs > 0 then
      lockedUntil = now + lockMs
      lockedOut = out(lockedUntil)
    elseif not kl then
      lockedOut = '0'
    elseif flat[kl + 1] ~= '0' then
      lockedOut = out(lockedUntil)
    end
    local old = kx and flat[kx + 1] or ''
    if kx then flat[kx] = false flat[kx + 1] = false end
    if ka then flat[ka + 1] = attemptOut else flat[#flat + 1] = 'f:attempts' flat[#flat + 1] = attemptOut end
    if kl then flat[kl + 1] = lockedOut or flat[kl + 1]
    else flat[#flat + 1] = 'f:lockedUntil' flat[#flat + 1] = lockedOut end
    results[i] = flat
    -- The expiry: the latest of the record's, now + ttlMs (a new record, or a sliding one) and the end
    -- of the lock plus afterLockMs. The client sent now + ttlMs and ttlMs as text.
    local e, ttl, best
    if not live or old ~= '' then
      if not live or slide == '1' then e, ttl = untilMs, ttlMs best = tonumber(e) end
      if live and (not best or tonumber(old) >= best) then e, best = nil, tonumber(old) end
      if lockMs > 0 then
        local afterLockAt = lockedUntil + tonumber(afterMs)
        if afterLockAt > best then e, ttl = out(afterLockAt), out(afterLockAt - now) end
      end
    end
    if not live then
      rewrite(key, there, flat, e, ttl)
    else
      local hset = { 'HSET', key, 'f:attempts', attemptOut }
      if lockedOut then hset[5] = 'f:lockedUntil' hset[6] = lockedOut end
      if e then hset[#hset + 1] = EXP hset[#hset + 1] = e end
      writes[#writes + 1] = hset
      if e then writes[#writes + 1] = pexpire(key, ttl) end
    end
  elseif t == 'P' or t == 'I' then
    local e, ttl = ARGV[at + 2], ARGV[at + 3]
    local first = at + 4
    at = first
    while ARGV[at] ~= '' do at = at + 2 end
    if t == 'I' then
      local live = load(key)
      if live then return refuse(i, 'exists', live) end
    end
    writes[#writes + 1] = { 'DEL', key }
    if at > first then
      local hset = { 'HSET', key, EXP, e }
      for j = first, at - 1 do hset[#hset + 1] = ARGV[j] end
      writes[#writes + 1] = hset
      if e ~= '' then writes[#writes + 1] = pexpire(key, ttl) end
    end
  elseif t == 'A' then
    at = at + 1
    local live = load(key)
    if live then return refuse(i, 'exists', live) end
  elseif t == 'B' then
    local live = load(key)
    at = at + 2
    while ARGV[at] ~= '' do
      if live and find(live, ARGV[at]) then return refuse(i, 'exists', live) end
      at = at + 1
    end
  elseif t == 'D' then
    at = at + 1
    writes[#writes + 1] = { 'DEL', key }
  elseif t == 'T' then
    local live = load(key)
    if not live then return refuse(i, 'missing') end
    at = at + 2
    while ARGV[at] ~= '' do
      local k = find(live, ARGV[at])
      if not k or live[k + 1] ~= ARGV[at + 1] then return refuse(i, 'mismatch', live) end
      at = at + 2
    end
    results[i] = live
    writes[#writes + 1] = { 'DEL', key }
  elseif t == 'F' then
    local name = ARGV[at + 2]
    at = at + 2
    local live = load(key)
    local k = live and find(live, name)
    if not k then return refuse(i, 'missing') end
    results[i] = { name, live[k + 1] }
    if #live == (find(live, EXP) and 4 or 2) then writes[#writes + 1] = { 'DEL', key }
    else writes[#writes + 1] = { 'HDEL', key, name } end
  else
    error('unknown op ' .. tostring(t))
  end
end
-- Every op holds: write.
-- A write of many fields goes in slices: Lua unpacks at most about 8,000 values at once (an even
-- slice keeps HSET's name/value pairs whole).
for _, w in ipairs(writes) do
  if #w <= 4002 or (w[1] ~= 'HSET' and w[1] ~= 'HDEL') then
    redis.call(unpack(w))
  else
    for j = 3, #w, 4000 do redis.call(w[1], w[2], unpack(w, j, math.min(j + 3999, #w))) end
  end
end
return { 1, results, reads }
`;
