import { describe, expect, it } from 'vitest';
import type { TwoFactorOptions } from '../../src/app/create-two-factor.js';
import { Keyring } from '../../src/core/keyring.js';
import type { WebauthnRequestOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { earlierHashedCodesOp } from '../helpers/earlier-codes.js';
import {
  enrollEmail,
  enrollTotp,
  type Harness,
  MINUTE,
  makeTwoFactor,
  startChallenge,
  testKey,
} from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';

const A = testKey('rotation A');
const B = testKey('rotation B');
const idOf = (key: string) => new Keyring(key).currentId;
const ORIGIN = 'https://cx.example.com';
const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: ORIGIN, userName: 'user@example.com' };
const TRUST = { policy: { frequency: { trustDays: 14 } } } as const;

/** The same store, a facade with other keys, at the same instant. */
function withKeys(h: Harness, store: Store, keys: TwoFactorOptions['keys']): Harness {
  const next = makeTwoFactor(store, { keys, ...TRUST });
  next.clock.set(h.clock.now());
  return next;
}

async function registerKey(h: Harness, userId: string, key = new SoftAuthenticator()) {
  const { options } = await h.tf.webauthn.beginRegistration(userId, SITE);
  const result = await h.tf.webauthn.finishRegistration(userId, key.create(options, ORIGIN));
  if (!result.ok) throw new Error(`registration failed: ${JSON.stringify(result)}`);
  return { key, backupCodes: result.backupCodes ?? [] };
}

async function signInWithKey(h: Harness, userId: string, key: SoftAuthenticator) {
  const start = await startChallenge(h, userId);
  h.clock.advance(1000);
  return h.tf.login.verifyWebauthn(
    start.challengeId,
    key.get(start.webauthnOptions as WebauthnRequestOptions, ORIGIN),
  );
}

async function signInWithCode(h: Harness, userId: string, code: string, rememberDevice = false) {
  const start = await startChallenge(h, userId);
  return h.tf.login.verify(start.challengeId, code, { rememberDevice });
}

