/**
 * One record a reader found in another system's data: the user to import, or why the record cannot
 * be one (said without its content: the data holds secrets). `position` names it in reports and
 * is where an interrupted import resumes (a line number, or a user id for a database).
 */
export type SourceRecord =
  | { position: string; user: unknown }
  | { position: string; userId?: string; refused: string };

/**
 * The longest line a reader takes, in characters: a user with a TOTP key, ten codes and dozens of
 * security keys is a few KB. A longer line (a JSON array given as JSONL, a file that is not text) is
 * dropped as it streams, so memory stays flat whatever the file holds.
 */
export const MAX_LINE_CHARS = 1 << 20;

/** Why a line longer than {@link MAX_LINE_CHARS} is refused. */
export const OVERLONG = 'is longer than 1 MiB: a source holds one user per line';

/**
 * Reads lines of text, one at a time, from a stream (a file, stdin): memory does not grow with the
 * file. A line longer than a chunk is kept in pieces and joined once, when it ends: searching the
 * growing text again for each chunk made a line of n chunks cost n² (a 150 MB line, such as a JSON
 * array given as JSONL, took over five minutes and 1 GB). Given `maxChars`, a longer line is not
 * kept at all and comes as null (its pieces dropped as they come).
 */
export function linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string>;
export function linesOf(
  chunks: AsyncIterable<string | Uint8Array>,
  maxChars: number,
): AsyncGenerator<string | null>;
export async function* linesOf(
  chunks: AsyncIterable<string | Uint8Array>,
  maxChars = Number.POSITIVE_INFINITY,
): AsyncGenerator<string | null> {
  const decoder = new TextDecoder();
  let head: string[] = [];
  let headChars = 0;
  let overlong = false;
  const keep = (piece: string) => {
    headChars += piece.length;
    if (headChars > maxChars) overlong = true;
    if (overlong) head = [];
    else head.push(piece);
  };
  const lineOf = (piece: string): string | null => {
    const line = overlong || headChars + piece.length > maxChars ? null : head.join('') + piece;
    head = [];
    headChars = 0;
    overlong = false;
    return line === null ? null : line.replace(/\r$/, '');
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // Lines are cut by index: no copy of the chunk per line.
    let start = 0;
    let end = text.indexOf('\n');
    while (end >= 0) {
      yield lineOf(text.slice(start, end));
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    if (start < text.length) keep(text.slice(start));
  }
  const last = decoder.decode();
  if (headChars > 0 || last.length > 0) yield lineOf(last);
}

/** Parses a JSON line; undefined when it is not JSON. */
export function jsonOf(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
