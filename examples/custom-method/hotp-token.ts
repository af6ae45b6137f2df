import {
  type CodeAttempt,
  defineMethod,
  type MethodContext,
  type UserRecords,
  userField,
  userRecordKey,
} from 'factorkit';
import { z } from 'zod';
import { counterOf } from './hotp-codes.js';
import {
  createHotpTokenApi,
  type HotpContext,
  hotpFields,
  hotpRoutes,
  sealContext,
} from './hotp-token-setup.js';

/**
 * A method of the host's own: the hardware tokens (RFC 4226 HOTP, a button and six digits) its
 * agents already carry. An administrator imports the tokens' seeds into the host's inventory; an
 * agent types the serial on the back of theirs, then a code from it. In `{tag}:user`: the sealed
 * seed (on while present), when, and the last counter used (the replay floor). A setup in progress:
 * `{tag}:hotp-pending`. Registered with `createTwoFactor({ methods: [hotpTokenMethod], hotpToken: {
 * seedOf } })`.
 */
export const hotpTokenMethod = defineMethod({
  id: 'hotp-token',
  role: 'factor',
  offered: true,
  userFields: [hotpFields.seed, hotpFields.at, hotpFields.counter],
  enabledField: hotpFields.seed,
  records: {},
  keys: (userId: string) => [userRecordKey(userId, 'hotp-pending')],
  pendingKeys: (userId: string) => [userRecordKey(userId, 'hotp-pending')],
  options: {
    hotpToken: z.object({
      /** The seed (hex) of the token with this serial, from the host's inventory; null when unknown. */
      seedOf: z.custom<(serial: string) => Promise<string | null>>((value) => typeof value === 'function'),
      /** How many presses ahead a code may be (default 10). */
      lookAhead: z.number().int().min(1).max(100).default(10),
    }),
  },
  services: (_ctx: MethodContext, options: { hotpToken: HotpContext['hotp'] }) => ({
    hotp: options.hotpToken,
  }),
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, hotpFields.seed) !== undefined,
  matchCode(ctx: HotpContext, { userId, code, user }: CodeAttempt) {
    const sealed = userField(user, hotpFields.seed);
    if (sealed === undefined) return null;
    const seed = Buffer.from(ctx.keyring.open(sealed, sealContext(userId)), 'hex');
    const counter = counterOf(
      seed,
      code,
      Number(userField(user, hotpFields.counter) ?? 0),
      ctx.hotp.lookAhead,
    );
    if (counter === null) return null;
    // Single use: the floor moves to this counter in the step that ends the challenge.
    const advance = { field: hotpFields.counter, value: counter };
    return {
      kind: 'match',
      method: 'hotp-token',
      ops: [{ type: 'merge', key: userRecordKey(userId, 'user'), fields: {}, advance }],
      raceLostEvent: 'code.replayed',
    } as const;
  },
  status: (_ctx: MethodContext, user: UserRecords) => ({
    hotpToken: userField(user, hotpFields.seed) !== undefined,
  }),
  api: { name: 'hotpToken', create: createHotpTokenApi },
  events: ['hotp-token.setup-started', 'hotp-token.enabled', 'hotp-token.disabled'],
  http: {
    routes: hotpRoutes,
    status: { hotpToken: z.boolean() },
    messages: { 'unknown-token': 'No token has this serial number.' },
  },
});
