import type { CommitResult, Fields, OpFailure, StoredRecord, StoreOp } from '../../store/store.js';

/** User fields are hash fields `f:<name>`: the client adds and strips the prefix, so Lua never does. */
const FIELD = 'f:';
const EXPIRY = '__exp';

/** Ends a list: no field name is '' (each carries its prefix). */
const END = '';

/** An expiry as the scripts take it: ms ('' none), and the ms from now to it, for PEXPIRE. */
function pushExpiry(out: string[], expiresAt: number | null, now: number): void {
  if (expiresAt === null) out.push('', '');
  else out.push(String(expiresAt), String(Math.max(1, Math.ceil(expiresAt - now))));
}

function pushFields(out: string[], fields: Fields): void {
  for (const name of Object.keys(fields)) out.push(FIELD + name, fields[name]!);
  out.push(END);
}

function pushNames(out: string[], names: readonly string[]): void {
  for (const name of names) out.push(FIELD + name);
  out.push(END);
}

function pushMerge(out: string[], op: Extract<StoreOp, { type: 'merge' }>, now: number): void {
  const match = op.match ?? {};
  const matched = Object.keys(match);
  const absent = op.absent ?? [];
  const set = Object.keys(op.fields);
  const unset = op.unset ?? [];
  // The fixed parts and the lists' lengths in one argument, as an attempt's schedule: the lists then
  // go without '' ends (a right code's success commit: 24 arguments with the script's SHA, was 44).
  const header: string[] = [op.create ? '1' : '0'];
  if (op.expiresAt === undefined) header.push('-', '');
  else pushExpiry(header, op.expiresAt, now);
  header.push(
    String(matched.length),
    String(absent.length),
    op.advance ? '1' : '0',
    String(set.length),
    String(unset.length),
  );
  out.push('M', header.join(','));
  for (const name of matched) out.push(FIELD + name, match[name]!);
  for (const name of absent) out.push(FIELD + name);
  if (op.advance) out.push(FIELD + op.advance.field, String(op.advance.value));
  for (const name of set) out.push(FIELD + name, op.fields[name]!);
  for (const name of unset) out.push(FIELD + name);
}

function pushAttempt(out: string[], op: Extract<StoreOp, { type: 'attempt' }>, now: number): void {
  const { schedule } = op;
  // Numbers only, so commas separate them: two arguments instead of 9 + the locks.
  out.push(
    'X',
    [
      op.mustExist ? '1' : '0',
      schedule.maxAttempts === null ? '' : String(schedule.maxAttempts),
      String(schedule.freeAttempts),
      String(Math.max(1, Math.ceil(schedule.ttlMs))),
      String(now + schedule.ttlMs),
      schedule.slide ? '1' : '0',
      String(schedule.afterLockMs),
    ].join(','),
    schedule.lockMs.join(','),
  );
}

function pushOp(out: string[], op: StoreOp, now: number): void {
  switch (op.type) {
    case 'put':
    case 'insert':
      out.push(op.type === 'put' ? 'P' : 'I');
      pushExpiry(out, op.expiresAt, now);
      pushFields(out, op.fields);
      break;
    case 'absent':
      if (op.fields) {
        out.push('B');
        pushNames(out, op.fields);
      } else out.push('A');
      break;
    case 'delete':
      out.push('D');
      break;
    case 'take':
      out.push('T');
      pushFields(out, op.match ?? {});
      break;
    case 'takeField':
      out.push('F', FIELD + op.field);
      break;
    case 'merge':
      pushMerge(out, op, now);
      break;
    case 'attempt':
      pushAttempt(out, op, now);
      break;
  }
}

/**
 * The arguments of the commit script: the key count, the keys (each op's, then the reads'), now,
 * the op count, then each op positionally (the layout is documented beside `COMMIT_LUA`).
 */
export function commitArgs(keys: readonly string[], ops: readonly StoreOp[], now: number): string[] {
  const out = [String(keys.length), ...keys, String(now), String(ops.length)];
  for (const op of ops) pushOp(out, op, now);
  return out;
}

/** Sets a field as an own property, `__proto__` included (a plain assignment would set the prototype). */
function setField(fields: Fields, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  else fields[name] = value;
}

/** A record or result as the scripts return it: flat name/value pairs, or null. */
export type FlatRecord = Array<string | number | null>;

/**
 * A record as the scripts return it (HGETALL's flat array, `__exp` included), or null. In a result,
 * a removed pair is nil and a counter the script computed is an integer.
 */
export function parseRecord(flat: FlatRecord | null): StoredRecord | null {
  if (!flat) return null;
  const fields: Fields = {};
  let expiresAt: number | null = null;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    if (name === EXPIRY) expiresAt = flat[i + 1] === '' ? null : Number(flat[i + 1]);
    else if (typeof name === 'string') setField(fields, name.slice(FIELD.length), String(flat[i + 1]));
  }
  return { fields, expiresAt };
}

/** The reply of the commit script: `[1, results, reads]` or `[0, index, reason, record]`. */
export type CommitReply =
  | [1, Array<FlatRecord | null>, Array<FlatRecord | null>]
  | [0, number, OpFailure, FlatRecord | null];

/** A commit result from the script's reply; `read` is reported when the caller passed read keys. */
export function parseCommit(reply: CommitReply, withRead: boolean): CommitResult {
  if (reply[0] === 1) {
    const results = reply[1].map((flat) => parseRecord(flat)?.fields ?? null);
    return withRead ? { ok: true, results, read: reply[2].map(parseRecord) } : { ok: true, results };
  }
  const live = parseRecord(reply[3]);
  return {
    ok: false,
    index: reply[1],
    reason: reply[2],
    fields: live?.fields ?? null,
    expiresAt: live?.expiresAt ?? null,
  };
}
