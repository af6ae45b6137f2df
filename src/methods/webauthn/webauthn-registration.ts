import { z } from 'zod';
import { ConfigError, InvalidInputError } from '../../core/errors.js';
import { parseInput, storableText, userIdSchema } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { requiredField } from '../../store/record-fields.js';
import { type EnableWrite, enableInSession, refusedSetup, type SetupResult } from '../enable.js';
import { type SessionSetupResult, takeSetupAttempt } from '../setup-attempt.js';
import type { SetupSession } from '../setup-session.js';
import { setupVerdict } from '../setup-verdict.js';
import { CEREMONY_TTL_MS, keysOf } from './webauthn-assertion.js';
import { ranEmbedded } from './webauthn-client-data.js';
import type { WebauthnContext } from './webauthn-context.js';
import {
  credentialField,
  credentialValue,
  labelField,
  type SecurityKey,
  securityKeyView,
} from './webauthn-credentials.js';
import {
  knownTransports,
  originOnSite,
  originSchema,
  registrationResponseSchema,
  rpIdSchema,
  rpNameSchema,
  type WebauthnCreationOptions,
  type WebauthnRegistrationResponse,
} from './webauthn-json.js';
import { webauthnLibrary } from './webauthn-library.js';
import { statementAllowed } from './webauthn-statement.js';
import { userHandleFor } from './webauthn-user-handle.js';

/**
 * Where a registration happens, and for whom. The site (`rpId`, `rpName`, `origin`) defaults to
 * `createTwoFactor({ webauthn })`'s.
 */
export interface RegistrationSite {
  /** The account name the authenticator shows (an email, a username). */
  userName: string;
  userDisplayName?: string | undefined;
  /** The relying party id: the site's domain or a parent of it (`example.com`). */
  rpId?: string | undefined;
  /** Shown by the browser and the authenticator. */
  rpName?: string | undefined;
  /** The origin of the page that calls `navigator.credentials.create()`. */
  origin?: string | undefined;
}

/** What `webauthn.beginRegistration` returns: the options for `navigator.credentials.create()`, and when they expire. */
export interface RegistrationStart {
  options: WebauthnCreationOptions;
  /** When the ceremony ends (ms since the epoch): 5 minutes after it began. */
  expiresAt: number;
}

/**
 * A key's label: 1 to 64 characters, none a control character (PostgreSQL cannot store a NUL) or a
 * lone surrogate (PostgreSQL's jsonb refuses it).
 */
const labelSchema = storableText({ trim: true }).min(1).max(64);

/** The label a key gets when `finishRegistration` names none. */
export const DEFAULT_KEY_LABEL = 'Security key';

const siteSchema = z
  .object({
    rpId: rpIdSchema.optional(),
    rpName: rpNameSchema.optional(),
    origin: originSchema.optional(),
    userName: storableText({ trim: true }).min(1).max(256),
    userDisplayName: storableText({ trim: true }).min(1).max(256).optional(),
  })
  .strict();

/** The site of a registration: the call's, else the facade's; a missing part is a configuration error. */
function siteOf(ctx: WebauthnContext, input: z.output<typeof siteSchema>) {
  const rpId = input.rpId ?? ctx.webauthn.rpId;
  const rpName = input.rpName ?? ctx.webauthn.rpName;
  const origin = input.origin ?? ctx.webauthn.origin;
  for (const [name, value] of [
    ['rpId', rpId],
    ['rpName', rpName],
    ['origin', origin],
  ] as const) {
    if (value === undefined)
      throw new ConfigError(
        `options.webauthn.${name}`,
        'pass it to beginRegistration or set it in createTwoFactor({ webauthn })',
      );
  }
  if (!originOnSite(origin as string, rpId as string))
    throw new InvalidInputError('site.origin', 'must be on rpId or a subdomain of it');
  return { ...input, rpId: rpId as string, rpName: rpName as string, origin: origin as string };
}

/** Result of `webauthn.finishRegistration`: the key added (and, for the first factor, backup codes). */
export type RegistrationResult =
  | { ok: true; key: SecurityKey; backupCodes?: string[] }
  | Extract<SetupResult, { ok: false }>
  | { ok: false; reason: 'too-many-keys'; maxKeys: number };

/** Keys one user may hold: every login reads them all, and a stolen session must not add without end. */
export const MAX_KEYS_PER_USER = 10;

/** WebAuthn's bound on a credential id: 1 to 1023 bytes. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/**
 * `webauthn.beginRegistration`: a single-use ceremony (5 minutes, bound to the user and to this
 * site and origin) and the options for `navigator.credentials.create()`. Keys the user already has
 * are excluded, so one key is never registered twice.
 */
