import type { EventListener, RaisedEvent, TwoFactorEvent } from '../../core/events.js';
import { currentCall } from '../../core/request-scope.js';
import type { Mailer } from '../../mail/mailer.js';
import {
  englishNotices,
  type Notice,
  type NoticeCatalogue,
  type NoticeKind,
} from '../../mail/notice-messages.js';
import type { MethodContext } from '../../methods/context.js';
import type { MethodModule } from '../../methods/method-module.js';
import { userField } from '../../methods/user-records.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { StoreOp } from '../../store/store.js';
import { methodChangesOf } from './method-notices.js';
import { mayCallForNotice, noticeOfEvent } from './notice-of-event.js';

/** Per kind: `false` silences it; a function replaces the email (an SMS, your own template). */
export type NotifyOptions = Partial<Record<NoticeKind, false | ((notice: Notice) => void | Promise<void>)>>;

/** What the notifier needs from the facade. */
export interface NotifierOptions {
  notify: NotifyOptions | undefined;
  /** Rewords the default emails. */
  messages: Partial<NoticeCatalogue> | undefined;
  /** Where a user's notices go; default: the user's 2FA email address. */
  address: ((userId: string) => string | null | undefined | Promise<string | null | undefined>) | undefined;
  /** Notices of one kind one user may get per hour. */
  perHour: number;
  /** The mailer for the default emails. */
  mailer: Mailer;
  /** The facade's methods: their events say when one was added or removed. */
  modules: readonly MethodModule[];
}

const HOUR_MS = 3_600_000;

/** The notifier: an event listener, and a way to wait for the notices it has in flight. */
export interface Notifier {
  listener: EventListener;
  /** Resolves when every notice begun so far has been sent, refused or has failed. */
  settled(): Promise<void>;
}

/**
 * Security notices to users, raised by events. Each runs after the call that raised it, in the
 * background: a slow or failing mailer never delays or fails the user's action; a failure is a
 * warning and a `notice.failed` event (counted by the metrics). A budget per user and kind, taken
 * atomically in the store, caps what an attacker can make factorkit send.
 */
export function createNotifier(ctx: () => MethodContext, options: NotifierOptions): Notifier {
  const inFlight = new Set<Promise<void>>();
  const changes = methodChangesOf(options.modules);
  // One notice of a kind per facade call (a lock can arm the challenge's and the account's at once).
  const told = new WeakMap<object, Set<string>>();
  const report = (event: RaisedEvent) => ctx().emit(event);

  const budgetOp = (userId: string, kind: NoticeKind): StoreOp => ({
    type: 'attempt',
    key: storeKeys.notices(userId, kind),
    schedule: {
      maxAttempts: options.perHour,
      freeAttempts: options.perHour,
      lockMs: [],
      ttlMs: HOUR_MS,
      slide: false,
      afterLockMs: 0,
    },
    mustExist: false,
  });

  const addressOf = async (userId: string): Promise<string | null> => {
    const given = await options.address?.(userId);
    if (given) return given;
    const c = ctx();
    return userField(await c.methods.loadUser(userId), userFields.email) ?? null;
  };

  const deliver = async (
    event: TwoFactorEvent,
    call: object | undefined,
    seen: { kind?: NoticeKind },
  ): Promise<void> => {
    const c = ctx();
    const draft = await noticeOfEvent(c, event, changes);
    if (!draft) return;
    seen.kind = draft.kind;
    const handler = options.notify?.[draft.kind];
    if (handler === false) return;
    if (call) {
      const kinds = told.get(call) ?? new Set<string>();
      told.set(call, kinds);
      if (kinds.has(draft.kind)) return;
      kinds.add(draft.kind);
    }
    const detail = { kind: draft.kind };
    const budget = await c.store.commit([budgetOp(draft.userId, draft.kind)], c.now());
    if (!budget.ok) return report({ type: 'notice.limited', userId: draft.userId, detail });
    const notice: Notice = { ...draft, to: await addressOf(draft.userId) };
    if (handler) await handler(notice);
    else if (notice.to === null) {
      return report({
        type: 'notice.failed',
        userId: draft.userId,
        detail: { ...detail, reason: 'no-address' },
      });
    } else {
      const render = options.messages?.[draft.kind] ?? englishNotices[draft.kind];
      await options.mailer.send({ to: notice.to, ...render({ ...notice, issuer: c.issuer }) });
    }
    await report({ type: 'notice.sent', userId: draft.userId, detail });
  };

  const run = async (event: TwoFactorEvent, call: object | undefined) => {
    const seen: { kind?: NoticeKind } = {};
    try {
      await deliver(event, call, seen);
    } catch (error) {
      process.emitWarning(
        `[factorkit] [notify] the ${seen.kind ?? event.type} notice failed: ${String(error)}`,
      );
      const detail = { kind: seen.kind ?? 'unknown', reason: 'failed' };
      await report({ type: 'notice.failed', userId: event.userId as string, detail }).catch(() => undefined);
    }
  };

  return {
    listener(event) {
      if (!event.userId || event.type.startsWith('notice.') || !mayCallForNotice(event, changes)) return;
      // Not awaited: the user's action goes on; `settled()` waits for it.
      const pending = run(event, currentCall());
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
