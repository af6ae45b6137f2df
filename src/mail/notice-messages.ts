import type { Actor } from '../core/events.js';
import type { RequestInfo } from '../core/request-scope.js';
import { escapeHtml } from './templates.js';

/** The security notices factorkit sends a user (`createTwoFactor({ notify })`). */
export type NoticeKind =
  | 'method-added'
  | 'method-removed'
  | 'two-factor-off'
  | 'backup-codes-regenerated'
  | 'backup-codes-low'
  | 'admin-code-issued'
  | 'admin-reset'
  | 'new-trusted-browser'
  | 'suspicious-sign-in';

/** Every notice kind, in the order docs/operations.md lists them. */
export const noticeKinds: readonly NoticeKind[] = [
  'method-added',
  'method-removed',
  'two-factor-off',
  'backup-codes-regenerated',
  'backup-codes-low',
  'admin-code-issued',
  'admin-reset',
  'new-trusted-browser',
  'suspicious-sign-in',
];

/** One notice: what happened to whose account, when, and the facts its message needs. */
export interface Notice {
  kind: NoticeKind;
  userId: string;
  /** When it happened (ms since the epoch, the facade's clock). */
  at: number;
  /** Where the default email goes: `noticeAddress(userId)`, else the user's 2FA email; null when neither. */
  to: string | null;
  /** The method added or removed (`totp`, `email`, `webauthn`, `phone`, a host's own). */
  method?: string;
  /** How that method is named in a sentence ("a security key"): its module's `notices.name`. */
  methodName?: string;
  /** The admin who issued a code or reset 2FA. */
  actor?: Actor;
  /** The new trusted browser's label ("Chrome on macOS"). */
  deviceLabel?: string;
  /** Backup codes left (`backup-codes-low`). */
  backupCodesRemaining?: number;
  /** The request that caused it, as the adapter's `requestContext` records it. */
  request?: RequestInfo;
}

/** Renders the email of one notice kind; `issuer` is the facade's. */
export type NoticeMessage = (notice: Notice & { issuer: string }) => {
  subject: string;
  text: string;
  html?: string;
};

/** A catalogue of notice emails: one message per kind. */
export type NoticeCatalogue = Record<NoticeKind, NoticeMessage>;

/** The method as its module names it (a host's own method without a name: "a sign-in method"). */
const methodName = (notice: Notice) => notice.methodName ?? 'a sign-in method';

/** "28 Nov 2026, 09:00 UTC". */
export function noticeTime(at: number): string {
  const d = new Date(at);
  const month = d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

const NOT_YOU = 'If this was not you, change your password now and contact your administrator.';

/** Builds a message: a subject, then paragraphs (the last one is the advice), as text and HTML. */
function message(subject: string, paragraphs: string[]): { subject: string; text: string; html: string } {
  return {
    subject,
    text: `${paragraphs.join('\n\n')}\n`,
    html: paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join(''),
  };
}

/** "From 203.0.113.7 (Firefox on Windows)." when the request was recorded. */
const origin = (n: Notice) => {
  const where = [n.request?.clientAddress, n.request?.userAgent && `(${n.request.userAgent})`].filter(
    Boolean,
  );
  return where.length > 0 ? [`Request from ${where.join(' ')}.`] : [];
};

/** English notices, in the words of the help page. */
export const englishNotices: NoticeCatalogue = {
  'method-added': (n) =>
    message(`${n.issuer}: ${methodName(n)} was added to your account`, [
      `${methodName(n)[0]!.toUpperCase()}${methodName(n).slice(1)} was added to the two-factor authentication of your ${n.issuer} account on ${noticeTime(n.at)}.`,
      ...origin(n),
      NOT_YOU,
    ]),
  'method-removed': (n) =>
    message(`${n.issuer}: ${methodName(n)} was removed from your account`, [
      `${methodName(n)[0]!.toUpperCase()}${methodName(n).slice(1)} was removed from the two-factor authentication of your ${n.issuer} account on ${noticeTime(n.at)}.`,
      ...origin(n),
      NOT_YOU,
    ]),
  'two-factor-off': (n) =>
    message(`${n.issuer}: two-factor authentication is off`, [
      `Two-factor authentication was turned off for your ${n.issuer} account on ${noticeTime(n.at)}. Signing in now needs only your password.`,
      ...origin(n),
      NOT_YOU,
    ]),
  'backup-codes-regenerated': (n) =>
    message(`${n.issuer}: new backup codes`, [
      `New backup codes were generated for your ${n.issuer} account on ${noticeTime(n.at)}. Your older codes no longer work.`,
      ...origin(n),
      NOT_YOU,
    ]),
  'backup-codes-low': (n) =>
    message(
      `${n.issuer}: ${n.backupCodesRemaining ?? 0} backup code${n.backupCodesRemaining === 1 ? '' : 's'} left`,
      [
        `A backup code was used to sign in to your ${n.issuer} account on ${noticeTime(n.at)}. You have ${n.backupCodesRemaining ?? 0} left: generate new ones under Two-Factor Authentication, View Backup Codes.`,
        NOT_YOU,
      ],
    ),
  'admin-code-issued': (n) =>
    message(`${n.issuer}: an administrator issued you a sign-in code`, [
      `Administrator ${n.actor?.id ?? 'unknown'} issued a one-time sign-in code for your ${n.issuer} account on ${noticeTime(n.at)}. It works once, within 30 minutes.`,
      'If you did not ask your administrator for a code, contact them now.',
    ]),
  'admin-reset': (n) =>
    message(`${n.issuer}: an administrator reset your two-factor authentication`, [
      `Administrator ${n.actor?.id ?? 'unknown'} reset the two-factor authentication of your ${n.issuer} account on ${noticeTime(n.at)}: every method, backup code and trusted browser was removed.`,
      'If you did not ask for this, contact your administrator now.',
    ]),
  'new-trusted-browser': (n) =>
    message(`${n.issuer}: a new browser will not ask for codes`, [
      `${n.deviceLabel ?? 'A browser'} was trusted for your ${n.issuer} account on ${noticeTime(n.at)}: it will not ask for an authentication code for a while.`,
      ...origin(n),
      `${NOT_YOU} You can revoke trusted browsers under Two-Factor Authentication.`,
    ]),
  'suspicious-sign-in': (n) =>
    message(`${n.issuer}: someone may have your password`, [
      `On ${noticeTime(n.at)}, someone entered the correct password for your ${n.issuer} account, then failed to enter an authentication code several times, and the sign-in was locked.`,
      ...origin(n),
      'If this was not you, someone has your password: change it now. Your account stays protected by two-factor authentication.',
    ]),
};
