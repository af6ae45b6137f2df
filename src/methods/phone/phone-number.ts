import { z } from 'zod';

/**
 * A phone number in E.164, normalised: `+` then the country code and the number, 8 to 15 digits in
 * all, the first not 0. Spaces, dots, dashes and parentheses are dropped, and a leading `00` (the
 * international prefix most countries dial) becomes `+`: `+44 (20) 7946-0958` is `+442079460958`.
 * A national number (`020 7946 0958`) is refused: without its country it could be anyone's.
 */
export const phoneNumberSchema = z
  .string()
  .max(32)
  .transform((input) =>
    input
      .trim()
      .replace(/[\s.()-]/g, '')
      .replace(/^00/, '+'),
  )
  .pipe(z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an international number (E.164), like +14155550123'));

/** `+*******0123`: enough for the user to recognise the number, not enough to harvest it. */
export function maskPhone(number: string): string {
  return `+${'*'.repeat(Math.max(0, number.length - 5))}${number.slice(-4)}`;
}

/** Whether `number` starts with one of `prefixes` (`+1`, `+44`); any number when there are none. */
export function numberAllowed(number: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((prefix) => number.startsWith(prefix));
}
