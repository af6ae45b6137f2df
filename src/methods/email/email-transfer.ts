import { z } from 'zod';
import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import type { MethodTransfer } from '../transfer.js';
import { userField } from '../user-records.js';
import { emailAddressSchema } from './email-address.js';

/** An address to enable as the email method: the address, or the address and when it was enabled. */
export const importedEmailSchema = z.union([
  emailAddressSchema,
  z
    .object({ address: emailAddressSchema, enabledAt: z.number().int().min(0).max(8.64e15).optional() })
    .strict(),
]);

export type ImportedEmail = z.input<typeof importedEmailSchema>;

type Parsed = z.output<typeof importedEmailSchema>;

/** Email codes: the address (on while present) and when it was enabled. */
export const emailTransfer: MethodTransfer<Parsed> = {
  method: 'email',
  field: 'email',
  schema: importedEmailSchema as z.ZodType<Parsed>,
  factor: true,
  clears: [userFields.email, userFields.emailAt],
  keys: () => [],
  write(_ctx, _userId, value, now) {
    const { address, enabledAt } = typeof value === 'string' ? { address: value, enabledAt: now } : value;
    return {
      fields: { [userFields.email]: address, [userFields.emailAt]: String(enabledAt ?? now) },
      ops: [],
    };
  },
  read(_ctx, _userId, user) {
    const address = userField(user, userFields.email);
    if (address === undefined) return undefined;
    const at = userField(user, userFields.emailAt);
    return at === undefined
      ? address
      : { address, enabledAt: wholeNumberField(at, userFields.emailAt, 'user') };
  },
};
