import { Keyring, type KeysInput } from '../core/keyring.js';
import { type RandomSource, randomToken, secureRandom } from '../core/random.js';
import type { KeyUse } from '../store/key-use.js';
import { storeKeys } from '../store/keys.js';
import { parseStoredJson } from '../store/record-fields.js';
import type { Fields, Store, StoredRecord, StoreOp } from '../store/store.js';

/** A trusted browser as `devices.list` shows it. */
export interface TrustedDevice {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
}

interface DeviceEntry {
  label: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  /** The key its id (a keyed hash of the token) was made with; absent in entries of factorkit 0.1. */
  kid?: string;
}

const TOKEN_BYTES = 32; // 256 bits

/**
 * Trusted browsers one user may have; a new one beyond them makes the oldest go (it asks for a code
 * again), as security keys stop at 10. Every login on a trusted browser reads the whole record, so
 * it must not grow: at 6,000 entries a SQLite sign-in blocked the event loop for 125 ms.
 */
export const MAX_TRUSTED_BROWSERS = 10;
/** Reads of the record one check may take while other tabs of the browser mark the entry used. */
const CHECK_TRIES = 3;

/** A short label from a user agent: "Chrome on Linux", or what was given. */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser} on ${os}`;
  return (browser ?? os ?? userAgent).slice(0, 80);
}

/** Labels are kept to this many UTF-16 units. */
const LABEL_MAX = 120;

/**
 * A label as stored and listed: control characters, bidirectional overrides and isolates (which
 * would reorder an admin's list) and lone surrogates become spaces, runs of
 * white space one space, cut to 120 units without halving a character (a cut emoji left a lone
 * surrogate); a label left empty is `Unknown browser`.
 */
export function storableDeviceLabel(label: string): string {
  const spaced = label
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = spaced
    .slice(0, LABEL_MAX)
    .replace(/[\uD800-\uDBFF]$/, '')
    .trimEnd();
  return cut || 'Unknown browser';
}

/**
 * Trusted browsers ("skip 2FA for 14 days"): a 256-bit random token for the host's cookie, kept
 * only as a keyed hash in one record per user, bound to that user, expiring a fixed time after it
 * was issued. A cleared cookie, another browser, another user's token, a tampered or expired token:
 * each is simply "not trusted".
 */
export class TrustedDeviceStore {
  private readonly keyring: Keyring;
  private readonly random: RandomSource;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      store: Store;
      keys: KeysInput | Keyring;
      random?: RandomSource;
      now?: () => number;
    },
  ) {
    this.keyring = options.keys instanceof Keyring ? options.keys : new Keyring(options.keys);
    this.random = options.random ?? secureRandom;
    this.now = options.now ?? Date.now;
  }

  /**
   * A new token and the op that records it; the token goes to the cookie and nowhere else. The op
   * also removes the expired entries and, past {@link MAX_TRUSTED_BROWSERS}, the oldest ones (read
   * here: one more read, only when a browser is to be trusted, unless the caller read
   * `storeKeys.devices(userId)` in a commit of its own and passes it as `read`). Two issued
   * at once may leave one over the cap until the next write.
   */
  async issue(
    userId: string,
    label: string,
    ttlMs: number,
    read?: { record: StoredRecord | null },
  ): Promise<{ token: string; deviceId: string; expiresAt: number; op: StoreOp }> {
    const token = randomToken(this.random, TOKEN_BYTES);
    const deviceId = this.idOf(userId, token)[0]!;
    const now = this.now();
    const record = read ? read.record : await this.options.store.get(storeKeys.devices(userId), now);
    const entry: DeviceEntry = {
      label: storableDeviceLabel(label),
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + ttlMs,
      kid: this.keyring.currentId,
    };
    const op: StoreOp = {
      type: 'merge',
      key: storeKeys.devices(userId),
      fields: { [deviceId]: JSON.stringify(entry) },
      unset: prunable(record?.fields ?? {}, now, MAX_TRUSTED_BROWSERS - 1),
      create: true,
      expiresAt: entry.expiresAt,
    };
    return { token, deviceId, expiresAt: entry.expiresAt, op };
  }

  /**
   * The device a token proves for this user, or null. Marks it used (compare-and-set on the entry,
   * so a concurrent revoke is never undone); an entry found under an older key moves to the
   * current key's id in the same step (the token is at hand only now), so a key rotation leaves
   * no browser in use behind.
   */
  async check(userId: string, token: unknown): Promise<TrustedDevice | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    // The entry changed between the read and the write: revoked (then the next read misses it) or
    // marked used by another tab of the same browser (then it is read again and still found).
    for (let tries = 0; tries < CHECK_TRIES; tries++) {
      const checked = await this.checkOnce(userId, token);
      if (checked !== 'changed') return checked;
    }
    return null;
  }

  private async checkOnce(userId: string, token: string): Promise<TrustedDevice | null | 'changed'> {
    const now = this.now();
    const record = await this.options.store.get(storeKeys.devices(userId), now);
    if (!record) return null;
    const ids = this.idOf(userId, token);
    for (const id of ids) {
      const raw = Object.hasOwn(record.fields, id) ? record.fields[id] : undefined;
      if (raw === undefined) continue;
      const { kid: _kid, ...entry } = parseStoredJson<DeviceEntry>(raw, 'devices');
      if (now >= entry.expiresAt) return null;
      const current = ids[0]!;
      const used = JSON.stringify({ ...entry, lastUsedAt: now, kid: this.keyring.currentId });
      // The write that marks it used drops the expired entries too, and an id under an older key.
      const unset = [
        ...prunable(record.fields, now, Number.POSITIVE_INFINITY),
        ...(id === current ? [] : [id]),
      ];
      const marked = await this.options.store.commit(
        [
          {
            type: 'merge',
            key: storeKeys.devices(userId),
            fields: { [current]: used },
            match: { [id]: raw },
            ...(unset.length > 0 ? { unset } : {}),
            ...(id === current ? {} : { absent: [current] }),
          },
        ],
        now,
      );
      // Trusted only if it was still there when marked: a revoke that landed meanwhile wins.
      if (!marked.ok) return 'changed';
      return { id: current, ...entry, lastUsedAt: now };
    }
    return null;
  }

  /** The user's unexpired trusted browsers, newest first. */
  async list(userId: string): Promise<TrustedDevice[]> {
    const now = this.now();
    const record = await this.options.store.get(storeKeys.devices(userId), now);
    return parseDevices(record?.fields ?? {}, now);
  }

  /** The op that forgets one browser (fails as `missing` when it is not there). */
  revokeOp(userId: string, deviceId: string): StoreOp {
    return { type: 'takeField', key: storeKeys.devices(userId), field: deviceId };
  }

  /** The op that forgets every browser of the user. */
  revokeAllOp(userId: string): StoreOp {
    return { type: 'delete', key: storeKeys.devices(userId) };
  }

  private idOf(userId: string, token: string): string[] {
    return this.keyring.hashAll(token, `device\0${userId}`).map((hash) => hash.slice(0, 22));
  }
}

/**
 * The entries of a devices record to remove: the expired (and any that does not parse: it can
 * trust no one), then the oldest live ones past `keep`.
 */
function prunable(fields: Fields, now: number, keep: number): string[] {
  const gone: string[] = [];
  const live: Array<{ id: string; createdAt: number }> = [];
  for (const [id, raw] of Object.entries(fields)) {
    let entry: DeviceEntry | null = null;
    try {
      entry = JSON.parse(raw) as DeviceEntry;
    } catch {
      entry = null;
    }
    if (entry === null || !(now < entry.expiresAt)) gone.push(id);
    else live.push({ id, createdAt: entry.createdAt });
  }
  live.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  return [...gone, ...live.slice(keep).map((entry) => entry.id)];
}

/** Unexpired devices in a devices record, newest first (`statusMany` counts them). */
export function parseDevices(fields: Fields, now: number): TrustedDevice[] {
  const out: TrustedDevice[] = [];
  for (const [id, raw] of Object.entries(fields)) {
    const { kid: _kid, ...entry } = parseStoredJson<DeviceEntry>(raw, 'devices');
    if (now < entry.expiresAt) out.push({ id, ...entry });
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * Trusted browsers' ids are keyed hashes of tokens only the browsers hold: they cannot be moved to
 * another key, except when the browser comes back (`check`). They lapse with their trust (the
 * policy's `trustDays`, 365 at most). Entries of factorkit 0.1 name no key: counted as key `?`.
 */
export const trustedDeviceKeyUse: KeyUse = {
  kind: 'trusted-browser',
  life: 'lapses',
  records: ['devices'],
  keyIds(fields, now) {
    const ids = new Set<string>();
    for (const raw of Object.values(fields)) {
      const entry = parseStoredJson<DeviceEntry>(raw, 'devices');
      if (now < entry.expiresAt) ids.add(entry.kid ?? '?');
    }
    return [...ids];
  },
};
