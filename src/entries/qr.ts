export { type QrOptions, qrSvg, qrTerminal } from '../core/qr.js';
