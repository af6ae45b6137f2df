import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A person who can sign in to the example control panel. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
  /** The mobile number the directory knows (E.164): text-message codes go to it in the demo. */
  phone: string;
  role: 'admin' | 'agent';
  passwordHash: string;
}

/** The demo accounts printed at start-up. */
export const DEMO_ACCOUNTS = [
  {
    id: 'u-admin',
    name: 'Site Admin',
    email: 'admin@cloudfon.example',
    phone: '+14155550100',
    role: 'admin',
    password: 'admin-demo-1',
  },
  {
    id: 'u-ana',
    name: 'Ana Agent',
    email: 'ana@cloudfon.example',
    phone: '+14155550101',
    role: 'agent',
    password: 'agent-demo-1',
  },
  {
    id: 'u-ben',
    name: 'Ben Agent',
    email: 'ben@cloudfon.example',
    phone: '+14155550102',
    role: 'agent',
    password: 'agent-demo-2',
  },
] as const;

/** scrypt (N=2^14, r=8, p=1) with a random salt: `scrypt$salt$hash`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

export function checkPassword(password: string, stored: string): boolean {
  const [, salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const candidate = scryptSync(password, Buffer.from(salt, 'base64url'), 32);
  return timingSafeEqual(candidate, Buffer.from(hash, 'base64url'));
}

/** The user directory of the example (in memory). */
export class UserDirectory {
  private readonly byId = new Map<string, DemoUser>();
  /** Checked against when the email is unknown, so both answers cost one scrypt run. */
  private readonly decoyHash = hashPassword('timing-decoy');

  constructor() {
    for (const account of DEMO_ACCOUNTS) {
      const { password, ...rest } = account;
      this.byId.set(account.id, { ...rest, passwordHash: hashPassword(password) });
    }
  }

  all(): DemoUser[] {
    return [...this.byId.values()];
  }

  byIdOrNull(id: string | null | undefined): DemoUser | null {
    return id ? (this.byId.get(id) ?? null) : null;
  }

  /** The user whose email and password match, or null (same cost either way). */
  authenticate(email: string, password: string): DemoUser | null {
    const user = this.all().find((u) => u.email === email.trim().toLowerCase());
    const ok = checkPassword(password, user?.passwordHash ?? this.decoyHash);
    return ok && user ? user : null;
  }
}