/** The credential of `{tag}:webauthn` as factorkit 0.1 stored it: no user handle kept. */
async function forgetStoredHandles(store: Store, userId: string, now: number) {
  const record = await store.get(storeKeys.webauthn(userId), now);
  const fields = { ...record!.fields };
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith('c:')) continue;
    const { userHandle: _dropped, ...credential } = JSON.parse(value) as Record<string, unknown>;
    fields[name] = JSON.stringify(credential);
  }
  await store.commit([{ type: 'put', key: storeKeys.webauthn(userId), fields, expiresAt: null }], now);
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`key rotation (${target.name})`, () => {
    it('issue 19 item 1: a passkey signs in after the keys rotate and after the old key is removed, and never locks the account', async () => {
      const store = await target.make();
      const a = makeTwoFactor(store, { keys: A, ...TRUST });
      const { key: kept, backupCodes } = await registerKey(a, 'ana');
      // Registered before user handles were stored (factorkit 0.1): its handle was derived with A.
      const { key: legacy } = await registerKey(a, 'ben');
      await forgetStoredHandles(store, 'ben', a.clock.now());
      const rotated = withKeys(a, store, { current: B, old: A });
      // Ten sign-ins each: on main every assertion carrying a handle was a wrong attempt, and ten locked.
      for (let i = 0; i < 10; i++) {
        expect(await signInWithKey(rotated, 'ana', kept), `ana #${i}`).toMatchObject({
          ok: true,
          method: 'webauthn',
        });
        expect(await signInWithKey(rotated, 'ben', legacy), `ben #${i}`).toMatchObject({ ok: true });
      }
      expect(await signInWithCode(rotated, 'ana', backupCodes[0]!)).toMatchObject({ ok: true });
      const onlyB = withKeys(rotated, store, B);
      for (const [user, key] of [
        ['ana', kept],
        ['ben', legacy],
      ] as const) {
        expect(await signInWithKey(onlyB, user, key), user).toMatchObject({ ok: true, method: 'webauthn' });
      }
      // A second key keeps the handle the user's keys carry: one account on an authenticator.
      const second = await registerKey(onlyB, 'ana');
      expect(second.key.held[0]!.userHandle).toBe(kept.held[0]!.userHandle);
      expect(await signInWithKey(onlyB, 'ana', second.key)).toMatchObject({ ok: true });
    });

    it('issue 19 item 1: a key registered before handles were stored, whose handle key is already gone, still signs in', async () => {
      const store = await target.make();
      const a = makeTwoFactor(store, { keys: A });
      const { key } = await registerKey(a, 'cy');
      await forgetStoredHandles(store, 'cy', a.clock.now());
      const onlyB = withKeys(a, store, B);
      expect(await signInWithKey(onlyB, 'cy', key)).toMatchObject({ ok: true });
      // The handle it showed is now kept: another handle for the same key is refused.
      key.held[0]!.userHandle = Buffer.from('someone else').toString('base64url');
      expect(await signInWithKey(onlyB, 'cy', key)).toMatchObject({ ok: false, reason: 'invalid-code' });
    });

    it('issue 19 item 2: with the old key removed and no rekey, TOTP fails closed and is reported; backup codes, email and security keys still sign in', async () => {
      const store = await target.make();
      const a = makeTwoFactor(store, { keys: A });
      const { secret } = await enrollTotp(a, 'dee');
      await enrollEmail(a, 'dee');
      const { key } = await registerKey(a, 'dee');
      // During the rotation the user made new backup codes (under B); then A went without a rekey.
      const rotated = withKeys(a, store, { current: B, old: A });
      const backupCodes = await rotated.tf.backupCodes.regenerate('dee');
      const onlyB = withKeys(rotated, store, B);
      const start = await startChallenge(onlyB, 'dee');
      // On main: DECRYPT_FAILED thrown for every code typed (a 500), backup codes included.
      expect(
        await onlyB.tf.login.verify(start.challengeId, onlyB.totp.generateCode(secret, onlyB.clock.now())),
      ).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      expect(onlyB.events.filter((event) => event.type === 'secret.unreadable')).toEqual([
        expect.objectContaining({ userId: 'dee', detail: { method: 'totp', keyId: idOf(A) } }),
      ]);
      expect(await onlyB.tf.login.verify(start.challengeId, backupCodes[0]!)).toMatchObject({ ok: true });
      expect(await signInWithKey(onlyB, 'dee', key)).toMatchObject({ ok: true });
      const email = await startChallenge(onlyB, 'dee');
      await onlyB.tf.login.sendEmailCode(email.challengeId);
      expect(
        await onlyB.tf.login.verify(email.challengeId, onlyB.lastEmailCode('dee@example.com')),
      ).toMatchObject({
        ok: true,
        method: 'email',
      });
      // The inventory names the key that is gone, with what it still holds.
      expect((await onlyB.tf.keys.inventory()).keys).toContainEqual(
        expect.objectContaining({
          keyId: idOf(A),
          status: 'missing',
          kinds: expect.objectContaining({ totp: 1 }),
        }),
      );
      // Setting the app up again replaces the unreadable secret.
      const setup = await onlyB.tf.totp.beginSetup('dee', { accountName: 'dee' });
      expect(
        await onlyB.tf.totp.confirmSetup('dee', onlyB.totp.generateCode(setup.secret, onlyB.clock.now())),
      ).toMatchObject({ ok: true });
    });

    it('issue 19 item 2: a full rotation: enrol under A, rotate, rekey while logins run, usage shows no lasting A record, drop A, every method signs in', async () => {
      const store = await target.make();
      const a = makeTwoFactor(store, { keys: A, ...TRUST });
      const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
      const enrolled = new Map<
        string,
        { secret: string; backupCodes: string[]; key: SoftAuthenticator; device: string }
      >();
      for (const userId of users) {
        const { secret, backupCodes } = await enrollTotp(a, userId);
        await enrollEmail(a, userId);
        const { key } = await registerKey(a, userId);
        const trusted = await signInWithCode(a, userId, backupCodes.pop()!, true);
        if (!trusted.ok || !trusted.deviceToken) throw new Error('no trusted browser');
        enrolled.set(userId, { secret, backupCodes, key, device: trusted.deviceToken });
      }
      // A pending TOTP setup, and an email code in flight, both under A.
      await a.tf.totp.beginSetup('u0', { accountName: 'u0' });
      const inFlight = await startChallenge(a, 'u1');
      await a.tf.login.sendEmailCode(inFlight.challengeId);
      expect(await a.tf.keys.usage()).toEqual({ [idOf(A)]: expect.any(Number) });

      const rotated = withKeys(a, store, { current: B, old: A });
      const before = await rotated.tf.keys.inventory();
      expect(before.current).toBe(idOf(B));
      expect(before.keys.find((key) => key.keyId === idOf(A))).toMatchObject({
        status: 'older',
        lasting: users.length * 2,
        kinds: { totp: 6, 'backup-codes': 6, 'trusted-browser': 6, 'totp-setup': 1, 'email-code': 1 },
      });
      // Logins of every kind run while the rekey walks the store, a page of 5 keys at a time.
      let progressCalls = 0;
      const logins = users.map(async (userId, i) => {
        const { secret, backupCodes, key, device } = enrolled.get(userId)!;
        const results = [
          await signInWithCode(rotated, userId, rotated.totp.generateCode(secret, rotated.clock.now())),
          await signInWithCode(rotated, userId, backupCodes.pop()!),
          await signInWithKey(rotated, userId, key),
          await rotated.tf.login.start(userId, { deviceToken: device }),
        ];
        return { i, results };
      });
      const [rekeyed, ...done] = await Promise.all([
        rotated.tf.keys.rekey({ pageSize: 5, onProgress: () => progressCalls++ }),
        ...logins,
      ]);
      for (const { i, results } of done) {
        expect(results.slice(0, 3), `user ${i}`).toEqual([
          expect.objectContaining({ ok: true, method: 'totp' }),
          expect.objectContaining({ ok: true, method: 'backup-code' }),
          expect.objectContaining({ ok: true, method: 'webauthn' }),
        ]);
        expect(results[3], `user ${i}`).toMatchObject({ status: 'trusted-device' });
      }
      expect(rekeyed).toMatchObject({ complete: true, examined: expect.any(Number) });
      expect(progressCalls).toBeGreaterThan(1);
      // Nothing a login did was undone: each user has used two of ten codes.
      for (const userId of users) expect((await rotated.tf.status(userId)).backupCodesRemaining).toBe(8);
      await rotated.tf.keys.rekey();
      const after = await rotated.tf.keys.inventory();
      const old = after.keys.find((key) => key.keyId === idOf(A));
      // What stays on A lapses by itself: the email code in flight (10 minutes), the pending setup (15).
      expect(old).toMatchObject({ lasting: 0 });
      expect(old?.kinds).toEqual({ 'email-code': 1, 'totp-setup': 1 });

      const onlyB = withKeys(rotated, store, B);
      onlyB.clock.advance(MINUTE);
      for (const userId of users) {
        const { secret, backupCodes, key, device } = enrolled.get(userId)!;
        expect(
          await signInWithCode(onlyB, userId, onlyB.totp.generateCode(secret, onlyB.clock.now())),
          userId,
        ).toMatchObject({ ok: true, method: 'totp' });
        expect(await signInWithCode(onlyB, userId, backupCodes.pop()!), userId).toMatchObject({
          ok: true,
          method: 'backup-code',
        });
        expect(await signInWithKey(onlyB, userId, key), userId).toMatchObject({
          ok: true,
          method: 'webauthn',
        });
        expect(await onlyB.tf.login.start(userId, { deviceToken: device }), userId).toMatchObject({
          status: 'trusted-device',
        });
        const email = await startChallenge(onlyB, userId);
        await onlyB.tf.login.sendEmailCode(email.challengeId);
        expect(
          await onlyB.tf.login.verify(email.challengeId, onlyB.lastEmailCode(`${userId}@example.com`)),
        ).toMatchObject({ ok: true, method: 'email' });
      }
      expect(onlyB.events.filter((event) => event.type === 'secret.unreadable')).toEqual([]);
    });

    it('issue 19 item 2: a rekey stopped half way goes on where it stopped when run again', async () => {
      const store = await target.make();
      const a = makeTwoFactor(store, { keys: A });
      const users = Array.from({ length: 30 }, (_, i) => `r${i}`);
      for (const userId of users) await enrollTotp(a, userId);
      const rotated = withKeys(a, store, { current: B, old: A });
      const stop = new AbortController();
      const first = await rotated.tf.keys.rekey({
        pageSize: 10,
        signal: stop.signal,
        onProgress: (examined) => {
          if (examined >= 15) stop.abort();
        },
      });
      expect(first.complete).toBe(false);
      expect(first.rewritten).toBeGreaterThan(0);
      const left = (await rotated.tf.keys.inventory()).keys.find((key) => key.keyId === idOf(A))!;
      expect(left.lasting).toBeGreaterThan(0);
      expect(left.lasting).toBeLessThan(60);
      const second = await rotated.tf.keys.rekey({ pageSize: 10 });
      expect(second.complete).toBe(true);
      // Each user's TOTP secret and backup codes: two records, each written once over both runs.
      expect(first.rewritten + second.rewritten).toBe(users.length * 2);
      expect(await rotated.tf.keys.usage()).toEqual({ [idOf(B)]: users.length * 2, [idOf(A)]: 0 });
      expect((await rotated.tf.keys.rekey()).rewritten).toBe(0);
    });
  });
}

