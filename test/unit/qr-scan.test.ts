import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { qrSvg, qrTerminal } from '../../src/core/qr.js';
import { servicesRequired } from '../helpers/servers.js';

function has(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const scannerInstalled = has('zbarimg') && has('rsvg-convert');
if (!scannerInstalled) {
  const message =
    '[factorkit tests] zbarimg or rsvg-convert missing: the QR scanner round trip is SKIPPED (apt-get install zbar-tools librsvg2-bin)';
  if (servicesRequired) throw new Error(message);
  console.warn(message);
}

/** Rasterises the SVG and reads it back with a real scanner. */
function scan(svg: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-qr-'));
  writeFileSync(join(dir, 'code.svg'), svg);
  execFileSync('rsvg-convert', [
    '-w',
    '600',
    '-h',
    '600',
    '-b',
    'white',
    '-o',
    join(dir, 'code.png'),
    join(dir, 'code.svg'),
  ]);
  return execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', join(dir, 'code.png')], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString('utf8')
    .replace(/\n$/, '');
}

describe.skipIf(!scannerInstalled)('QR codes read by a real scanner (zbarimg)', () => {
  const totp = new TotpVerifier();
  const cases = [
    { issuer: 'CloudFon CX', accountName: 'agent@example.com' },
    {
      issuer: 'CloudFon CX Call Centre Control Panel for Very Long Organisation Names Ltd.',
      accountName: 'ana maría: soporte@example.com',
    },
    { issuer: 'Ünïcødé Støre', accountName: 'Jürgen Groß@mañana.example' },
    { issuer: '東京コールセンター', accountName: 'オペレーター@example.jp' },
  ];
  it.each(cases)('decodes the exact otpauth URI for $issuer / $accountName', (labels) => {
    const uri = totp.keyUri({ secret: totp.generateSecret(), ...labels });
    expect(scan(qrSvg(uri))).toBe(uri);
  });

  it('keeps a four-module quiet zone on white', () => {
    const svg = qrSvg('otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=X');
    const size = Number(svg.match(/viewBox="0 0 (\d+)/)?.[1]);
    expect(svg).toContain(`<rect width="${size}" height="${size}" fill="#fff"/>`);
    const xs = [...svg.matchAll(/M(\d+) (\d+)/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
    expect(Math.min(...xs)).toBe(4);
    expect(Math.max(...xs)).toBe(size - 5);
  });

  it('the terminal QR code scans too, as a dark terminal shows it (light glyphs on black)', () => {
    const uri = totp.keyUri({
      secret: totp.generateSecret(),
      issuer: 'CloudFon CX',
      accountName: 'agent@cloudfon.example',
    });
    const rows = qrTerminal(uri)
      .split('\n')
      .map((line) => [...line]);
    const scale = 8;
    const width = rows[0]!.length * scale;
    const height = rows.length * 2 * scale;
    const pixels = Buffer.alloc(width * height);
    rows.forEach((chars, row) => {
      chars.forEach((char, x) => {
        // Each character cell is two modules: the upper and lower half blocks are lit.
        const lit = [char === '█' || char === '▀', char === '█' || char === '▄'];
        lit.forEach((on, half) => {
          for (let dy = 0; dy < scale; dy++) {
            const offset = ((row * 2 + half) * scale + dy) * width + x * scale;
            pixels.fill(on ? 255 : 0, offset, offset + scale);
          }
        });
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'factorkit-qr-'));
    writeFileSync(
      join(dir, 'terminal.pgm'),
      Buffer.concat([Buffer.from(`P5 ${width} ${height} 255\n`), pixels]),
    );
    const decoded = execFileSync('zbarimg', ['--raw', '-q', join(dir, 'terminal.pgm')], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(decoded.toString('utf8').replace(/\n$/, '')).toBe(uri);
  });

  it('reads non-ASCII text as UTF-8', () => {
    expect(scan(qrSvg('héllo wörld ✓'))).toBe('héllo wörld ✓');
  });
});

describe('terminal QR', () => {
  it('draws a square of half blocks', () => {
    const lines = qrTerminal('otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&issuer=X').split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(new Set(lines.map((line) => [...line].length)).size).toBe(1);
  });
});
