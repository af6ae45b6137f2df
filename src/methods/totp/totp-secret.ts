import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import { type UserRecords, userField } from '../user-records.js';

/** The AEAD context that binds a sealed TOTP secret to its user. */
export const totpSealContext = (userId: string) => `totp-secret\0${userId}`;

/** The user's replay floor: the last accepted TOTP step, if any. */
export function lastStep(user: UserRecords): number | undefined {
  const step = userField(user, userFields.totpStep);
  return step === undefined ? undefined : wholeNumberField(step, userFields.totpStep, 'user');
}
