import { z } from 'zod';
import { type Actor, createEmitter, type TwoFactorEvent } from '../core/events.js';
import { Keyring, type KeysInput } from '../core/keyring.js';
import { type TotpOptions, TotpVerifier } from '../core/otp/totp-verifier.js';
import type { PolicyInput } from '../core/policy/policy-schema.js';
import { type RandomSource, secureRandom } from '../core/random.js';
import { parseOptions, storableText } from '../core/validation.js';
import type { Mailer } from '../mail/mailer.js';
import type { NoticeCatalogue } from '../mail/notice-messages.js';
import type { CodeMessageTemplate } from '../mail/templates.js';
import { BackupCodeVault } from '../methods/backup-codes/backup-code-vault.js';
import { EmailCodeIssuer } from '../methods/email/email-code-issuer.js';
import type { TwoFactorStatus } from '../methods/method-module.js';
import { createMethodRegistry, type FactorId, type MethodApis } from '../methods/registry.js';
import {
  WEBAUTHN_OFF,
  type WebauthnSettings,
  webauthnSettingsSchema,
} from '../methods/webauthn/webauthn-json.js';
import { AttemptLimiter } from '../services/attempt-limiter.js';
import { SessionRegistry } from '../services/session-registry.js';
import { TrustedDeviceStore } from '../services/trusted-device-store.js';
import { guardStore } from '../store/guard-store.js';
import type { Store } from '../store/store.js';
import { eventMetrics } from '../telemetry/event-metrics.js';
import { instrumentFacade } from '../telemetry/instrument-facade.js';
import { instrumentMailer } from '../telemetry/instrument-mailer.js';
import { instrumentStore } from '../telemetry/instrument-store.js';
import { type OpenTelemetryApi, telemetrySource } from '../telemetry/opentelemetry.js';
import { type AdminApi, createAdminApi, denyEveryAdminAction } from './admin.js';
import type { AdminAction, Context } from './context.js';
import { createDevicesApi, type DevicesApi } from './devices.js';
import { createDisable } from './disable.js';
import { eventMethod } from './event-method.js';
import { attachContext, type SessionVerifiers } from './internals.js';
import { createKeysApi, type KeysApi } from './keys/keys-api.js';
import { createLoginApi, type LoginApi } from './login/login-api.js';
import { verifyInSession } from './login/verify.js';
import { createNotifier, type NotifyOptions } from './notices/notifier.js';
import { createPolicyApi, type PolicyApi } from './policy-api.js';
import { createPolicyAccess } from './policy-store.js';
import { createSessionsApi, type SessionsApi } from './sessions-api.js';
import { createStatus } from './status.js';

