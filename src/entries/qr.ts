export { type QrOptions, qrSvg, qrTerminal } from '../qr.js';
