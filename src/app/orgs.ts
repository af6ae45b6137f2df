import { FactorkitError } from '../core/errors.js';
import type { RaisedEvent } from '../core/events.js';
import { currentCall } from '../core/request-scope.js';
import { storableText } from '../core/validation.js';

/** The host's answer to "which organization is this user in" (`createTwoFactor({ orgOf })`). */
export type OrgOf = (userId: string) => string | null | undefined | Promise<string | null | undefined>;
/** The host's answer to "which roles does this user have" (`createTwoFactor({ rolesOf })`). */
export type RolesOf = (userId: string) => readonly string[] | Promise<readonly string[]>;

/** The org that stands for "every org": an operator's actor carries it, no user is in it. */
export const ANY_ORG = '*';

const orgIdSchema = storableText().min(1).max(256);

/** Membership as the host tells it, asked at most once per user per facade call. Internal. */
export interface OrgAccess {
  /** Whether the host gave `orgOf` (without it there is one org, and no scope to check). */
  readonly enabled: boolean;
  /** The user's org (null: in none, or no `orgOf`). */
  of(userId: string): Promise<string | null>;
  /** The user's roles from `rolesOf` (empty without it). */
  rolesOf(userId: string): Promise<readonly string[]>;
}

/**
 * The memo lives as long as the facade call that asked (`currentCall()`): a login's start and its
 * checks ask the host once, and a user who moves to another org is seen at the next call, never
 * served from a cache of an earlier one. Outside a facade call nothing is kept.
 */
function perCall<T>(ask: (userId: string) => Promise<T>): (userId: string) => Promise<T> {
  const calls = new WeakMap<object, Map<string, Promise<T>>>();
  return (userId) => {
    const call = currentCall();
    if (call === undefined) return ask(userId);
    let answers = calls.get(call);
    if (answers === undefined) {
      answers = new Map();
      calls.set(call, answers);
    }
    let answer = answers.get(userId);
    if (answer === undefined) {
      answer = ask(userId);
      answers.set(userId, answer);
    }
    return answer;
  };
}

/** Checks what `orgOf` answered: a host's bug is `CONFIG`, never a silently wrong scope. */
function checkedOrg(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const parsed = orgIdSchema.safeParse(value);
  if (!parsed.success || parsed.data === ANY_ORG) {
    throw new FactorkitError(
      'CONFIG',
      `orgOf returned ${JSON.stringify(value)}: an org id is a string of 1 to 256 characters other than '*', or null`,
    );
  }
  return parsed.data;
}

function checkedRoles(value: unknown): readonly string[] {
  if (Array.isArray(value) && value.every((role) => typeof role === 'string')) return value;
  throw new FactorkitError('CONFIG', 'rolesOf must return an array of role names');
}

export function createOrgAccess(orgOf: OrgOf | undefined, rolesOf: RolesOf | undefined): OrgAccess {
  return {
    enabled: orgOf !== undefined,
    of: orgOf ? perCall(async (userId) => checkedOrg(await orgOf(userId))) : async () => null,
    rolesOf: rolesOf ? perCall(async (userId) => checkedRoles(await rolesOf(userId))) : async () => [],
  };
}

/**
 * An operator (`org: '*'`) acting on a user raises events about that user's org, not `'*'`: a
 * site's audit log filtered by org then shows what an operator did there. The org was asked in
 * the same call to check the scope, so this costs no second `orgOf`.
 */
export function withTargetOrg(
  emit: (event: RaisedEvent) => Promise<void>,
  orgs: OrgAccess,
): (event: RaisedEvent) => Promise<void> {
  // Not an async function: most events need no org asked, and a wrapper's own promise per event
  // (every wrong code raises one) is work for nothing.
  return (raised) => {
    const operatorOnUser =
      orgs.enabled &&
      raised.org === undefined &&
      raised.actor?.org === ANY_ORG &&
      raised.userId !== undefined;
    if (!operatorOnUser) return emit(raised);
    return orgs.of(raised.userId as string).then((org) => emit({ ...raised, org }));
  };
}
