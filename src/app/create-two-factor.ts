import { z } from 'zod';
import { type Actor, createEmitter } from '../core/events.js';
import { Keyring, type KeysInput } from '../core/keyring.js';
import type { PolicyInput } from '../core/policy/policy-schema.js';
import { type RandomSource, secureRandom } from '../core/random.js';
import { isFunction, parseOptions, storableText } from '../core/validation.js';
import type { Mailer } from '../mail/mailer.js';
import type { NoticeCatalogue } from '../mail/notice-messages.js';
import { checkModules } from '../methods/check-modules.js';
import { createMethodRegistry } from '../methods/create-registry.js';
import type { MethodModule } from '../methods/method-module.js';
import type { OptionsOf } from '../methods/method-types.js';
import {
  type FactorId,
  type MethodApis,
  type MethodOptions,
  methodModules,
  type TwoFactorEvent,
  type TwoFactorStatus,
} from '../methods/registry.js';
import { AttemptLimiter } from '../services/attempt-limiter.js';
import { SessionRegistry } from '../services/session-registry.js';
import { TrustedDeviceStore } from '../services/trusted-device-store.js';
import { guardStore } from '../store/guard-store.js';
import type { Store } from '../store/store.js';
import { eventMetrics } from '../telemetry/event-metrics.js';
import { instrumentFacade } from '../telemetry/instrument-facade.js';
import { instrumentMailer } from '../telemetry/instrument-mailer.js';
import { instrumentStore } from '../telemetry/instrument-store.js';
import { isOpenTelemetryApi, type OpenTelemetryApi, telemetrySource } from '../telemetry/opentelemetry.js';
import { type AdminApi, createAdminApi } from './admin.js';
import { denyEveryAdminAction } from './admin-scope.js';
import type { AdminAction, AuthorizeAnswer, Context } from './context.js';
import { createDevicesApi, type DevicesApi } from './devices.js';
import { createDisable } from './disable.js';
import { eventMethodOf } from './event-method.js';
import { attachMethods } from './facade-methods.js';
import { attachContext, type SessionVerifiers } from './internals.js';
import { createKeysApi, type KeysApi } from './keys/keys-api.js';
import { createLoginApi, type LoginApi } from './login/login-api.js';
import { verifyInSession } from './login/verify.js';
import { createNotifier, type NotifyOptions } from './notices/notifier.js';
import { createOrgAccess, type OrgOf, type RolesOf, withTargetOrg } from './orgs.js';
import { createPolicyApi, type PolicyApi } from './policy-api.js';
import { createPolicyAccess } from './policy-store.js';
import { createSessionsApi, type SessionsApi } from './sessions-api.js';
import { createStatus } from './status.js';
import { createStatusMany, type UserStatus } from './status-many.js';

/**
 * Options of {@link createTwoFactor}: the facade's own, and each method's (`emailTemplate` for
 * email codes, `totp`, `webauthn`, `phone`: see `MethodOptions`).
 */
export interface TwoFactorOptions extends MethodOptions {
  /** Shown in authenticator apps and emails. */
  issuer: string;
  store: Store;
  /** Sends the emails: codes (the email method) and security notices. */
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
  /**
   * Decides admin actions. Default: deny everything. With `orgOf`, it is asked only for a target in
   * the actor's own org (`scope.org`); `'any-org'` is the answer that lets an actor with `org: '*'`
   * (a platform operator) act in every org.
   */
  authorize?:
    | ((
        actor: Actor,
        action: AdminAction,
        targetUserId: string,
        scope: { org: string | null },
      ) => AuthorizeAnswer | Promise<AuthorizeAnswer>)
    | undefined;
  /**
   * Organizations (docs/organizations.md): the org a user belongs to, or null. Asked where a policy
   * or an admin's scope is needed, at most once per user per facade call and never cached across
   * calls. Without it there is one org and everything behaves as before.
   */
  orgOf?: OrgOf;
  /** A user's roles, for policy rules that name roles (`required.roles`, `methods.byRole`). */
  rolesOf?: RolesOf;
  /** Audit events and notifications; a throwing hook is reported as a warning and ignored. */
  onEvent?: (event: TwoFactorEvent) => void | Promise<void>;
  /**
   * How long `login.verify` and the adapters' guards may reuse the policy they read (ms);
   * `login.start` and `tf.policy.get` always read it. Default 5000.
   */
  policyCacheMs?: number;
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
  /**
   * Methods of the host's own (`defineMethod`): their options (typed from the modules), facade
   * namespace (`methodApi(tf, module)`), routes and status part join the built-in ones'. Factors
   * are offered after the built-in factors, and before the recovery methods.
   */
  methods?: readonly MethodModule[];
}

/**
 * The facade: every 2FA operation a host app needs. Each method adds its own namespace (`totp`,
 * `email`, `backupCodes`, `webauthn`: see `MethodApis` and `src/methods/registry.ts`).
 */
export interface TwoFactor extends MethodApis {
  status(userId: string): Promise<TwoFactorStatus>;
  /**
   * The status of up to 1,000 users (an admin's list): methods, backup codes, lock, trusted
   * browsers, last second-factor sign-in, and where each stands against the `required` rule. One
   * store read for all of them (`getAcross`), plus each org's policy.
   */
  statusMany(userIds: readonly string[]): Promise<Map<string, UserStatus>>;
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

const fn = (name: string) =>
  z.custom<(...args: never[]) => unknown>(isFunction, { message: `${name} must be a function` });

/** An options object (checked field by field where it is used). */
const settings = (what: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    message: `must be an object (${what})`,
  });

