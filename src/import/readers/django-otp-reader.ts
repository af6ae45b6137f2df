import type { SourceRecord } from './source-record.js';

/** One object of `manage.py dumpdata`: its model, primary key and fields. */
interface Dumped {
  model?: unknown;
  pk?: unknown;
  fields?: Record<string, unknown>;
}

/**
 * The user a dumped `user` field names: its primary key, or its natural key of one field (`--natural-foreign`:
 * the username). A natural key of several fields (a custom user model's `(email, tenant)`) has no one
 * id to give: null, and the user is refused (taking its first field merged two users into one).
 */
const userIdOf = (user: unknown): string | null =>
  Array.isArray(user)
    ? user.length === 1
      ? String(user[0])
      : null
    : user === undefined || user === null
      ? null
      : String(user);

const NO_USER =
  'names its user by no primary key or one-field natural key: dump with primary keys (without --natural-foreign)';

const confirmed = (fields: Record<string, unknown>) => fields['confirmed'] !== false;

/**
 * django-otp, from `python manage.py dumpdata otp_totp otp_static` (a JSON array): each user's
 * confirmed `TOTPDevice` (the hex `key`, `step`, `t0`, `digits`, and `last_t` as the replay floor)
 * and the tokens of their confirmed `StaticDevice`s (in clear, as django-otp keeps them). factorkit
 * holds one app per user: a user with several confirmed TOTP devices keeps the one used last.
 * `drift` is not carried: factorkit's window accepts a step either side. Positions are user ids.
 */
export function* readDjangoOtp(dump: unknown): Generator<SourceRecord> {
  if (!Array.isArray(dump)) {
    yield { position: 'file', refused: 'is not the JSON array dumpdata writes' };
    return;
  }
  const totp = new Map<string, Record<string, unknown>>();
  const staticDevices = new Map<string, string>();
  const tokens = new Map<string, string[]>();
  // Users in the order the dump names them (a Set keeps insertion order).
  const order = new Set<string>();
  for (const item of dump as Dumped[]) {
    const fields = item?.fields ?? {};
    if (item?.model === 'otp_totp.totpdevice' && confirmed(fields)) {
      const userId = userIdOf(fields['user']);
      if (userId === null) {
        yield { position: `${item.model} ${String(item.pk)}`, refused: NO_USER };
        continue;
      }
      order.add(userId);
      const held = totp.get(userId);
      if (!held || Number(fields['last_t'] ?? -1) > Number(held['last_t'] ?? -1)) totp.set(userId, fields);
    } else if (item?.model === 'otp_static.staticdevice' && confirmed(fields)) {
      const userId = userIdOf(fields['user']);
      if (userId !== null) staticDevices.set(String(item.pk), userId);
      else yield { position: `${item.model} ${String(item.pk)}`, refused: NO_USER };
    }
  }
  for (const item of dump as Dumped[]) {
    if (item?.model !== 'otp_static.statictoken') continue;
    const userId = staticDevices.get(String(item.fields?.['device']));
    const token = item.fields?.['token'];
    if (userId === undefined || typeof token !== 'string') continue;
    order.add(userId);
    tokens.set(userId, [...(tokens.get(userId) ?? []), token]);
  }
  for (const userId of order) {
    const device = totp.get(userId);
    const lastT = Number(device?.['last_t'] ?? -1);
    yield {
      position: `user ${userId}`,
      user: {
        userId,
        ...(device
          ? {
              totp: {
                secret: device['key'],
                encoding: 'hex',
                digits: device['digits'] ?? 6,
                periodSeconds: device['step'] ?? 30,
                epochSeconds: device['t0'] ?? 0,
                ...(lastT >= 0 ? { lastUsedStep: lastT } : {}),
              },
            }
          : {}),
        ...(tokens.has(userId) ? { backupCodes: tokens.get(userId) } : {}),
      },
    };
  }
}
