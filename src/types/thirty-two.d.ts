declare module 'thirty-two' {
  /** RFC 4648 base32, with `=` padding. */
  export function encode(plain: Buffer | string): Buffer;
  /** Decodes base32; invalid characters are not reported. */
  export function decode(encoded: string | Buffer): Buffer;
  const base32: { encode: typeof encode; decode: typeof decode };
  export default base32;
}