describe('key rotation: records written before this release', () => {
  it('0.1 backup codes: hashed ones keep working on their key and are shown as lasting; viewable ones are moved', async () => {
    const store = new MemoryStore();
    const a = makeTwoFactor(store, { keys: A });
    await enrollTotp(a, 'hashed');
    await enrollTotp(a, 'viewable');
    const keyring = new Keyring(A);
    const legacy = (userId: string, viewable: boolean) => {
      const codes = ['k7pq-3mzx-9ahd-2wfr', 'wqvn-q2mk-37y3-m90h'];
      const fields: Record<string, string> = { kid: keyring.currentId, total: '2', generatedAt: '1' };
      for (const code of codes) {
        const hash = keyring.hash(code.replace(/-/g, ''), `backup-code\0${userId}`)!;
        fields[`c:${hash}`] = viewable ? keyring.seal(code, `backup-code-sealed\0${userId}`) : '1';
      }
      return { type: 'put' as const, key: storeKeys.backupCodes(userId), fields, expiresAt: null };
    };
    await store.commit([legacy('hashed', false), legacy('viewable', true)], a.clock.now());
    const rotated = withKeys(a, store, { current: B, old: A });
    expect(await signInWithCode(rotated, 'hashed', 'k7pq-3mzx-9ahd-2wfr')).toMatchObject({ ok: true });
    await rotated.tf.keys.rekey();
    const old = (await rotated.tf.keys.inventory()).keys.find((key) => key.keyId === idOf(A));
    // The hashed set cannot move (its codes are known to nobody): it stays on A until used or renewed.
    expect(old).toMatchObject({ records: 1, lasting: 1, kinds: { 'backup-codes': 1 } });
    const onlyB = withKeys(rotated, store, B);
    expect(await onlyB.tf.backupCodes.view('viewable')).toMatchObject({
      remaining: 2,
      codes: expect.any(Array),
    });
    expect(await signInWithCode(onlyB, 'viewable', 'wqvn-q2mk-37y3-m90h')).toMatchObject({
      ok: true,
      method: 'backup-code',
    });
    expect(await onlyB.tf.status('hashed')).toMatchObject({ backupCodesRemaining: 0 });
  });

  it('hashed backup codes of the earlier form (each digest sealed on its own) keep working and move with rekey', async () => {
    const store = new MemoryStore();
    const a = makeTwoFactor(store, { keys: A });
    await enrollTotp(a, 'earlier');
    const codes = ['k7pq-3mzx-9ahd-2wfr', 'wqvn-q2mk-37y3-m90h'];
    await store.commit([earlierHashedCodesOp(A, 'earlier', codes)], a.clock.now());
    const rotated = withKeys(a, store, { current: B, old: A });
    expect(await signInWithCode(rotated, 'earlier', codes[0]!)).toMatchObject({ ok: true });
    expect(await signInWithCode(rotated, 'earlier', codes[0]!)).toMatchObject({ ok: false });
    expect((await rotated.tf.keys.rekey()).complete).toBe(true);
    const onlyB = withKeys(rotated, store, B);
    expect(await onlyB.tf.status('earlier')).toMatchObject({ backupCodesRemaining: 1 });
    expect(await signInWithCode(onlyB, 'earlier', codes[1]!)).toMatchObject({
      ok: true,
      method: 'backup-code',
    });
  });

  it("hashed backup codes are bound to their user: another user's set (its sealed key and hashes) proves nothing", async () => {
    const store = new MemoryStore();
    const a = makeTwoFactor(store, { keys: A });
    const { backupCodes } = await enrollTotp(a, 'owner');
    await enrollTotp(a, 'thief');
    const owned = (await store.get(storeKeys.backupCodes('owner'), a.clock.now()))!;
    expect(owned.fields['salt']).toMatch(/^v1\./);
    expect(Object.values(owned.fields).filter((value) => value.startsWith('hmac-sha256:'))).toHaveLength(10);
    const copy = {
      type: 'put' as const,
      key: storeKeys.backupCodes('thief'),
      fields: owned.fields,
      expiresAt: null,
    };
    await store.commit([copy], a.clock.now());
    expect(await signInWithCode(a, 'thief', backupCodes[0]!)).toMatchObject({ ok: false });
    expect(await signInWithCode(a, 'owner', backupCodes[0]!)).toMatchObject({
      ok: true,
      method: 'backup-code',
    });
  });

  it('a store without scan: tf.keys refuses with CONFIG, everything else works', async () => {
    const inner = new MemoryStore();
    const store: Store = {
      get: (key, now) => inner.get(key, now),
      getMany: (keys, now) => inner.getMany(keys, now),
      commit: (ops, now, read) => inner.commit(ops, now, read),
    };
    const h = makeTwoFactor(store);
    const { backupCodes } = await enrollTotp(h, 'ana');
    await expect(h.tf.keys.rekey()).rejects.toMatchObject({ code: 'CONFIG', message: /has no scan\(\)/ });
    await expect(h.tf.keys.usage()).rejects.toMatchObject({ code: 'CONFIG' });
    expect(await signInWithCode(h, 'ana', backupCodes[0]!)).toMatchObject({ ok: true });
  });
});
