import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { SiteId } from '../shared/sites.js';

/** A person who can sign in to the example control panel. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
  /** The mobile number the directory knows (E.164): text-message codes go to it in the demo. */
  phone: string;
  role: 'admin' | 'agent';
  /** The customer site the person works for (factorkit's org): its admin acts on its agents only. */
  site: SiteId;
  passwordHash: string;
}

const account = (
  id: string,
  name: string,
  role: 'admin' | 'agent',
  site: SiteId,
  password: string,
  phone: string,
) => ({ id, name, email: `${id.slice(2)}@cloudfon.example`, phone, role, site, password });

/** The demo accounts printed at start-up and listed under the sign-in form: two sites, each with an admin. */
export const DEMO_ACCOUNTS = [
  account('u-admin', 'Site Admin', 'admin', 'acme', 'admin-demo-1', '+14155550100'),
  account('u-ana', 'Ana Agent', 'agent', 'acme', 'agent-demo-1', '+14155550101'),
  account('u-ben', 'Ben Agent', 'agent', 'acme', 'agent-demo-2', '+14155550102'),
  account('u-gina', 'Gina Admin', 'admin', 'globex', 'admin-demo-2', '+14155550103'),
  account('u-hugo', 'Hugo Agent', 'agent', 'globex', 'agent-demo-3', '+14155550104'),
  account('u-iris', 'Iris Agent', 'agent', 'globex', 'agent-demo-4', '+14155550105'),
];

/** `createTwoFactor({ orgOf })`: the user's site, from the directory (null: no such user). */
export const siteOf = (userId: string): string | null =>
  DEMO_ACCOUNTS.find((person) => person.id === userId)?.site ?? null;

/** `createTwoFactor({ rolesOf })`: what the enforcement rule's roles are matched against. */
export const rolesOf = (userId: string): string[] => {
  const person = DEMO_ACCOUNTS.find((candidate) => candidate.id === userId);
  return person ? [person.role] : [];
};

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

  /** The people of one site (an admin's agents list, the overview's users). */
  ofSite(site: string): DemoUser[] {
    return this.all().filter((person) => person.site === site);
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
