import { InvalidInputError } from '../../core/errors.js';
import { jsonOf, linesOf, MAX_LINE_CHARS, OVERLONG, type SourceRecord } from './source-record.js';

/** The columns (CSV header or JSON keys) an otplib / speakeasy / otpauth-style export has. */
interface AppRow {
  userId?: unknown;
  secret?: unknown;
  algorithm?: unknown;
  digits?: unknown;
  period?: unknown;
}

/** Splits one CSV line (RFC 4180 quoting: `"a ""b"""`), or null when its quotes do not close. */
export function csvFields(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) return null;
        value += line.slice(i, close);
        i = close + 1;
        if (line[i] !== '"') break;
        value += '"';
        i++;
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const comma = line.indexOf(',', i);
      fields.push((comma < 0 ? line.slice(i) : line.slice(i, comma)).trim());
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++;
  }
}

const number = (value: unknown) => (value === undefined || value === '' ? undefined : Number(value));

/** An `otpauth://totp/...` URI's key and parameters, or null for anything else. */
function fromUri(text: string): Record<string, unknown> | null {
  if (!text.startsWith('otpauth://')) return null;
  try {
    const url = new URL(text);
    if (url.host !== 'totp') return null;
    const q = url.searchParams;
    return {
      secret: q.get('secret') ?? '',
      algorithm: q.get('algorithm') ?? undefined,
      digits: number(q.get('digits') ?? undefined),
      periodSeconds: number(q.get('period') ?? undefined),
    };
  } catch {
    return null;
  }
}

/** One row as an imported user: its TOTP key in base32 (or an otpauth URI), with its parameters. */
function userOf(row: AppRow): unknown {
  const secret = row.secret;
  const uri = typeof secret === 'string' ? fromUri(secret) : null;
  const totp = uri ?? {
    secret,
    algorithm: row.algorithm === '' ? undefined : row.algorithm,
    digits: number(row.digits),
    periodSeconds: number(row.period),
  };
  const defined = Object.fromEntries(Object.entries(totp).filter(([, v]) => v !== undefined));
  return { userId: typeof row.userId === 'number' ? String(row.userId) : row.userId, totp: defined };
}

/**
 * Apps on otplib, speakeasy or otpauth keep a base32 key per user: export it as CSV with a header
 * (`userId,secret[,algorithm,digits,period]`) or as JSON lines with those keys; a `secret` may also be
 * the app's `otpauth://` URI. Positions are line numbers.
 */
export async function* readOtpApps(
  chunks: AsyncIterable<string | Uint8Array>,
  format: 'csv' | 'jsonl',
): AsyncGenerator<SourceRecord> {
  let lineNumber = 0;
  let header: string[] | null = null;
  for await (const line of linesOf(chunks, MAX_LINE_CHARS)) {
    lineNumber++;
    const position = `line ${lineNumber}`;
    if (line === null) {
      yield { position, refused: OVERLONG };
      continue;
    }
    if (line.trim() === '') continue;
    if (format === 'jsonl') {
      const row = jsonOf(line);
      if (typeof row !== 'object' || row === null) yield { position, refused: 'is not a JSON object' };
      else yield { position, user: userOf(row as AppRow) };
      continue;
    }
    const fields = csvFields(line);
    if (!fields) {
      yield { position, refused: 'has a quote that does not close' };
    } else if (!header) {
      header = fields;
      if (!header.includes('userId') || !header.includes('secret'))
        throw new InvalidInputError(
          'header',
          'a CSV file needs a header naming the columns userId and secret',
        );
    } else {
      const row = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
      yield { position, user: userOf(row) };
    }
  }
}
