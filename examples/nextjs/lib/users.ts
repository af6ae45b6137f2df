import { scryptSync, timingSafeEqual } from 'node:crypto';

/** A stand-in for your user directory: two demo users, scrypt-hashed passwords. */
const salt = Buffer.from('next-example-salt');
const hash = (password: string) => scryptSync(password, salt, 32);
const USERS = [
  { id: 'u-ana', email: 'ana@example.com', hash: hash('ana-demo-1') },
  { id: 'u-ben', email: 'ben@example.com', hash: hash('ben-demo-1') },
];

export const findUser = (id: string) => USERS.find((user) => user.id === id);

/** The user with this email and password, or null. */
export function checkPassword(email: string, password: string) {
  const user = USERS.find((u) => u.email === email.trim().toLowerCase());
  const ok = timingSafeEqual(hash(password), user?.hash ?? hash('\0'));
  return ok && user ? user : null;
}
