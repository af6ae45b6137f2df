/**
 * Whether the browser ran the ceremony inside a frame of another origin (`crossOrigin: true`, or a
 * `topOrigin`). factorkit's ceremonies run on the site's own pages, never embedded: such a response
 * is refused (an embedding page could lead the user through a ceremony they did not start). A
 * client data that does not parse is refused too (the verifier would refuse it anyway).
 */
export function ranEmbedded(clientDataJSON: string): boolean {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return true;
    return (data as { crossOrigin?: unknown }).crossOrigin === true || Object.hasOwn(data, 'topOrigin');
  } catch {
    return true;
  }
}