/** Options of {@link createTwoFactor}. */
export interface TwoFactorOptions {
  /** Shown in authenticator apps and emails. */
  issuer: string;
  store: Store;
  mailer: Mailer;
  /**
   * The application key: 32 random bytes or more as hex or base64url text (`npx factorkit keygen`),
   * or a `Buffer`; `{ current, ...older }` during a rotation (docs/keys.md).
   */
  keys: KeysInput;
  /** Org defaults; `policy.set` overrides are kept in the store. */
  policy?: PolicyInput;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Random bytes. Default node:crypto. */
  random?: RandomSource;
  /** Decides admin actions. Default: deny everything. */
  authorize?:
    | ((actor: Actor, action: AdminAction, targetUserId: string) => boolean | Promise<boolean>)
    | undefined;
  /** Audit events and notifications; a throwing hook is reported as a warning and ignored. */
  onEvent?: (event: TwoFactorEvent) => void | Promise<void>;
  /** TOTP parameters (defaults: SHA1, 6 digits, 30 s, window 1). */
  totp?: TotpOptions;
  /** Replaces the email that carries codes. */
  emailTemplate?: CodeMessageTemplate;
  /** How long `login.verify` may reuse the policy it read (ms); `login.start` always reads it. Default 5000. */
  policyCacheMs?: number;
  /**
   * Security keys and passkeys: the verifier (`library`: `simpleWebauthn` from `factorkit/webauthn`),
   * user verification, attestation, resident keys, the site (see `WebauthnSettings`). Without it,
   * security keys are off.
   */
  webauthn?: Partial<WebauthnSettings>;
  /**
   * Security notices to users (docs/operations.md): each kind is an email through `mailer` by
   * default; `false` silences a kind, a function replaces its delivery. `false` silences them all.
   */
  notify?: NotifyOptions | false;
  /** Rewords the notice emails, per kind (over the English `englishNotices`). */
  noticeMessages?: Partial<NoticeCatalogue>;
  /** Where a user's notices go (their account email). Default: the user's 2FA email, when they have one. */
  noticeAddress?: (userId: string) => string | null | undefined | Promise<string | null | undefined>;
  /** Notices of one kind a user may get per hour; more are dropped and counted. Default 3. */
  noticesPerHour?: number;
  /**
   * Metrics and spans: default, through `@opentelemetry/api` when it is installed (a no-op without
   * an SDK); pass the API (`import * as api from '@opentelemetry/api'`) to use it from the first
   * call, or `false` to record nothing.
   */
  openTelemetry?: false | OpenTelemetryApi;
}

/**
 * The facade: every 2FA operation a host app needs. Each method adds its own namespace (`totp`,
 * `email`, `backupCodes`: see `MethodApis` and `src/methods/registry.ts`).
 */
export interface TwoFactor extends MethodApis {
  status(userId: string): Promise<TwoFactorStatus>;
  /** Turns a factor off; ends every trusted browser and pending setup; voids backup codes with the last one. */
  disable(userId: string, method: FactorId): Promise<void>;
  admin: AdminApi;
  devices: DevicesApi;
  policy: PolicyApi;
  login: LoginApi;
  sessions: SessionsApi;
  /** Which keys the records still need, and moving them to the current key (docs/keys.md). */
  keys: KeysApi;
  notices: {
    /** Resolves once every security notice begun so far is sent, refused or failed (tests, shutdown). */
    settled(): Promise<void>;
  };
}

const isFunction = (value: unknown) => typeof value === 'function';
const fn = (name: string) =>
  z.custom<(...args: never[]) => unknown>(isFunction, { message: `${name} must be a function` });

/** An options object (checked field by field where it is used). */
const settings = (what: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    message: `must be an object (${what})`,
  });

const optionsSchema = z.strictObject({
  // In every otpauth URI and email subject: storable text (a lone surrogate broke encodeURIComponent).
  issuer: storableText({ trim: true }).min(1).max(100),
  store: z.custom<Store>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      ['get', 'getMany', 'commit'].every((m) => isFunction((value as Record<string, unknown>)[m])),
    { message: 'must implement get, getMany and commit' },
  ),
  mailer: z.custom<Mailer>(
    (value) => typeof value === 'object' && value !== null && isFunction((value as Mailer).send),
    {
      message: 'must have a send(message) method',
    },
  ),
  // The keyring checks the keys itself, with messages that say how to make a good one.
  keys: z.unknown(),
  policy: settings('PolicyInput: { required, frequency, ... }, see docs/policy.md').optional(),
  now: fn('now').optional(),
  random: fn('random').optional(),
  authorize: fn('authorize').optional(),
  onEvent: fn('onEvent').optional(),
  totp: settings('{ algorithm, digits, periodSeconds, windowSteps }').optional(),
  emailTemplate: fn('emailTemplate').optional(),
  policyCacheMs: z.number().int().min(0).max(60_000).optional(),
  webauthn: webauthnSettingsSchema.optional(),
  notify: z
    .union([z.literal(false), z.record(z.string(), z.union([z.literal(false), fn('notify')]))])
    .optional(),
  noticeMessages: z.record(z.string(), fn('noticeMessages')).optional(),
  noticeAddress: fn('noticeAddress').optional(),
  noticesPerHour: z.number().int().min(1).max(1000).optional(),
  openTelemetry: z
    .union([
      z.literal(false),
      z.custom<OpenTelemetryApi>(
        (value) => typeof value === 'object' && value !== null && 'trace' in value && 'metrics' in value,
        { message: 'must be the @opentelemetry/api module' },
      ),
    ])
    .optional(),
});

