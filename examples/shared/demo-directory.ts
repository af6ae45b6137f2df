import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Actor } from 'factorkit';
import type { ListedPerson } from './people.js';
import type { SiteId } from './sites.js';

/**
 * The demo users of the Fastify and Hono examples, in two sites; a real app has its own
 * directory. Passwords: scrypt, with a random salt per user.
 */
export const DEMO_USERS: ReadonlyArray<ListedPerson & { password: string; site: SiteId }> = [
  {
    id: 'u-admin',
    name: 'Acme Admin',
    email: 'admin@example.com',
    password: 'admin-demo-1',
    role: 'admin',
    site: 'acme',
  },
  { id: 'u-ana', name: 'Ana', email: 'ana@example.com', password: 'ana-demo-1', role: 'agent', site: 'acme' },
  { id: 'u-ben', name: 'Ben', email: 'ben@example.com', password: 'ben-demo-1', role: 'agent', site: 'acme' },
  {
    id: 'u-gina',
    name: 'Globex Admin',
    email: 'gina@example.com',
    password: 'gina-demo-1',
    role: 'admin',
    site: 'globex',
  },
  {
    id: 'u-hugo',
    name: 'Hugo',
    email: 'hugo@example.com',
    password: 'hugo-demo-1',
    role: 'agent',
    site: 'globex',
  },
];

const hash = (password: string, salt: Buffer) => scryptSync(password, salt, 32);
const users = DEMO_USERS.map(({ password, ...user }) => {
  const salt = randomBytes(16);
  return { ...user, salt, hash: hash(password, salt) };
});
const decoy = { salt: randomBytes(16), hash: randomBytes(32) };

/** A person of the directory (an unknown or absent id: null). */
export type DemoPerson = Omit<(typeof users)[number], 'salt' | 'hash'>;
export const userById = (userId: string | null): DemoPerson | null =>
  users.find((user) => user.id === userId) ?? null;

/** The user with this email and password, or null; an unknown email costs the same scrypt run. */
export function authenticate(email: string, password: string): DemoPerson | null {
  const user = users.find((u) => u.email === email.trim().toLowerCase());
  const ok = timingSafeEqual(hash(password, (user ?? decoy).salt), (user ?? decoy).hash);
  return ok && user ? user : null;
}

/** `createTwoFactor({ orgOf, rolesOf })`: the user's site and role, from the directory. */
export const siteOf = (userId: string) => userById(userId)?.site ?? null;
export const rolesOf = (userId: string) => (userById(userId) ? [userById(userId)!.role] : []);

/** The people of one site (an admin's agents list, the overview's users). */
export const peopleOf = (site: string): DemoPerson[] => users.filter((user) => user.site === site);

/** The signed-in user's actor for the admin endpoints: an administrator of their site, or null. */
export function actorOf(userId: string | null): Actor | null {
  const user = userById(userId);
  return user?.role === 'admin' ? { id: user.id, roles: ['admin'], org: user.site } : null;
}

/** Adapter option `usersOf`: the ids of the signed-in user's site (what `GET /2fa/admin/overview` counts). */
export const siteUserIds = (userId: string | null): string[] =>
  peopleOf(userById(userId)?.site ?? '').map((person) => person.id);