const coreOptions = {
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
    { message: 'must have a send(message) method' },
  ),
  // The keyring checks the keys itself, with messages that say how to make a good one.
  keys: z.unknown(),
  policy: settings('PolicyInput: { required, frequency, ... }, see docs/policy.md').optional(),
  now: fn('now').optional(),
  random: fn('random').optional(),
  authorize: fn('authorize').optional(),
  orgOf: fn('orgOf').optional(),
  rolesOf: fn('rolesOf').optional(),
  onEvent: fn('onEvent').optional(),
  policyCacheMs: z.number().int().min(0).max(60_000).optional(),
  methods: z.array(z.custom<MethodModule>((value) => typeof value === 'object' && value !== null)).optional(),
  notify: z
    .union([z.literal(false), z.record(z.string(), z.union([z.literal(false), fn('notify')]))])
    .optional(),
  noticeMessages: z.record(z.string(), fn('noticeMessages')).optional(),
  noticeAddress: fn('noticeAddress').optional(),
  noticesPerHour: z.number().int().min(1).max(1000).optional(),
  openTelemetry: z
    .union([
      z.literal(false),
      z.custom<OpenTelemetryApi>(isOpenTelemetryApi, { message: 'must be the @opentelemetry/api module' }),
    ])
    .optional(),
};

/** The options' schema: the facade's own and every method's, checked together (an unknown one is CONFIG). */
function optionsSchema(modules: readonly MethodModule[]) {
  return z.strictObject(Object.assign({}, coreOptions, ...modules.map((m) => m.options ?? {})));
}

/**
 * Creates the 2FA facade over a store, a mailer and the application keys.
 *
 * @throws {FactorkitError} `CONFIG` naming the first bad option (a missing, short or weak key included).
 * @example
 * const tf = createTwoFactor({ issuer: 'CloudFon CX', store: new MemoryStore(), mailer: new MemoryMailer(), keys: process.env.FACTORKIT_KEY! });
 * const start = await tf.login.start(user.id, { deviceToken: req.cookies.tf_device });
 */
export function createTwoFactor<const Ms extends readonly MethodModule[]>(
  options: TwoFactorOptions & { methods: Ms } & OptionsOf<Ms>,
): TwoFactor;
export function createTwoFactor(options: TwoFactorOptions): TwoFactor;
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  const every = [...methodModules, ...parseHostMethods(options.methods)];
  // Factors first (the login page offers them in this order), then the recovery methods.
  const modules: readonly MethodModule[] = [
    ...every.filter((m) => m.role === 'factor'),
    ...every.filter((m) => m.role !== 'factor'),
  ];
  checkModules(modules, Object.keys(coreOptions));
  const parsed = parseOptions(optionsSchema(modules), options, 'options') as Record<string, unknown>;
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
    modules,
  });
  const orgs = createOrgAccess(options.orgOf, options.rolesOf);
  const ctx = {
    issuer: options.issuer.trim(),
    store,
    now,
    random,
    keyring,
    mailer: instrumentMailer(options.mailer, 'code', telemetry),
    devices: new TrustedDeviceStore({ store, keys: keyring, random, now }),
    limiter: new AttemptLimiter({ store, now }),
    sessions: new SessionRegistry({ store, now, random }),
    emit: withTargetOrg(
      createEmitter(
        // The host's hook takes the facade's event types; the emitter forwards any.
        [
          options.onEvent as ((event: unknown) => void) | undefined,
          eventMetrics(telemetry),
          options.notify === false ? undefined : notifier.listener,
        ],
        now,
        eventMethodOf(modules),
      ),
      orgs,
    ),
    authorize: options.authorize ?? denyEveryAdminAction,
    orgs,
    modules,
    ...createPolicyAccess(store, now, options.policy, options.policyCacheMs ?? 5000, orgs),
  } as Context;
  ctx.methods = createMethodRegistry(ctx, modules, parsed);
  const login = createLoginApi(ctx);
  const contributed = ctx.methods.contributions(login);
  const statusMany = createStatusMany(ctx);
  const facade = {
    ...contributed.apis,
    status: createStatus(ctx),
    statusMany,
    disable: createDisable(ctx),
    admin: createAdminApi(ctx, contributed.admin, statusMany),
    devices: createDevicesApi(ctx),
    policy: createPolicyApi(ctx),
    login: Object.assign(login, contributed.login),
    sessions: createSessionsApi(ctx),
    keys: createKeysApi(ctx),
    notices: { settled: notifier.settled },
  } as unknown as TwoFactor;
  const instrumented = instrumentFacade(facade, telemetry, ['notices']);
  // The HTTP layer's verify and setup confirms, bound to a session: the same operations as the
  // facade's (`login.verify`, `totp.confirmSetup`).
  const { login: boundLogin, ...boundApis } = instrumentFacade(
    {
      ...contributed.inSession,
      login: {
        verify: (challengeId, proof, options, session) =>
          verifyInSession(ctx, challengeId, proof, options, session),
      } satisfies SessionVerifiers,
    },
    telemetry,
  );
  // factorkit/import and the HTTP layer work on the facade a host holds: the instrumented one.
  attachContext(instrumented, ctx, { login: boundLogin as SessionVerifiers, apis: boundApis });
  return attachMethods(instrumented, modules, ctx.methods);
}

/** The host's own methods: a list of modules (checked further with the built-in ones). */
function parseHostMethods(methods: unknown): readonly MethodModule[] {
  return parseOptions(coreOptions.methods, methods, 'options.methods') ?? [];
}
