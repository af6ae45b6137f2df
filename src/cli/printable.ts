/**
 * Characters that must not reach a terminal or a log as they are: C0 and C1 controls (a newline
 * forges a report line, ESC sequences clear the screen or set the title), the Unicode line and
 * paragraph separators, and the bidirectional overrides and isolates (text shown in another order).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the very characters to escape
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with each character of {@link UNPRINTABLE} written as `\u{…}`: what the CLI prints of a
 * source's own text (a user id is the host's, or a user's own name under django's natural keys).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
