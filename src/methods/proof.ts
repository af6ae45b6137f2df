import type { EventName } from '../core/events.js';
import type { Fields, StoreOp } from '../store/store.js';
import type { UserRecords } from './user-records.js';

/**
 * What a login step proves the second factor with, once validated: a typed code (tried on every
 * method that takes one), or a method's own response (a security key's assertion), for that method.
 */
export type Proof = { code: string } | { method: string; response: unknown };

/**
 * What a challenge asks of the methods that may end it. `phishingResistant`: only methods bound to
 * the site's origin (security keys) are offered and accepted. Kept in the challenge record, so a
 * verify honours what the challenge was opened with.
 */
export interface MethodDemand {
  phishingResistant: boolean;
}

/** One attempt on a challenge, with what evaluating it may use. */
export interface ChallengeAttempt {
  userId: string;
  /** The challenge's nonce: codes sent for a challenge are bound to it. */
  nonce: string;
  purpose: 'login' | 'step-up';
  now: number;
  /** The challenge record's fields after this attempt was counted. */
  challenge: Fields;
  user: UserRecords;
}

/** A code typed in the login step. */
export interface CodeAttempt extends ChallengeAttempt {
  code: string;
}

/** A method's own response in the login step, validated by the method's `response` schema. */
export interface ResponseAttempt<Response = unknown> extends ChallengeAttempt {
  response: Response;
}

/** What a method adds to a challenge it is offered in: fields of the record, extras of the answer. */
export interface ChallengeAddition<Extras extends object = Record<string, unknown>> {
  fields: Fields;
  /** Merged into `login.start`'s challenge answer (WebAuthn: `webauthnOptions`, the request options). */
  extras: Extras;
}

/** What a method found in a proof: the ops that consume it, committed with the challenge's end. */
export type CodeMatch<Id extends string = string> =
  | {
      kind: 'match';
      method: Id;
      ops: StoreOp[];
      challengeMatch?: Fields;
      /** Reported (with `userId`) when the proof ends the challenge. */
      usedEvent?: EventName;
      /** Reported when its ops lost to a concurrent use of the same proof. */
      raceLostEvent?: EventName;
    }
  /** A code for a step already used: refused, and reported as a replay. */
  | { kind: 'replayed' }
  /**
   * A refusal the method reports (a security key whose signature counter went back: a cloned
   * authenticator): the attempt counts as a wrong proof, and `event` is emitted.
   */
  | { kind: 'refused'; event: { type: EventName; detail: Record<string, string> } };
