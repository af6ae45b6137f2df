import { z } from 'zod';
import { type Actor, createEmitter } from '../core/events.js';
import { Keyring, type KeysInput } from '../core/keyring.js';
import type { PolicyInput } from '../core/policy/policy-schema.js';
import { type RandomSource, secureRandom } from '../core/random.js';
import { isFunction, parseOptions, storableText } from '../core/validation.js';
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
import { type AdminApi, createAdminApi } from './admin.js';
import type { AdminAction, Context } from './context.js';
import { createDevicesApi, type DevicesApi } from './devices.js';
import { createDisable } from './disable.js';
import { attachMethods } from './facade-methods.js';
import { createLoginApi, type LoginApi } from './login/login-api.js';
import { createPolicyApi, type PolicyApi } from './policy-api.js';
import { createPolicyAccess } from './policy-store.js';
import { createSessionsApi, type SessionsApi } from './sessions-api.js';
import { createStatus } from './status.js';

/**
 * Options of {@link createTwoFactor}: the facade's own, and each method's (`mailer` and
 * `emailTemplate` for email codes, `totp`, `webauthn`: see `MethodOptions`).
 */
export interface TwoFactorOptions extends MethodOptions {
  /** Shown in authenticator apps and emails. */
  issuer: string;
  store: Store;
  /** 32-byte secrets (hex or base64url); `{ current, ...older }` to rotate. */
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
  /** How long `login.verify` may reuse the policy it read (ms); `login.start` always reads it. Default 5000. */
  policyCacheMs?: number;
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
  /** Turns a factor off; ends every trusted browser and pending setup; voids backup codes with the last one. */
  disable(userId: string, method: FactorId): Promise<void>;
  admin: AdminApi;
  devices: DevicesApi;
  policy: PolicyApi;
  login: LoginApi;
  sessions: SessionsApi;
}

const fn = (name: string) =>
  z.custom<(...args: never[]) => unknown>(isFunction, { message: `${name} must be a function` });

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
  keys: z.union([z.string(), z.record(z.string(), z.string())]),
  policy: z.unknown().optional(),
  now: fn('now').optional(),
  random: fn('random').optional(),
  authorize: fn('authorize').optional(),
  onEvent: fn('onEvent').optional(),
  policyCacheMs: z.number().int().min(0).max(60_000).optional(),
  methods: z.array(z.custom<MethodModule>((value) => typeof value === 'object' && value !== null)).optional(),
};

/** The options' schema: the facade's own and every method's, checked together. */
function optionsSchema(modules: readonly MethodModule[]) {
  return z.object(Object.assign({}, coreOptions, ...modules.map((m) => m.options ?? {})));
}

/**
 * Creates the 2FA facade over a store, a mailer and the application keys.
 *
 * @throws {FactorkitError} `CONFIG` naming the first bad option (a key shorter than 32 bytes included).
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
  const store = guardStore(options.store);
  const ctx = {
    issuer: options.issuer.trim(),
    store,
    now,
    random,
    keyring,
    devices: new TrustedDeviceStore({ store, keys: keyring, random, now }),
    limiter: new AttemptLimiter({ store, now }),
    sessions: new SessionRegistry({ store, now, random }),
    // The host's hook takes the facade's event types; the emitter stamps and forwards any.
    emit: createEmitter(options.onEvent as ((event: unknown) => void) | undefined, now),
    authorize: options.authorize ?? (() => false),
    ...createPolicyAccess(store, now, options.policy, options.policyCacheMs ?? 5000),
  } as Context;
  ctx.methods = createMethodRegistry(ctx, modules, parsed);
  const login = createLoginApi(ctx);
  const contributed = ctx.methods.contributions(login);
  const facade = {
    ...contributed.apis,
    status: createStatus(ctx),
    disable: createDisable(ctx),
    admin: createAdminApi(ctx, contributed.admin),
    devices: createDevicesApi(ctx),
    policy: createPolicyApi(ctx),
    login: Object.assign(login, contributed.login),
    sessions: createSessionsApi(ctx),
  } as unknown as TwoFactor;
  return attachMethods(facade, modules, ctx.methods);
}

/** The host's own methods: a list of modules (checked further with the built-in ones). */
function parseHostMethods(methods: unknown): readonly MethodModule[] {
  return parseOptions(coreOptions.methods, methods, 'options.methods') ?? [];
}
