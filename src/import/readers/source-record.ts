/**
 * One record a reader found in another system's data: the user to import, or why the record cannot
 * be one (said without its content: the data holds secrets). `position` names it in reports and
 * is where an interrupted import resumes (a line number, or a user id for a database).
 */
export type SourceRecord =
  | { position: string; user: unknown }
  | { position: string; userId?: string; refused: string };

/**
 * Reads lines of text, one at a time, from a stream (a file, stdin): memory does not grow with the
 * file. A line longer than a chunk is kept in pieces and joined once, when it ends: searching the
 * growing text again for each chunk made a line of n chunks cost n² (a 150 MB line, such as a JSON
 * array given as JSONL, took over five minutes and 1 GB).
 */
export async function* linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let head: string[] = [];
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // Lines are cut by index: no copy of the chunk per line.
    let start = 0;
    let end = text.indexOf('\n');
    while (end >= 0) {
      const piece = text.slice(start, end);
      const line = head.length === 0 ? piece : head.join('') + piece;
      head = [];
      yield line.replace(/\r$/, '');
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    if (start < text.length) head.push(text.slice(start));
  }
  const rest = head.join('') + decoder.decode();
  if (rest.length > 0) yield rest.replace(/\r$/, '');
}

/** Parses a JSON line; undefined when it is not JSON. */
export function jsonOf(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
