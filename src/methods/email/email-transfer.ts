import { userFields } from '../../store/layout.js';
import { destinationTransfer, type ImportedDestination } from '../destination-transfer.js';
import { emailAddressSchema } from './email-address.js';

/** An address to enable as the email method: the address, or the address and when it was enabled. */
export type ImportedEmail = ImportedDestination<'address'>;

/** Email codes: the address (on while present) and when it was enabled. */
export const emailTransfer = destinationTransfer({
  method: 'email',
  field: 'email',
  key: 'address',
  destination: emailAddressSchema,
  fields: { destination: userFields.email, at: userFields.emailAt },
});
