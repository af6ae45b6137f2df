/**
 * One record a reader found in another system's data: the user to import, or why the record cannot
 * be one (said without its content: the data holds secrets). `position` names it in reports and
 * is where an interrupted import resumes (a line number, or a user id for a database).
 */
export type SourceRecord =
  | { position: string; user: unknown }
  | { position: string; userId?: string; refused: string };

/** Reads lines of text, one at a time, from a stream (a file, stdin): memory does not grow with the file. */
export async function* linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // Lines are cut by index and the rest kept once per chunk: no copy of the chunk per line.
    let start = 0;
    let end = rest.indexOf('\n');
    while (end >= 0) {
      yield rest.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      end = rest.indexOf('\n', start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
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
