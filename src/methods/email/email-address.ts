import { z } from 'zod';

/** Validates and normalises an address: trimmed, domain in lower case. */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((address) => {
    const at = address.lastIndexOf('@');
    return address.slice(0, at) + address.slice(at).toLowerCase();
  });

/** `a***@example.com`: enough for the user to recognise the address, not enough to harvest it. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
