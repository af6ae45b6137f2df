import {
  attemptState,
  type CommitResult,
  type Fields,
  lockAfterAttempt,
  type StoredRecord,
  type StoreOp,
} from './store.js';

/** The change an op makes once every condition holds: a new record, or null to delete. */
type Change = { key: string; record: StoredRecord | null };

type Evaluated =
  | { ok: true; result: Fields | null; change: Change | null }
  | {
      ok: false;
      reason: Extract<CommitResult, { ok: false }>['reason'];
      fields: Fields | null;
      expiresAt: number | null;
    };

/** A refusal that reports the live record (or none) the op was refused against. */
function refuse(reason: Extract<Evaluated, { ok: false }>['reason'], live: StoredRecord | null): Evaluated {
  return { ok: false, reason, fields: live ? { ...live.fields } : null, expiresAt: live?.expiresAt ?? null };
}

function extendExpiry(old: number | null, wanted: number | null | undefined): number | null {
  if (wanted === undefined) return old;
  if (wanted === null || old === null) return null;
  return Math.max(old, wanted);
}

/**
 * A field's value only when the record has it as its own: field names come from outside (a device
 * id in a URL), and `__proto__` or `toString` must not find an object's built-ins.
 */
function own(fields: Fields, name: string): string | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function matches(fields: Fields, match: Fields | undefined): boolean {
  if (!match) return true;
  for (const [name, value] of Object.entries(match)) if (own(fields, name) !== value) return false;
  return true;
}

function evaluateAttempt(
  op: Extract<StoreOp, { type: 'attempt' }>,
  live: StoredRecord | null,
  now: number,
): Evaluated {
  if (!live && op.mustExist) return refuse('missing', null);
  const fields = live ? live.fields : {};
  const { attempts, lockedUntil } = attemptState(fields);
  const { schedule } = op;
  if (fields['ended'] !== undefined || (schedule.maxAttempts !== null && attempts >= schedule.maxAttempts)) {
    return { ok: false, reason: 'ended', fields: { ...fields }, expiresAt: live?.expiresAt ?? null };
  }
  if (fields['deadline'] !== undefined) {
    const extended = lockedUntil > 0 ? lockedUntil + schedule.afterLockMs : 0;
    if (now >= Math.max(Number(fields['deadline']), extended))
      return { ok: false, reason: 'expired', fields: { ...fields }, expiresAt: live?.expiresAt ?? null };
  }
  if (now < lockedUntil)
    return { ok: false, reason: 'locked', fields: { ...fields }, expiresAt: live?.expiresAt ?? null };
  const attempt = attempts + 1;
  const lockMs = lockAfterAttempt(schedule, attempt);
  const nextLockedUntil = lockMs > 0 ? now + lockMs : lockedUntil;
  const next: Fields = { ...fields, attempts: String(attempt), lockedUntil: String(nextLockedUntil) };
  const afterLock = lockMs > 0 ? nextLockedUntil + schedule.afterLockMs : 0;
  const expiresAt = !live
    ? Math.max(now + schedule.ttlMs, afterLock)
    : live.expiresAt === null
      ? null
      : Math.max(live.expiresAt, schedule.slide ? now + schedule.ttlMs : 0, afterLock);
  return { ok: true, result: next, change: { key: op.key, record: { fields: next, expiresAt } } };
}

