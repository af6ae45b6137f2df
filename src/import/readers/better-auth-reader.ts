import { ConfigError, FactorkitError } from '../../core/errors.js';
import { fromBase32 } from '../../core/otp/base32.js';
import { type BetterAuthSecrets, betterAuthDecrypt } from './better-auth-crypto.js';
import type { SourceRecord } from './source-record.js';
import type { SqlSource } from './sql-source.js';

/** Options of {@link readBetterAuth}: the app's secrets and the `twoFactor({ totpOptions })` it ran with. */
export interface BetterAuthReadOptions {
  secrets: BetterAuthSecrets;
  /** `totpOptions.digits` (default 6) and `totpOptions.period` (default 30) of the app's plugin. */
  digits?: number | undefined;
  periodSeconds?: number | undefined;
  /** Resume after this user id (ids are read in order). */
  after?: string | undefined;
  /** Users per query. Default 500. */
  pageSize?: number | undefined;
}

type Row = Record<string, unknown>;

const BASE32_PREFIX = 'base32:';

/** Why a user whose TOTP key opens with no secret given is refused. */
const KEY_SHUT = 'its TOTP key does not open with the secrets given (BETTER_AUTH_SECRET)';

/** A database value as ms since the epoch (better-auth writes dates as Date, ISO text or numbers). */
function instant(value: unknown): number | undefined {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

const truthy = (value: unknown) => value === true || value === 1 || value === '1' || value === 't';

/** The TOTP key bytes exactly as the otpauth URI better-auth showed encoded them. */
function totpKey(secret: string): Uint8Array | null {
  // Generated keys are 32 characters whose UTF-8 bytes are the key; imported ones are `base32:<key>`.
  if (!secret.startsWith(BASE32_PREFIX)) return Buffer.from(secret, 'utf8');
  return fromBase32(secret.slice(BASE32_PREFIX.length));
}

/** Backup codes: encrypted JSON (better-auth's default), or plain JSON (`storeBackupCodes: 'plain'`). */
function backupCodes(stored: unknown, secrets: BetterAuthSecrets): string[] | null {
  if (typeof stored !== 'string' || stored === '') return null;
  const text = betterAuthDecrypt(stored, secrets) ?? stored;
  try {
    const codes = JSON.parse(text) as unknown;
    return Array.isArray(codes) && codes.every((c) => typeof c === 'string') ? codes : null;
  } catch {
    return null;
  }
}

/** One user's `twoFactor` and `passkey` rows as an imported user, or the reason they cannot be one. */
function userOf(
  userId: string,
  twoFactor: Row | undefined,
  passkeys: Row[],
  o: BetterAuthReadOptions,
): SourceRecord {
  const position = `user ${userId}`;
  const user: Record<string, unknown> = { userId };
  if (twoFactor && twoFactor['verified'] !== false && twoFactor['verified'] !== 0) {
    const secret = betterAuthDecrypt(String(twoFactor['secret'] ?? ''), o.secrets);
    if (secret === null) return { position, userId, refused: KEY_SHUT };
    const key = totpKey(secret);
    if (!key) return { position, userId, refused: 'its imported TOTP key is not base32' };
    user['totp'] = { secret: key, digits: o.digits ?? 6, periodSeconds: o.periodSeconds ?? 30 };
    const codes = backupCodes(twoFactor['backupCodes'], o.secrets);
    if (codes === null)
      return { position, userId, refused: 'its backup codes do not open with the secrets given' };
    if (codes.length > 0) user['backupCodes'] = codes;
  }
  if (passkeys.length > 0) {
    user['securityKeys'] = passkeys.map((p) => ({
      id: p['credentialID'],
      publicKey: p['publicKey'],
      counter: Number(p['counter'] ?? 0),
      transports: String(p['transports'] ?? '')
        .split(',')
        .filter((t) => t !== ''),
      backupEligible: p['deviceType'] === 'multiDevice',
      backedUp: truthy(p['backedUp']),
      ...(typeof p['aaguid'] === 'string' && p['aaguid'] !== '' ? { aaguid: p['aaguid'] } : {}),
      ...(typeof p['name'] === 'string' && p['name'].trim() !== '' ? { label: p['name'].slice(0, 64) } : {}),
      ...(instant(p['createdAt']) === undefined ? {} : { createdAt: instant(p['createdAt']) }),
      // better-auth gives each registration a random user handle and keeps none.
      userHandle: null,
    }));
  }
  return { position, user };
}

/** Users whose TOTP key opens with no secret given, none opening before them: the secret is wrong. */
const WRONG_SECRET_AFTER = 3;

/**
 * Holds back the users whose TOTP key does not open until one opens (then they pass, refused) or
 * {@link WRONG_SECRET_AFTER} of them come first: then no secret given is the app's, and the run
 * stops as misconfigured instead of refusing every user one by one.
 */
function wrongSecretCheck() {
  let opened = false;
  const held: SourceRecord[] = [];
  return {
    *pass(record: SourceRecord): Generator<SourceRecord> {
      if (opened || !('refused' in record) || record.refused !== KEY_SHUT) {
        opened ||= 'user' in record && (record.user as { totp?: unknown }).totp !== undefined;
        yield* held.splice(0);
        yield record;
        return;
      }
      held.push(record);
      if (held.length >= WRONG_SECRET_AFTER)
        throw new ConfigError(
          'BETTER_AUTH_SECRET',
          `the TOTP keys of the first ${WRONG_SECRET_AFTER} users do not open with the secrets given: set the app's BETTER_AUTH_SECRET (or BETTER_AUTH_SECRETS)`,
        );
    },
    *rest(): Generator<SourceRecord> {
      yield* held.splice(0);
    },
  };
}

/** Whether `table` exists (the app may run either plugin, or both). */
async function hasTable(db: SqlSource, table: string): Promise<boolean> {
  try {
    await db.select(`SELECT "userId" FROM "${table}" LIMIT 1`, []);
    return true;
  } catch {
    return false;
  }
}

/** better-auth's tables that hold second factors: which the app has, and how many users they name. */
export async function betterAuthTables(
  db: SqlSource,
): Promise<{ twoFactor: boolean; passkey: boolean; users: number }> {
  const [twoFactor, passkey] = [await hasTable(db, 'twoFactor'), await hasTable(db, 'passkey')];
  const ids = idsQuery(twoFactor, passkey);
  const users = ids ? Number((await db.select(`SELECT COUNT(*) AS n FROM (${ids}) AS u`, []))[0]?.['n']) : 0;
  return { twoFactor, passkey, users };
}

/** The user ids of the tables the app has, or null for none. */
function idsQuery(twoFactor: boolean, passkey: boolean): string | null {
  const parts = [
    ...(twoFactor ? ['SELECT "userId" FROM "twoFactor"'] : []),
    ...(passkey ? ['SELECT "userId" FROM "passkey"'] : []),
  ];
  return parts.length > 0 ? parts.join(' UNION ') : null;
}

/**
 * better-auth's two-factor plugin (`twoFactor`: the encrypted TOTP key and backup codes, opened with
 * the app's secret as better-auth opens them) and its passkey plugin (`passkey`), on SQLite or
 * PostgreSQL with better-auth's default table and column names. Users come in id order, a page at a
 * time: memory stays flat, and `after` resumes. A `twoFactor` row not yet verified is no factor.
 */
export async function* readBetterAuth(db: SqlSource, o: BetterAuthReadOptions): AsyncGenerator<SourceRecord> {
  const pageSize = o.pageSize ?? 500;
  const tables = await betterAuthTables(db);
  const ids = idsQuery(tables.twoFactor, tables.passkey);
  if (ids === null)
    throw new FactorkitError(
      'CONFIG',
      'the database has neither a twoFactor nor a passkey table of better-auth',
    );
  const secretCheck = wrongSecretCheck();
  let after = o.after ?? '';
  for (;;) {
    const page = (
      await db.select(`SELECT "userId" FROM (${ids}) AS u WHERE "userId" > $1 ORDER BY "userId" LIMIT $2`, [
        after,
        pageSize,
      ])
    ).map((row) => String(row['userId']));
    if (page.length === 0) return yield* secretCheck.rest();
    const list = page.map((_, i) => `$${i + 1}`).join(',');
    const rowsOf = (table: string, has: boolean) =>
      has ? db.select(`SELECT * FROM "${table}" WHERE "userId" IN (${list})`, page) : Promise.resolve([]);
    const twoFactors = await rowsOf('twoFactor', tables.twoFactor);
    const passkeys = await rowsOf('passkey', tables.passkey);
    for (const userId of page) {
      const twoFactor = twoFactors.find((row) => String(row['userId']) === userId);
      const keys = passkeys.filter((row) => String(row['userId']) === userId);
      yield* secretCheck.pass(userOf(userId, twoFactor, keys, o));
    }
    after = page[page.length - 1]!;
  }
}
