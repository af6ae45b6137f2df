/** The trusted-browser cookie: its attributes, and reading it from a `Cookie` header. */

/** `; Path=/; HttpOnly; Secure; SameSite=Lax` (Secure unless turned off for local http). */
export function cookieAttributes(options: { secure?: boolean; path?: string; domain?: string } = {}): string {
  const parts = [`Path=${options.path ?? '/'}`, 'HttpOnly'];
  if (options.secure ?? true) parts.push('Secure');
  parts.push('SameSite=Lax');
  if (options.domain) parts.push(`Domain=${options.domain}`);
  return `; ${parts.join('; ')}`;
}

/** A `Set-Cookie` value that stores `value` for `maxAgeMs`. */
export function setCookie(name: string, value: string, maxAgeMs: number, attributes: string): string {
  return `${name}=${encodeURIComponent(value)}; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}${attributes}`;
}

/** A `Set-Cookie` value that removes the cookie. */
export function clearCookie(name: string, attributes: string): string {
  return `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${attributes}`;
}

/** One cookie's value from a `Cookie` header (no cookie parser needed), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