function evaluateMerge(op: Extract<StoreOp, { type: 'merge' }>, live: StoredRecord | null): Evaluated {
  if (!live && !op.create) return refuse('missing', null);
  const current = live?.fields ?? {};
  if (!matches(current, op.match) || (op.absent ?? []).some((name) => own(current, name) !== undefined)) {
    return refuse('mismatch', live);
  }
  const advance = op.advance;
  if (advance) {
    const floor = own(current, advance.field);
    // Only a number below `value` grows (a field that is not a number never does).
    if (floor !== undefined && !(Number(floor) < advance.value)) return refuse('stale', live);
  }
  const fields: Fields = { ...current, ...op.fields };
  // Defined, not assigned: a field named `__proto__` is a field like any other.
  if (advance)
    Object.defineProperty(fields, advance.field, {
      value: String(advance.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  for (const name of op.unset ?? []) delete fields[name];
  const expiresAt = live ? extendExpiry(live.expiresAt, op.expiresAt) : (op.expiresAt ?? null);
  return { ok: true, result: null, change: write(op.key, fields, expiresAt, live) };
}

/** A record always has a field: writing none removes it (or, when there was none, writes nothing). */
function write(
  key: string,
  fields: Fields,
  expiresAt: number | null,
  live: StoredRecord | null,
): Change | null {
  if (Object.keys(fields).length > 0) return { key, record: { fields, expiresAt } };
  return live ? { key, record: null } : null;
}

/** Evaluates one op against the live record of its key (reference semantics for every store). */
export function evaluateOp(op: StoreOp, live: StoredRecord | null, now: number): Evaluated {
  switch (op.type) {
    case 'put':
      return { ok: true, result: null, change: write(op.key, { ...op.fields }, op.expiresAt, live) };
    case 'insert':
      if (live) return refuse('exists', live);
      return { ok: true, result: null, change: write(op.key, { ...op.fields }, op.expiresAt, null) };
    case 'absent':
      if (live && (!op.fields || op.fields.some((name) => own(live.fields, name) !== undefined)))
        return refuse('exists', live);
      return { ok: true, result: null, change: null };
    case 'delete':
      return { ok: true, result: null, change: live ? { key: op.key, record: null } : null };
    case 'take':
      if (!live) return refuse('missing', null);
      if (!matches(live.fields, op.match)) return refuse('mismatch', live);
      return { ok: true, result: { ...live.fields }, change: { key: op.key, record: null } };
    case 'takeField': {
      const value = live ? own(live.fields, op.field) : undefined;
      if (!live || value === undefined) return refuse('missing', null);
      const rest = { ...live.fields };
      delete rest[op.field];
      return { ok: true, result: { [op.field]: value }, change: write(op.key, rest, live.expiresAt, live) };
    }
    case 'merge':
      return evaluateMerge(op, live);
    case 'attempt':
      return evaluateAttempt(op, live, now);
  }
}

/** Rejects commits that touch a key twice (the contract's one-touch rule). */
export function assertDistinctKeys(ops: readonly StoreOp[]): void {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.key)) throw new Error(`[factorkit] commit touches key ${op.key} twice`);
    seen.add(op.key);
  }
}

/** The commit failure for a refused op at `index`. */
export function failureAt(
  index: number,
  evaluated: Extract<Evaluated, { ok: false }>,
): Extract<CommitResult, { ok: false }> {
  return {
    ok: false,
    index,
    reason: evaluated.reason,
    fields: evaluated.fields,
    expiresAt: evaluated.expiresAt,
  };
}

/** A commit worked out against the live records: its result, and the writes to make when it succeeded. */
export interface CommitPlan {
  result: CommitResult;
  /** Records to write (null: delete), in op order; empty when the commit was refused. */
  changes: Array<{ key: string; record: StoredRecord | null }>;
}

/**
 * The reference semantics of a whole commit: reads the `read` keys, then evaluates every op in
 * order against `live(key)` (the record as it is now, or null), stopping at the first refusal.
 * A store that can lock or serialise the keys of a commit (a transaction, a single thread) runs it
 * inside that step and writes `changes`: MemoryStore and SqliteStore are exactly that.
 * @throws {Error} when the commit touches a key twice (a programming error).
 */
export function planCommit(
  ops: readonly StoreOp[],
  now: number,
  read: readonly string[] | undefined,
  live: (key: string) => StoredRecord | null,
): CommitPlan {
  assertDistinctKeys(ops);
  const records = read?.map(live);
  const results: Array<Fields | null> = [];
  const changes: CommitPlan['changes'] = [];
  for (const [index, op] of ops.entries()) {
    const evaluated = evaluateOp(op, live(op.key), now);
    if (!evaluated.ok) return { result: failureAt(index, evaluated), changes: [] };
    results.push(evaluated.result);
    if (evaluated.change) changes.push(evaluated.change);
  }
  return { result: records ? { ok: true, results, read: records } : { ok: true, results }, changes };
}
