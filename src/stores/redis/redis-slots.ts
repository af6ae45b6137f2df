import { FactorkitError } from '../../core/errors.js';

const SLOTS = 16_384;

/** CRC16-CCITT (XMODEM) by byte, the hash Redis Cluster maps keys to slots with. */
const CRC16_TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  return crc & 0xffff;
});

/** What Redis hashes: the text between the first `{` and the next `}` when not empty, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

function slotOfTag(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ byte]!;
  return crc % SLOTS;
}

/** The Redis Cluster slot of `key`, as the server computes it (`CLUSTER KEYSLOT`). */
export function clusterSlot(key: string): number {
  return slotOfTag(hashTag(key));
}

/**
 * Refuses keys of one script that span cluster slots, on every deployment: a cluster would refuse
 * the script (CROSSSLOT) while a standalone server runs it, so a caller that mixes users would pass
 * its tests on one Redis and fail in production. Keys that share a tag are not hashed.
 */
export function assertOneSlot(keys: readonly string[], what: string): void {
  const tag = hashTag(keys[0] ?? '');
  let slot: number | undefined;
  for (let i = 1; i < keys.length; i++) {
    const other = hashTag(keys[i]!);
    if (other === tag) continue;
    slot ??= slotOfTag(tag);
    const otherSlot = slotOfTag(other);
    if (otherSlot !== slot)
      throw new FactorkitError(
        'CROSS_SLOT',
        `[redis] the keys of one ${what} must share a cluster slot: key 0 is in slot ${slot}, key ${i} in slot ${otherSlot} (give them one {hash tag})`,
      );
  }
}
