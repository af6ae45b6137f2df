import type { CommitResult, Fields, OpFailure, StoredRecord, StoreOp } from '../../store/store.js';

/** A list of names as a PostgreSQL array literal (`{"a","b"}`): the function casts it to text[] with no subquery. */
export function textArrayLiteral(names: readonly string[]): string {
  return `{${names.map((name) => `"${name.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

function encodeMerge(op: Extract<StoreOp, { type: 'merge' }>): Record<string, unknown> {
  const encoded: Record<string, unknown> = { t: 'merge', f: op.fields, m: op.match ?? {} };
  if (op.create) encoded['c'] = 1;
  if (op.absent?.length) encoded['a'] = textArrayLiteral(op.absent);
  if (op.unset?.length) encoded['u'] = textArrayLiteral(op.unset);
  // The value compared (NaN never grows: null), and the text written, as String() writes it.
  const { advance } = op;
  if (advance)
    encoded['v'] = [
      advance.field,
      Number.isNaN(advance.value) ? null : String(advance.value),
      String(advance.value),
    ];
  if (op.expiresAt !== undefined) encoded['e'] = op.expiresAt;
  return encoded;
}

/**
 * One op as the commit function reads it (postgres-commit-sql.ts): `t` the type, then short
 * members; a flag is present only when true, names to test or remove travel as array literals.
 */
export function encodeOp(op: StoreOp): Record<string, unknown> {
  switch (op.type) {
    case 'put':
    case 'insert':
      return { t: op.type, f: op.fields, e: op.expiresAt };
    case 'absent':
      return op.fields ? { t: 'absent', n: textArrayLiteral(op.fields) } : { t: 'absent' };
    case 'delete':
      return { t: 'delete' };
    case 'take':
      return { t: 'take', m: op.match ?? {} };
    case 'takeField':
      return { t: 'takeField', n: op.field };
    case 'merge':
      return encodeMerge(op);
    case 'attempt': {
      const s = op.schedule;
      const encoded: Record<string, unknown> = {
        t: 'attempt',
        max: s.maxAttempts,
        free: s.freeAttempts,
        l: s.lockMs,
        ttl: s.ttlMs,
        after: s.afterLockMs,
      };
      if (op.mustExist) encoded['x'] = 1;
      if (s.slide) encoded['slide'] = 1;
      return encoded;
    }
  }
}

/**
 * The order in which the commit function takes its locks: the 1-based positions of the op keys
 * (taken exclusive) and, negated, of the read keys no op touches (taken shared), all in code-unit
 * order of the keys. One order for every commit, so two commits never wait for each other in a
 * circle; and a read key's shared lock orders the commit with every commit that writes that key.
 */
export function lockOrder(keys: readonly string[], read: readonly string[] | undefined): number[] {
  const locks = keys.map((key, index) => ({ key, at: index + 1 }));
  const written = new Set(keys);
  for (const [index, key] of (read ?? []).entries())
    if (!written.has(key)) {
      written.add(key);
      locks.push({ key, at: -(index + 1) });
    }
  return locks.sort((a, b) => (a.key < b.key ? -1 : 1)).map((lock) => lock.at);
}

/** The commit function's answer. */
export type CommitReply =
  | { r: Array<Fields | null>; d: Record<string, [Fields, number | null]> | null }
  | { i: number; why: OpFailure; f: Fields | null; e: number | null };

/** The commit result of a reply, with the `read` records in the order asked. */
export function decodeReply(reply: CommitReply, read: readonly string[] | undefined): CommitResult {
  if ('why' in reply)
    return { ok: false, index: reply.i, reason: reply.why, fields: reply.f, expiresAt: reply.e };
  if (!read) return { ok: true, results: reply.r };
  const seen = reply.d ?? {};
  const records = read.map((key): StoredRecord | null => {
    const found = Object.hasOwn(seen, key) ? seen[key] : undefined;
    return found ? { fields: found[0], expiresAt: found[1] } : null;
  });
  return { ok: true, results: reply.r, read: records };
}
