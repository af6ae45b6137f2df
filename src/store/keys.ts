/**
 * Store key names. Every key of one user carries the same `{tag}` so that Redis Cluster keeps
 * them in one slot and multi-key scripts run; the tag is the user id in base64url, so ids with
 * braces or colons stay safe.
 */
export function userTag(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

/** The user id behind a tag, or null when the tag is not valid base64url of a non-empty id. */
export function userIdFromTag(tag: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(tag)) return null;
  const id = Buffer.from(tag, 'base64url').toString('utf8');
  return id.length > 0 && userTag(id) === tag ? id : null;
}

const user = (userId: string, name: string) => `{${userTag(userId)}}:${name}`;

/** Every key factorkit writes. */
export const storeKeys = {
  totp: (userId: string) => user(userId, 'totp'),
  totpPending: (userId: string) => user(userId, 'totp-pending'),
  totpStep: (userId: string) => user(userId, 'totp-step'),
  email: (userId: string) => user(userId, 'email'),
  emailPending: (userId: string) => user(userId, 'email-pending'),
  emailSends: (userId: string) => user(userId, 'email-sends'),
  backupCodes: (userId: string) => user(userId, 'backup-codes'),
  adminCode: (userId: string) => user(userId, 'admin-code'),
  accountAttempts: (userId: string) => user(userId, 'attempts'),
  devices: (userId: string) => user(userId, 'devices'),
  challenge: (userId: string, nonce: string) => user(userId, `challenge:${nonce}`),
  session: (userId: string, sessionKey: string) => user(userId, `session:${sessionKey}`),
  sessionsFrom: (userId: string) => user(userId, 'sessions-from'),
  policy: () => 'policy',
} as const;
