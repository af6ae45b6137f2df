import { InvalidInputError } from '../../core/errors.js';
import { destinationTransfer, type ImportedDestination } from '../destination-transfer.js';
import { type PhoneContext, phoneFields } from './phone-channel.js';
import { numberAllowed, phoneNumberSchema } from './phone-number.js';
import { channelOf } from './phone-setup.js';

/**
 * A number to enable for text-message codes (E.164, normalised as at setup), or the number and when
 * it was enabled.
 */
export type ImportedPhone = ImportedDestination<'number'>;

/** Text-message codes: the confirmed number (on while present) and when it was enabled. */
export const phoneTransfer = destinationTransfer({
  method: 'phone',
  field: 'phone',
  key: 'number',
  destination: phoneNumberSchema,
  fields: { destination: phoneFields.number, at: phoneFields.at },
  // As at setup: the method must be on, and the number in the countries codes go to.
  admit(ctx, number) {
    const { settings } = channelOf(ctx as PhoneContext);
    if (!numberAllowed(number, settings.allowedPrefixes))
      throw new InvalidInputError('phone', 'codes are not sent to this country');
  },
});
