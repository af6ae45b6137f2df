import qrcode from 'qrcode-generator';

/** Options of {@link qrSvg}. */
export interface QrOptions {
  /** Error correction level; default `M` (15%), what phone cameras read best at these sizes. */
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
  /** Quiet zone in modules; default 4, as the QR standard asks. */
  quietZoneModules?: number;
  /** Rendered width and height in px; default 240. The SVG scales with CSS. */
  sizePx?: number;
}

function matrix(text: string, errorCorrection: QrOptions['errorCorrection'] = 'M'): boolean[][] {
  if (typeof text !== 'string' || text.length === 0)
    throw new TypeError('[factorkit] [qr] text must be a non-empty string');
  const qr = qrcode(0, errorCorrection);
  // Byte mode with the UTF-8 bytes: one char per byte, which the library's default converter keeps.
  qr.addData(Buffer.from(text, 'utf8').toString('latin1'), 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => qr.isDark(row, col)),
  );
}

/**
 * A QR code as a standalone SVG (black on white, with a quiet zone) that phone cameras and
 * authenticator apps read. Text is encoded as UTF-8 in byte mode.
 *
 * @example
 * res.type('image/svg+xml').send(qrSvg(uri));
 */
export function qrSvg(text: string, options: QrOptions = {}): string {
  const modules = matrix(text, options.errorCorrection);
  const quiet = options.quietZoneModules ?? 4;
  const size = modules.length + quiet * 2;
  const px = options.sizePx ?? 240;
  let path = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
    });
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${px}" height="${px}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}

/** A QR code drawn with Unicode half blocks for a dark terminal: the lit halves are the light modules. */
export function qrTerminal(text: string, options: Pick<QrOptions, 'errorCorrection'> = {}): string {
  const modules = matrix(text, options.errorCorrection);
  const quiet = 2;
  const size = modules.length + quiet * 2;
  const dark = (x: number, y: number) => modules[y - quiet]?.[x - quiet] === true;
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = '';
    for (let x = 0; x < size; x++) {
      const top = dark(x, y);
      const bottom = dark(x, y + 1);
      // Light modules are drawn, dark ones left blank: reads right on dark terminals.
      line += top ? (bottom ? ' ' : '▄') : bottom ? '▀' : '█';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
