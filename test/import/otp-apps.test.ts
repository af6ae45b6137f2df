import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { ENV, facadeOver, signsIn, tempFolder } from './cli-support.js';
import { installFromRegistry, runNode } from './registry-install.js';

const dir = tempFolder('otp-apps');
let app: string | null = null;

beforeAll(async () => {
  // otplib 12 (its `authenticator`, what most apps still run) beside 13, the current rewrite.
  app = await installFromRegistry('otp-apps', [
    'otplib12@npm:otplib@12',
    'otplib@13',
    'speakeasy@2',
    'otpauth@9',
  ]);
  if (app) copyFileSync(new URL('./fixtures/otp-apps.mjs', import.meta.url), join(app, 'otp-apps.mjs'));
}, 300_000);

describe('npx factorkit import --from otp-csv | otp-jsonl: apps on the real otplib, speakeasy and otpauth (from the npm registry)', () => {
  it("each library's own secrets, default and not (SHA-256/512, 7 or 8 digits, 45 or 60 s, otpauth URIs): every user signs in with the code that library computes", async (t) => {
    if (!app) return t.skip();
    const atMs = Date.now();
    const out = await runNode(app, 'otp-apps.mjs', { APP_DIR: dir, AT_MS: String(atMs) });
    const codes = JSON.parse(out) as Array<{ userId: string; code: string }>;
    expect(codes).toHaveLength(8);
    const store = `sqlite:${join(dir, 'factorkit.db')}`;
    const fromCsv = await runCli(['import', '--from', 'otp-csv', join(dir, 'otplib.csv'), '--store', store], {
      env: ENV,
    });
    const fromJsonl = await runCli(
      ['import', '--from', 'otp-jsonl', join(dir, 'speakeasy-otpauth.jsonl'), '--store', store],
      { env: ENV },
    );
    for (const run of [fromCsv, fromJsonl]) {
      expect(run.stderr).not.toContain('refused');
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain('imported: 4\n');
    }
    // No secret in any output (each file's base32 keys, whole or inside a URI).
    const exported =
      readFileSync(join(dir, 'otplib.csv'), 'utf8') +
      readFileSync(join(dir, 'speakeasy-otpauth.jsonl'), 'utf8');
    const output = fromCsv.stdout + fromCsv.stderr + fromJsonl.stdout + fromJsonl.stderr;
    for (const secret of exported.match(/[A-Z2-7]{16,}/g) ?? []) expect(output).not.toContain(secret);

    const h = facadeOver(join(dir, 'factorkit.db'), atMs);
    try {
      for (const { userId, code } of codes) {
        expect({ userId, signedIn: await signsIn(h, userId, code) }).toEqual({ userId, signedIn: true });
      }
      // A code taken once does not sign in twice.
      expect(await signsIn(h, codes[0]!.userId, codes[0]!.code)).toBe(false);
    } finally {
      h.close();
    }
  }, 120_000);
});
