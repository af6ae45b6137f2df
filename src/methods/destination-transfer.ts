import { z } from 'zod';
import { wholeNumberField } from '../store/record-fields.js';
import type { MethodContext } from './context.js';
import type { MethodTransfer } from './transfer.js';
import { userField } from './user-records.js';

/** Where a code channel's enrolment lives in `{tag}:user`: its destination (on while present), when. */
export interface DestinationFields {
  destination: string;
  at: string;
}

/** An imported destination: the value alone, or the value and when it was enabled. */
export type ImportedDestination<K extends string> =
  | string
  | ({ [key in K]: string } & { enabledAt?: number | undefined });

/**
 * The transfer of a code channel (email codes, text-message codes): one destination, validated and
 * normalised by the channel's own schema, and when it was enabled. `key` names the destination in
 * the object form (`{ address, enabledAt }`, `{ number, enabledAt }`).
 */
export function destinationTransfer<K extends string>(options: {
  method: string;
  field: string;
  key: K;
  destination: z.ZodType<string, string>;
  fields: DestinationFields;
  /** What the channel checks at setup beyond the schema (is it on, may codes go there); throws. */
  admit?: (ctx: MethodContext, destination: string) => void;
}): MethodTransfer<ImportedDestination<K>> {
  const { key, fields } = options;
  const schema = z.union([
    options.destination,
    z
      .object({
        [key]: options.destination,
        enabledAt: z.number().int().min(0).max(8.64e15).optional(),
      })
      .strict(),
  ]) as unknown as z.ZodType<ImportedDestination<K>>;
  return {
    method: options.method,
    field: options.field,
    schema,
    factor: true,
    clears: [fields.destination, fields.at],
    keys: () => [],
    write(ctx, _userId, value, now) {
      const [destination, enabledAt] =
        typeof value === 'string' ? [value, now] : [value[key], value.enabledAt ?? now];
      options.admit?.(ctx, destination);
      return { fields: { [fields.destination]: destination, [fields.at]: String(enabledAt) }, ops: [] };
    },
    enrolment(user) {
      const destination = userField(user, fields.destination);
      return destination === undefined ? undefined : [destination, userField(user, fields.at) ?? null];
    },
    read(_ctx, _userId, user) {
      const destination = userField(user, fields.destination);
      if (destination === undefined) return undefined;
      const at = userField(user, fields.at);
      if (at === undefined) return destination;
      return {
        [key]: destination,
        enabledAt: wholeNumberField(at, fields.at, 'user'),
      } as ImportedDestination<K>;
    },
  };
}
