// Module hooks (they run on their own thread) that report each bare package the process imports.
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, nextResolve) {
  if (/^[@a-z]/.test(specifier) && !specifier.startsWith('node:')) port.postMessage(specifier);
  return nextResolve(specifier, context);
}
