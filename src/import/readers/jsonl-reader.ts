import { jsonOf, linesOf, MAX_LINE_CHARS, OVERLONG, type SourceRecord } from './source-record.js';

/**
 * The generic format (docs/migration.md): one JSON object per line, `{ userId, totp?, backupCodes?,
 * securityKeys?, email? }` exactly as `importUser` takes it; what `factorkit export` writes. Blank
 * lines are skipped; positions are line numbers.
 */
export async function* readJsonl(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<SourceRecord> {
  let lineNumber = 0;
  for await (const line of linesOf(chunks, MAX_LINE_CHARS)) {
    lineNumber++;
    const position = `line ${lineNumber}`;
    if (line === null) {
      yield { position, refused: OVERLONG };
      continue;
    }
    if (line.trim() === '') continue;
    const user = jsonOf(line);
    if (user === undefined || typeof user !== 'object' || user === null || Array.isArray(user))
      yield { position, refused: 'is not a JSON object' };
    else yield { position, user };
  }
}