export async function beginRegistration(
  ctx: WebauthnContext,
  userIdInput: string,
  siteInput: RegistrationSite,
): Promise<RegistrationStart> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const site = siteOf(ctx, parseInput(siteSchema, siteInput, 'site'));
  const library = webauthnLibrary(ctx.webauthn).server;
  const [policy, user] = await Promise.all([ctx.policy({ userId }), ctx.methods.loadUser(userId)]);
  const userHandle = userHandleFor(ctx, userId, keysOf(user));
  const options = await library.generateRegistrationOptions({
    rpName: site.rpName,
    rpID: site.rpId,
    userName: site.userName,
    userDisplayName: site.userDisplayName ?? site.userName,
    userID: Buffer.from(userHandle, 'base64url') as Uint8Array<ArrayBuffer>,
    challenge: ctx.random(32) as Uint8Array<ArrayBuffer>,
    timeout: CEREMONY_TTL_MS,
    attestationType: ctx.webauthn.attestation,
    excludeCredentials: keysOf(user).map((key) => ({
      id: key.id,
      transports: knownTransports(key.transports),
    })),
    authenticatorSelection: {
      residentKey: ctx.webauthn.residentKey,
      userVerification: ctx.webauthn.userVerification,
    },
  });
  const now = ctx.now();
  const deadline = now + CEREMONY_TTL_MS;
  await ctx.store.commit(
    [
      {
        type: 'put',
        key: storeKeys.webauthnPending(userId),
        fields: {
          // What the authenticator signs: the challenge as the options carry it (base64url).
          challenge: options.challenge,
          rpId: site.rpId,
          origin: site.origin,
          deadline: String(deadline),
          userHandle,
          attempts: '0',
          lockedUntil: '0',
        },
        expiresAt: deadline + policy.attempts.lockMs * 2,
      },
    ],
    now,
  );
  await ctx.emit({ type: 'webauthn.setup-started', userId });
  return { options: options as WebauthnCreationOptions, expiresAt: deadline };
}

/**
 * `webauthn.finishRegistration`: takes one attempt on the ceremony (the same schedule as a code),
 * verifies the authenticator's response against it (challenge, origin, relying party, user
 * presence, user verification when required), and stores the key in the same atomic step that
 * ends the ceremony. The first factor also brings backup codes. Bound to `session` when it comes
 * from one (the HTTP layer's, `api.inSession`): see `takeSetupAttempt`.
 */
export async function finishRegistration(
  ctx: WebauthnContext,
  userIdInput: string,
  responseInput: WebauthnRegistrationResponse,
  optionsInput: { label?: string | undefined } = {},
  session: SetupSession | null = null,
): Promise<SessionSetupResult<RegistrationResult>> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const response = parseInput(registrationResponseSchema, responseInput, 'response');
  const { label } = parseInput(
    z.object({ label: labelSchema.default(DEFAULT_KEY_LABEL) }),
    optionsInput,
    'options',
  );
  const library = webauthnLibrary(ctx.webauthn).server;
  const pendingKey = storeKeys.webauthnPending(userId);
  const taken = await takeSetupAttempt(ctx, userId, pendingKey, session);
  if (!taken.ok) return taken.result;
  const { verdict, user } = taken;
  const now = ctx.now();
  if (keysOf(user).length >= MAX_KEYS_PER_USER)
    return { ok: false, reason: 'too-many-keys', maxKeys: MAX_KEYS_PER_USER };
  if (
    ranEmbedded(response.response.clientDataJSON) ||
    !statementAllowed(response.response.attestationObject, ctx.webauthn)
  )
    return setupVerdict(verdict, now);
  const challenge = requiredField(verdict.fields, 'challenge', 'webauthn-pending');
  const rpId = requiredField(verdict.fields, 'rpId', 'webauthn-pending');
  const origin = requiredField(verdict.fields, 'origin', 'webauthn-pending');
  let verified: Awaited<ReturnType<typeof library.verifyRegistrationResponse>>;
  try {
    verified = await library.verifyRegistrationResponse({
      response: response as Parameters<typeof library.verifyRegistrationResponse>[0]['response'],
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: ctx.webauthn.userVerification === 'required',
    });
  } catch {
    return setupVerdict(verdict, now);
  }
  if (!verified.verified) return setupVerdict(verdict, now);
  const info = verified.registrationInfo;
  // The credential id the authenticator data names is the one the client sent, within WebAuthn's bound.
  const idBytes = Buffer.from(info.credential.id, 'base64url').length;
  if (info.credential.id !== response.id || idBytes < 1 || idBytes > MAX_CREDENTIAL_ID_BYTES)
    return setupVerdict(verdict, now);
  const stored = {
    id: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).slice(0, 10),
    aaguid: info.aaguid,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
    rpId,
    origin,
    label,
    createdAt: now,
    lastUsedAt: null,
    // What the authenticator keeps (a ceremony begun before handles were kept: learnt at first use).
    userHandle: verdict.fields['userHandle'],
  };
  const field = credentialField(stored.id);
  const write: EnableWrite = {
    take: { type: 'take', key: pendingKey, match: { challenge } },
    fields: { [userFields.webauthn]: '1' },
    also: [
      {
        type: 'merge',
        key: storeKeys.webauthn(userId),
        fields: { [field]: credentialValue(stored), [labelField(stored.id)]: label },
        absent: [field],
        create: true,
      },
    ],
  };
  const enabled = await enableInSession(ctx, userId, 'webauthn', user, write, taken.bound);
  // Refused otherwise: the key is registered already (the browser excludes it; a replayed response is refused here).
  if (!enabled.ok) return refusedSetup(enabled, verdict.attemptsLeft);
  await ctx.emit({ type: 'webauthn.registered', userId, detail: { credentialId: stored.id, label } });
  const { backupCodes, sessionKey } = enabled;
  return {
    ok: true,
    key: securityKeyView(stored),
    ...(backupCodes ? { backupCodes } : {}),
    ...(sessionKey ? { sessionKey } : {}),
  };
}

export { labelSchema };
