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
  /**
   * The app ran `twoFactor({ otpOptions: { sendOTP } })`: every user with 2FA on could get a code by
   * email, so their address (`user.email`) is imported as the email method. Without it, a user whose
   * only second factor was those codes is refused (never imported without 2FA).
   */
  emailOtp?: boolean | undefined;
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
  rows: { twoFactor: Row | undefined; passkeys: Row[]; account: Row | undefined },
  o: BetterAuthReadOptions,
): SourceRecord {
  const { twoFactor, passkeys, account } = rows;
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
  return withEmailCodes({ position, user }, account, o);
}

/**
 * A user with 2FA on in better-auth (`user.twoFactorEnabled`) and the app's email codes: their
 * address as the email method, with `emailOtp`; refused without it when nothing else carries
 * their 2FA (`enableTwoFactor({ method: 'otp' })` writes no `twoFactor` row).
 */
function withEmailCodes(
  record: { position: string; user: Record<string, unknown> },
  account: Row | undefined,
  o: BetterAuthReadOptions,
): SourceRecord {
  if (!truthy(account?.['twoFactorEnabled'])) return record;
  const email = account?.['email'];
  if (o.emailOtp && typeof email === 'string' && email !== '')
    return { ...record, user: { ...record.user, email } };
  if (record.user['totp'] !== undefined || record.user['securityKeys'] !== undefined) return record;
  return {
    position: record.position,
    userId: record.user['userId'] as string,
    refused: o.emailOtp
      ? 'has 2FA on in better-auth by email codes, and no email address'
      : 'has 2FA on in better-auth with codes by email only: pass --email-otp to carry their address',
  };
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

/**
 * Whether `table` has `column`: the app may run either plugin or both, and the two-factor plugin
 * adds `twoFactorEnabled` to `user`.
 */
async function hasColumn(db: SqlSource, table: string, column: string): Promise<boolean> {
  try {
    await db.select(`SELECT "${column}" FROM "${table}" LIMIT 1`, []);
    return true;
  } catch {
    return false;
  }
}

/** The tables (and the user flag) better-auth keeps second factors in. */
interface BetterAuthTables {
  twoFactor: boolean;
  passkey: boolean;
  /** `user.twoFactorEnabled`: 2FA on, with or without a `twoFactor` row (email codes have none). */
  enabledFlag: boolean;
}

/** better-auth's tables that hold second factors: which the app has, and how many users they name. */
export async function betterAuthTables(db: SqlSource): Promise<BetterAuthTables & { users: number }> {
  const tables: BetterAuthTables = {
    twoFactor: await hasColumn(db, 'twoFactor', 'userId'),
    passkey: await hasColumn(db, 'passkey', 'userId'),
    enabledFlag: await hasColumn(db, 'user', 'twoFactorEnabled'),
  };
  const ids = idsQuery(tables);
  const users = ids ? Number((await db.select(`SELECT COUNT(*) AS n FROM (${ids}) AS u`, []))[0]?.['n']) : 0;
  return { ...tables, users };
}

/** The user ids of the tables the app has, or null for none. */
function idsQuery(tables: BetterAuthTables): string | null {
  const parts = [
    ...(tables.twoFactor ? ['SELECT "userId" FROM "twoFactor"'] : []),
    ...(tables.passkey ? ['SELECT "userId" FROM "passkey"'] : []),
    // A boolean on PostgreSQL, 0/1 on SQLite: the cast reads both.
    ...(tables.enabledFlag
      ? ['SELECT "id" AS "userId" FROM "user" WHERE CAST("twoFactorEnabled" AS INTEGER) = 1']
      : []),
  ];
  return parts.length > 0 ? parts.join(' UNION ') : null;
}

/**
 * better-auth's two-factor plugin (`twoFactor`: the encrypted TOTP key and backup codes, opened with
 * the app's secret as better-auth opens them; `user.twoFactorEnabled`: 2FA on, by email codes too,
 * see `emailOtp`) and its passkey plugin (`passkey`), on SQLite or
 * PostgreSQL with better-auth's default table and column names. Users come in id order, a page at a
 * time: memory stays flat, and `after` resumes. A `twoFactor` row not yet verified is no factor.
 */
export async function* readBetterAuth(db: SqlSource, o: BetterAuthReadOptions): AsyncGenerator<SourceRecord> {
  const pageSize = o.pageSize ?? 500;
  const tables = await betterAuthTables(db);
  const ids = idsQuery(tables);
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
    const accounts = tables.enabledFlag
      ? await db.select(`SELECT "id", "email", "twoFactorEnabled" FROM "user" WHERE "id" IN (${list})`, page)
      : [];
    for (const userId of page) {
      const rows = {
        twoFactor: twoFactors.find((row) => String(row['userId']) === userId),
        passkeys: passkeys.filter((row) => String(row['userId']) === userId),
        account: accounts.find((row) => String(row['id']) === userId),
      };
      yield* secretCheck.pass(userOf(userId, rows, o));
    }
    after = page[page.length - 1]!;
  }
}
