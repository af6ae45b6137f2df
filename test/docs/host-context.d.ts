/**
 * What the documentation's snippets take from the host app around them: the facade it built, its
 * web app, a signed-in user, and its own user directory and password check. Every other name in a
 * snippet is imported or defined in the snippet.
 */
interface HostUser {
  id: string;
  email: string;
  isAdmin: boolean;
}
declare const tf: import('factorkit').TwoFactor;
declare const app: import('express').Express;
declare const user: HostUser;
declare function findUser(id: string): HostUser | undefined;
/** The host's password check. */
declare function checkPassword(email: string, password: string): Promise<HostUser | null>;