/**
 * Creates the 2FA facade over a store, a mailer and the application keys.
 *
 * @throws {FactorkitError} `CONFIG` naming the first bad option (a missing, short or weak key included).
 * @example
 * const tf = createTwoFactor({ issuer: 'CloudFon CX', store: new MemoryStore(), mailer: new MemoryMailer(), keys: process.env.FACTORKIT_KEY! });
 * const start = await tf.login.start(user.id, { deviceToken: req.cookies.tf_device });
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  const parsed = parseOptions(optionsSchema, options, 'options');
  const now = options.now ?? Date.now;
  const random = options.random ?? secureRandom;
  const keyring = new Keyring(options.keys);
  const telemetry = telemetrySource(options.openTelemetry);
  const store = instrumentStore(guardStore(options.store), telemetry);
  const notifier = createNotifier(() => ctx, {
    notify: options.notify === false ? undefined : options.notify,
    messages: options.noticeMessages,
    address: options.noticeAddress,
    perHour: options.noticesPerHour ?? 3,
    mailer: instrumentMailer(options.mailer, 'notice', telemetry),
  });
  const ctx: Context = {
    issuer: options.issuer.trim(),
    store,
    now,
    random,
    keyring,
    totp: new TotpVerifier({ ...(options.totp as TotpOptions | undefined), random }),
    emailCodes: new EmailCodeIssuer({
      store,
      mailer: instrumentMailer(options.mailer, 'code', telemetry),
      keys: keyring,
      issuer: options.issuer.trim(),
      now,
      random,
      ...(options.emailTemplate ? { template: options.emailTemplate } : {}),
    }),
    vault: new BackupCodeVault({ keys: keyring, random, now }),
    devices: new TrustedDeviceStore({ store, keys: keyring, random, now }),
    limiter: new AttemptLimiter({ store, now }),
    sessions: new SessionRegistry({ store, now, random }),
    webauthn: parsed.webauthn ?? WEBAUTHN_OFF,
    methods: createMethodRegistry(() => ctx),
    emit: createEmitter(
      [options.onEvent, eventMetrics(telemetry), options.notify === false ? undefined : notifier.listener],
      now,
      eventMethod,
    ),
    authorize: options.authorize ?? denyEveryAdminAction,
    ...createPolicyAccess(store, now, options.policy, options.policyCacheMs ?? 5000),
  };
  const facade: TwoFactor = {
    ...ctx.methods.apis(),
    status: createStatus(ctx),
    disable: createDisable(ctx),
    admin: createAdminApi(ctx),
    devices: createDevicesApi(ctx),
    policy: createPolicyApi(ctx),
    login: createLoginApi(ctx),
    sessions: createSessionsApi(ctx),
    keys: createKeysApi(ctx),
    notices: { settled: notifier.settled },
  };
  const instrumented = instrumentFacade(facade, telemetry, ['notices']);
  // The HTTP layer's verifies, bound to a session: the same operations as the facade's.
  const bound = instrumentFacade(
    {
      login: {
        verify: (challengeId, code, options, session) =>
          verifyInSession(ctx, challengeId, { code }, options, session),
        verifyWebauthn: (challengeId, response, options, session) =>
          verifyInSession(ctx, challengeId, { response }, options, session),
      } satisfies SessionVerifiers,
    },
    telemetry,
  );
  // factorkit/import works on the facade a host holds: the instrumented one.
  attachContext(instrumented, ctx, bound.login);
  return instrumented;
}
