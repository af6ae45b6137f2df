import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { servicesRequired } from '../helpers/servers.js';

const run = promisify(execFile);

/**
 * Installs `packages` (pinned to a major) from the npm registry into a folder of their own under the
 * system's temporary folder, kept between runs (a second run installs nothing). Null, with a loud
 * notice, when the registry cannot be reached, unless FACTORKIT_REQUIRE_SERVICES=1 (CI): then it throws.
 */
export async function installFromRegistry(name: string, packages: string[]): Promise<string | null> {
  const dir = join(tmpdir(), `factorkit-test-${name}`);
  const marker = join(dir, `.installed-${packages.join('+').replace(/[^a-z0-9@.+-]/gi, '_')}`);
  if (existsSync(marker)) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--silent', '--ignore-scripts', ...packages], {
      cwd: dir,
      timeout: 240_000,
    });
  } catch (error) {
    const message = `could not install ${packages.join(' ')} from the npm registry: ${(error as Error).message}`;
    if (servicesRequired) throw new Error(`[factorkit tests] FACTORKIT_REQUIRE_SERVICES=1 but ${message}`);
    console.warn(`\n${'!'.repeat(80)}\n[factorkit tests] ${message}: skipping\n${'!'.repeat(80)}\n`);
    return null;
  }
  writeFileSync(marker, '');
  return dir;
}

/** Runs a Node script in `cwd` with `env`; its stdout. */
export async function runNode(cwd: string, script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return stdout;
}
