import type { KeyInventory } from '../entries/index.js';

const count = (n: number) => n.toLocaleString('en-US');

/** The inventory as a table: one line per key id, its records by kind, what lasts; then what no key holds. */
export function keyTable(inventory: KeyInventory): string {
  const rows = inventory.keys.map((key) => [
    key.keyId,
    key.status,
    count(key.records),
    count(key.lasting),
    Object.entries(key.kinds)
      .map(([kind, n]) => `${kind} ${count(n)}`)
      .join(', ') || '-',
  ]);
  const head = ['key id', 'status', 'records', 'lasting', 'kinds'];
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ');
  const table = [line(head), ...rows.map(line)].map((text) => text.trimEnd()).join('\n');
  const unkeyed = Object.entries(inventory.unkeyed).map(([kind, n]) => `${kind} ${count(n)}`);
  return unkeyed.length === 0
    ? table
    : `${table}\n\nUnder no key: ${unkeyed.join(', ')} records (bcrypt hashes imported as they came: a rotation neither needs nor moves them).`;
}

/** Older keys that still hold lasting records, or records that cannot be opened at all. */
export function keysBlockingRemoval(inventory: KeyInventory): string[] {
  return inventory.keys
    .filter(
      (key) => (key.status === 'older' && key.lasting > 0) || (key.status === 'missing' && key.records > 0),
    )
    .map((key) => key.keyId);
}

/** What the person may do next with the older keys, in a sentence or two. */
export function nextStep(inventory: KeyInventory): string {
  const blocking = keysBlockingRemoval(inventory);
  const missing = inventory.keys.filter((key) => key.status === 'missing' && key.records > 0);
  if (missing.length > 0)
    return `Records name key ${missing.map((key) => key.keyId).join(', ')}, which is not configured: their values cannot be opened (add that key to FACTORKIT_OLD_KEYS and run rekey).`;
  if (blocking.length > 0)
    return (
      `Key ${blocking.join(', ')} still holds lasting records: run \`npx factorkit rekey\` before removing it. ` +
      'What rekey cannot move (backup codes factorkit 0.1 hashed under it) stays until those users make new codes (docs/keys.md).'
    );
  const older = inventory.keys.filter((key) => key.status === 'older');
  if (older.length === 0) return 'Only the current key is configured.';
  const lapsing = older.some((key) => key.records > 0);
  return lapsing
    ? 'The older keys hold only values that lapse by themselves (codes in flight, trusted browsers): they can go now (those browsers ask for a code once), or when the count reaches zero.'
    : 'No record needs the older keys: remove them from FACTORKIT_OLD_KEYS.';
}
