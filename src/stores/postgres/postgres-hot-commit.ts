import type { StoreOp } from '../../store/store.js';
import { lockOrder, textArrayLiteral } from './postgres-ops.js';

type AttemptOp = Extract<StoreOp, { type: 'attempt' }>;
type MergeOp = Extract<StoreOp, { type: 'merge' }>;

/** A number as the commit function receives it through JSON: NaN and the infinities become null. */
const asJson = (value: number | null): number | null =>
  value !== null && Number.isFinite(value) ? value : null;

/** The lock keys in lock order, and whether each is taken exclusive (an op's) or shared (a read's). */
function locks(keys: readonly string[], read: readonly string[] | undefined): [string[], boolean[]] {
  const order = lockOrder(keys, read);
  return [order.map((at) => (at > 0 ? keys[at - 1]! : read![-at - 1]!)), order.map((at) => at > 0)];
}

function attemptValues(ops: readonly AttemptOp[]): unknown[] {
  const schedules = ops.map((op) => op.schedule);
  return [
    schedules.map((s) => asJson(s.maxAttempts)),
    schedules.map((s) => asJson(s.freeAttempts)),
    schedules.map((s) => `{${s.lockMs.map((ms) => asJson(ms) ?? 'NULL').join(',')}}`),
    schedules.map((s) => asJson(s.ttlMs)),
    schedules.map((s) => asJson(s.afterLockMs)),
    ops.map((op) => op.mustExist),
    schedules.map((s) => s.slide),
  ];
}

function mergeValues(ops: readonly MergeOp[]): unknown[] {
  const names = (list: readonly string[] | undefined) => (list?.length ? textArrayLiteral(list) : null);
  return [
    ops.map((op) => JSON.stringify(op.fields)),
    ops.map((op) => JSON.stringify(op.match ?? {})),
    ops.map((op) => op.create === true),
    ops.map((op) => names(op.absent)),
    ops.map((op) => names(op.unset)),
    ops.map((op) => op.advance?.field ?? null),
    // The value compared (NaN never grows: null), and the text written, as String() writes it.
    ops.map((op) => (op.advance && !Number.isNaN(op.advance.value) ? String(op.advance.value) : null)),
    ops.map((op) => (op.advance ? String(op.advance.value) : null)),
    ops.map((op) => op.expiresAt !== undefined),
    ops.map((op) => (op.expiresAt === undefined ? null : asJson(op.expiresAt))),
  ];
}

/** Expanded texts by statement text, then by shape (each array's length, `n` for none). */
const shapes = new Map<string, Map<string, string>>();

/**
 * The statement for these values with each array parameter (`$n::type[]`) written as an ARRAY of
 * scalar parameters, one per element (`NULL` for no array): its plan then knows how many keys and
 * ops there are, so PostgreSQL keeps one generic plan per shape instead of planning every call.
 */
export function expandArrays(text: string, values: readonly unknown[]): { text: string; values: unknown[] } {
  const flat: unknown[] = [];
  const shape: string[] = [];
  const numbers = values.map((value) => {
    if (value === null) {
      shape.push('n');
      return 0;
    }
    if (!Array.isArray(value)) {
      flat.push(value);
      shape.push('s');
      return flat.length;
    }
    shape.push(String(value.length));
    const from = flat.length + 1;
    flat.push(...value);
    return from;
  });
  const key = shape.join(',');
  let byShape = shapes.get(text);
  if (!byShape) shapes.set(text, (byShape = new Map()));
  let expanded = byShape.get(key);
  if (expanded === undefined) {
    expanded = text.replace(
      /\$(\d+)(::(\w+)(\[\])?)?/g,
      (_, n: string, cast: string | undefined, type: string, array: string | undefined) => {
        const at = Number(n) - 1;
        const value = values[at];
        if (!array) return `$${numbers[at]}${cast ?? ''}`;
        if (!Array.isArray(value)) return `NULL::${type}[]`;
        if (value.length === 0) return `'{}'::${type}[]`;
        return `ARRAY[${value.map((_v, i) => `$${numbers[at]! + i}::${type}`).join(', ')}]::${type}[]`;
      },
    );
    byShape.set(key, expanded);
  }
  return { text: expanded, values: flat };
}

/**
 * Which hot statement runs a commit (postgres-hot-sql.ts), and its values; null for any other
 * commit (the commit function runs it). Hot: a commit of attempt ops only, or merges only, with or
 * without reads.
 */
export function hotCommit(
  ops: readonly StoreOp[],
  now: number,
  read: readonly string[] | undefined,
): { statement: 'attempt' | 'merge'; values: unknown[] } | null {
  if (ops.length === 0) return null;
  const type = ops[0]!.type;
  if ((type !== 'attempt' && type !== 'merge') || ops.some((op) => op.type !== type)) return null;
  const keys = ops.map((op) => op.key);
  const head = [now, keys, ...locks(keys, read), read ?? null];
  return type === 'attempt'
    ? { statement: 'attempt', values: [...head, ...attemptValues(ops as AttemptOp[])] }
    : { statement: 'merge', values: [...head, ...mergeValues(ops as MergeOp[])] };
}
