import { hash, randomBytes } from 'node:crypto';
import { DIGEST_BYTES, DigestSet } from './digest-set.js';

/** Why a record whose user id came earlier in the same source is refused. */
export const REPEATED_USER = 'its user id came on an earlier line: a source holds one record per user';

/**
 * The user ids a run met in its source, as 96-bit digests (about 16 to 32 bytes a user, as the
 * resume journal holds them): a user id met twice is a fault of the source (a join that doubled
 * rows, two accounts mapped to one id), and the later record must not silently overwrite the earlier.
 * The digests are salted per run: they live in memory only, and no crafted id can aim at another.
 */
export class SeenUsers {
  private readonly digests = new DigestSet();
  private readonly salt = randomBytes(16).toString('base64url');

  /** Whether `userId` came before in this run; from now on it has. */
  repeated(userId: string): boolean {
    const digest = hash('sha256', `${this.salt}\0${userId}`, 'buffer').subarray(0, DIGEST_BYTES);
    if (this.digests.has(digest)) return true;
    this.digests.add(digest, 1);
    return false;
  }
}
