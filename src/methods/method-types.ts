import type { z } from 'zod';
import type { ChallengeAddition } from './proof.js';

/**
 * The facade's types, built from a list of method modules (`Ms`): `src/methods/registry.ts` applies
 * them to the built-in methods, so a new method's id, status part, namespace, options, login calls,
 * events and messages reach the public types from its folder alone.
 */

/** The intersection of a union's members (`never` members, the modules without a part, drop out). */
type UnionToIntersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void
  ? I
  : never;
/** Flattens an intersection into one object type (readable in editors). */
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Modules = readonly object[];
type Each<Ms extends Modules> = Ms[number];

/** Every method id. */
export type IdOf<Ms extends Modules> = Each<Ms> extends { id: infer I } ? I : never;
/** The methods that turn 2FA on. */
export type FactorIdOf<Ms extends Modules> = IdOf<Extract<Each<Ms>, { role: 'factor' }>[]>;
/** The methods a challenge lists. */
export type OfferedIdOf<Ms extends Modules> = IdOf<Extract<Each<Ms>, { offered: true }>[]>;
/** The methods a typed code can prove. */
export type CodeIdOf<Ms extends Modules> = IdOf<Extract<Each<Ms>, { matchCode: unknown }>[]>;
/** The methods that can end a challenge: a typed code's, or a response's of their own. */
export type ProofIdOf<Ms extends Modules> =
  | CodeIdOf<Ms>
  | IdOf<Extract<Each<Ms>, { matchResponse: unknown }>[]>;

/** The facade namespaces the methods add (`totp`, `email`, `backupCodes`). */
export type ApisOf<Ms extends Modules> = {
  [M in Each<Ms> as M extends { api: { name: infer N extends string } } ? N : never]: M extends {
    api: { create(ctx: never): infer A };
  }
    ? A
    : never;
};

type StatusPart<M> = M extends { status(...args: never[]): infer S }
  ? M extends { available: unknown }
    ? Partial<S>
    : S
  : never;
/** `status`: `enabled` and each method's part (a method the host may turn off: optional). */
export type StatusOf<Ms extends Modules> = Simplify<
  { enabled: boolean } & UnionToIntersection<StatusPart<Each<Ms>>>
>;

type LoginPart<M> = M extends { login: { create(...args: never[]): infer L } } ? L : never;
/** The calls the methods add to `tf.login`. */
export type LoginCallsOf<Ms extends Modules> = UnionToIntersection<LoginPart<Each<Ms>>>;

type AdminPart<M> = M extends { admin: { create(ctx: never): infer A } } ? A : never;
/** The calls the methods add to `tf.admin`. */
export type AdminCallsOf<Ms extends Modules> = UnionToIntersection<AdminPart<Each<Ms>>>;
/** The admin actions the methods' admin calls are authorized as. */
export type AdminActionOf<Ms extends Modules> =
  Each<Ms> extends infer M ? (M extends { admin: { actions: infer A } } ? A[keyof A] : never) : never;

type OptionsPart<M> = M extends { options: infer O extends Record<string, z.ZodType> }
  ? { -readonly [K in keyof O as undefined extends z.input<O[K]> ? K : never]?: z.input<O[K]> } & {
      -readonly [K in keyof O as undefined extends z.input<O[K]> ? never : K]: z.input<O[K]>;
    }
  : never;
/** The facade options the methods read (`mailer`, `totp`, `webauthn`). */
export type OptionsOf<Ms extends Modules> = Simplify<UnionToIntersection<OptionsPart<Each<Ms>>>>;

type HttpOptionPart<M> = M extends { http: { option: { name: infer N extends string; schema: infer S } } }
  ? { [K in N]?: (S extends z.ZodType ? z.input<S> : never) | undefined }
  : never;
/** The adapter options the methods read (`webauthn`). */
export type HttpOptionsOf<Ms extends Modules> = Simplify<UnionToIntersection<HttpOptionPart<Each<Ms>>>>;

/** The events the methods raise. */
export type EventsOf<Ms extends Modules> =
  Each<Ms> extends infer M ? (M extends { events: readonly (infer E)[] } ? E : never) : never;

/** The message codes of the methods' routes. */
export type MessageCodesOf<Ms extends Modules> =
  Each<Ms> extends infer M ? (M extends { http: { messages: infer C } } ? keyof C : never) : never;

/** A proof of a method's own: `{ method, response }`. */
export type ResponseProofOf<Ms extends Modules> =
  Each<Ms> extends infer M
    ? M extends { id: infer I; response: infer S extends z.ZodType }
      ? { method: I; response: z.input<S> }
      : never
    : never;

type ExtrasPart<M> = M extends { challenge(...args: never[]): Promise<infer R> }
  ? NonNullable<R> extends ChallengeAddition<infer E>
    ? Partial<E>
    : never
  : never;
/** What the methods add to `login.start`'s challenge answer (`webauthnOptions`). */
export type ChallengeExtrasOf<Ms extends Modules> = UnionToIntersection<ExtrasPart<Each<Ms>>>;
