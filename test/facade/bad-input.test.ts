import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollEmail, enrollTotp, type Harness, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';

const junk: unknown[] = [
  null,
  undefined,
  42,
  {},
  { code: '123456' },
  ['123456'],
  '',
  ' ',
  '12345',
  '1234567',
  '١٢٣٤٥٦',
  '１２３４５６',
  '12345\u0000',
  'abcdef',
  '9'.repeat(1_000_000),
  'x'.repeat(1_000_000),
  'k7pq-3mzx-9ahd-2wfr',
  '💥'.repeat(10),
];

/** Values that break stores rather than parsers: PostgreSQL refuses a NUL, UTF-8 has no lone surrogate. */
const CONTROL = ['\u0000', 'a\u0000b', '\u0007', '\u001b[2J', 'a\nb', '\u007f', '\u0085'];
const LONE_SURROGATES = ['\uD800', 'a\uDFFFb'];
const STORE_BREAKERS = [...CONTROL, ...LONE_SURROGATES];
const WHITESPACE = [' ', '\t\n', '\u00a0\u3000'];
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty'];
const NOT_STRINGS: unknown[] = [null, 42, true, {}, [], ['x'], { toString: () => 'agent' }];
/** A string of `limit` characters and one of `limit + 1`. */
const atAndOver = (limit: number) => ['x'.repeat(limit), 'x'.repeat(limit + 1)] as const;

const ORIGIN = 'https://cx.example.com';
const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: ORIGIN, userName: 'ana@example.com' };
const ADMIN = { id: 'site-admin', roles: ['admin'] };
/** A policy under which wrong codes lock no account (a challenge still takes 20), and browsers may be trusted. */
const PATIENT = {
  attempts: { perChallenge: 20, lockAfterFailures: [], accountFreeFailures: 100_000 },
  frequency: { trustDays: 14 },
};

/** How a call ended: `refused` (a non-success or INVALID_INPUT), `accepted`, or the error it was not allowed to be. */
async function outcome(call: () => unknown): Promise<string> {
  try {
    const result = await call();
    return result === false || (result as { ok?: unknown } | undefined)?.ok === false
      ? 'refused'
      : 'accepted';
  } catch (error) {
    if (error instanceof FactorkitError) return error.code === 'INVALID_INPUT' ? 'refused' : error.code;
    return `raw ${String(error)}`;
  }
}

function show(value: unknown): string {
  if (typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  return value.length > 40 ? `${value.length} chars` : JSON.stringify(value);
}

/** Each value whose call ended otherwise than `expected`, as "input(value): outcome"; [] when all did. */
async function unexpected(
  input: string,
  values: readonly unknown[],
  expected: 'refused' | 'accepted',
  call: (value: never) => unknown,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const value of values) {
    const got = await outcome(() => call(value as never));
    if (got !== expected) wrong.push(`${input}(${show(value)}): ${got}`);
  }
  return wrong;
}

/** No control character and no lone surrogate: what every store keeps as given. */
const storable = (text: string) => !/[\p{Cc}\uD800-\uDFFF]/u.test(text);

/** Registers a soft key for `userId` with `label`; the result of finishRegistration. */
async function registerKey(h: Harness, userId: string, label: unknown) {
  const { options } = await h.tf.webauthn.beginRegistration(userId, SITE);
  return h.tf.webauthn.finishRegistration(userId, new SoftAuthenticator().create(options, ORIGIN), {
    label: label as string,
  });
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`bad input never succeeds and never crashes (${target.name})`, () => {
    it('codes and challenge ids: store breakers, long strings and non-strings are refused', async () => {
      const h = makeTwoFactor(await target.make(), { policy: PATIENT });
      await enrollTotp(h, 'agent');
      await enrollEmail(h, 'agent');
      await h.tf.totp.beginSetup('agent', { accountName: 'a' });
      const { challengeId } = await startChallenge(h, 'agent');
      const freshChallenge = async () => (await startChallenge(h, 'agent')).challengeId;
      const codes = [
        ...junk.filter((value) => typeof value !== 'string' || value.length < 1000),
        ...STORE_BREAKERS,
      ];
      const codesWithLimits = [...codes, ...WHITESPACE, ...PROTOTYPE_NAMES, ...atAndOver(256)];
      const nonce = challengeId.split('.')[1];
      const tagOf = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
      const challengeIds = [
        ...codesWithLimits,
        ...atAndOver(1024),
        ...STORE_BREAKERS.map((id) => `${tagOf(id)}.${nonce}`),
        `${tagOf('__proto__')}.${nonce}`,
        `${challengeId}\u0000`,
        `\u0000${challengeId}`,
      ];
      expect([
        ...(await unexpected('verify code', codesWithLimits, 'refused', async (code) =>
          h.tf.login.verify(await freshChallenge(), code),
        )),
        ...(await unexpected('totp.confirmSetup', codesWithLimits, 'refused', (code) =>
          h.tf.totp.confirmSetup('agent', code),
        )),
        ...(await unexpected('email.confirmSetup', codesWithLimits, 'refused', (code) =>
          h.tf.email.confirmSetup('agent', code),
        )),
        ...(await unexpected('verify challengeId', challengeIds, 'refused', (id) =>
          h.tf.login.verify(id, '123456'),
        )),
        ...(await unexpected('sendEmailCode', challengeIds, 'refused', (id) => h.tf.login.sendEmailCode(id))),
        ...(await unexpected('webauthnOptions', challengeIds, 'refused', (id) =>
          h.tf.login.webauthnOptions(id),
        )),
      ]).toEqual([]);
    });

    // A lone surrogate became U+FFFD in the key tag: two such ids shared one user's records.
    it('user ids: lone surrogates, over 256 characters and non-strings are INVALID_INPUT', async () => {
      const h = makeTwoFactor(await target.make());
      const bad = [...LONE_SURROGATES, '', atAndOver(256)[1], ...NOT_STRINGS, undefined];
      const calls: Record<string, (userId: never) => unknown> = {
        status: (userId) => h.tf.status(userId),
        'login.start': (userId) => h.tf.login.start(userId),
        'totp.beginSetup': (userId) => h.tf.totp.beginSetup(userId, { accountName: 'a' }),
        'email.beginSetup': (userId) => h.tf.email.beginSetup(userId, 'a@example.com'),
        'webauthn.beginRegistration': (userId) => h.tf.webauthn.beginRegistration(userId, SITE),
        'webauthn.list': (userId) => h.tf.webauthn.list(userId),
        'devices.list': (userId) => h.tf.devices.list(userId),
        'devices.revokeAll': (userId) => h.tf.devices.revokeAll(userId),
        'sessions.open': (userId) => h.tf.sessions.open(userId),
        'sessions.endAll': (userId) => h.tf.sessions.endAll(userId),
        'backupCodes.view': (userId) => h.tf.backupCodes.view(userId),
        'admin.reset': (userId) => h.tf.admin.reset(ADMIN, userId),
        disable: (userId) => h.tf.disable(userId, 'totp'),
      };
      const wrong: string[] = [];
      for (const [name, call] of Object.entries(calls))
        wrong.push(...(await unexpected(name, bad, 'refused', call)));
      expect(wrong).toEqual([]);
    });

    it('user ids that are odd but valid sign in as themselves, alike on every store', async () => {
      const h = makeTwoFactor(await target.make(), { policy: PATIENT });
      const odd = [...CONTROL, ...WHITESPACE, ...PROTOTYPE_NAMES, atAndOver(256)[0], '💥'.repeat(128)];
      for (const userId of odd) {
        const { secret } = await h.tf.totp.beginSetup(userId, { accountName: 'odd' });
        const enabled = await h.tf.totp.confirmSetup(userId, h.totp.generateCode(secret, h.clock.now()));
        expect(enabled, show(userId)).toMatchObject({ ok: true, backupCodes: expect.any(Array) });
        h.clock.advance(30_000);
        await enrollEmail(h, userId, 'odd@example.com');
        const { challengeId } = await startChallenge(h, userId);
        const verified = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
          rememberDevice: true,
        });
        expect(verified, show(userId)).toMatchObject({ ok: true, userId });
        expect(await h.tf.status(userId), show(userId)).toMatchObject({ enabled: true, totp: true });
        expect(await h.tf.devices.list(userId), show(userId)).toHaveLength(1);
        const session = await h.tf.sessions.open(userId);
        expect(await h.tf.sessions.isOpen(userId, session)).toBe(true);
      }
    });

    it('email addresses: store breakers, blanks, over 254 characters and non-strings are refused', async () => {
      const h = makeTwoFactor(await target.make());
      const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
      expect(longest).toHaveLength(254);
      const bad = [
        ...STORE_BREAKERS.flatMap((text) => [text, `a${text}@example.com`, `a@exa${text}mple.com`]),
        ...WHITESPACE,
        ...PROTOTYPE_NAMES,
        ...NOT_STRINGS,
        undefined,
        `${longest}m`,
      ];
      expect([
        ...(await unexpected('email.beginSetup', bad, 'refused', (address) =>
          h.tf.email.beginSetup('u', address),
        )),
        ...(await unexpected('email.beginSetup', [longest], 'accepted', (address) =>
          h.tf.email.beginSetup('v', address),
        )),
      ]).toEqual([]);
      expect(h.mailer.lastTo(longest)).toBeDefined();
    });

    it('TOTP account names: store breakers, over 256 characters and non-strings are refused', async () => {
      const h = makeTwoFactor(await target.make());
      const bad = [...STORE_BREAKERS, atAndOver(256)[1], ...NOT_STRINGS, undefined, ''];
      const beginSetup = (accountName: unknown) =>
        h.tf.totp.beginSetup('u', { accountName: accountName as string });
      expect(await unexpected('totp.beginSetup accountName', bad, 'refused', beginSetup)).toEqual([]);
      for (const accountName of [atAndOver(256)[0], 'é'.repeat(256), '💥'.repeat(128), ...PROTOTYPE_NAMES]) {
        const setup = await h.tf.totp.beginSetup('u', { accountName });
        expect(setup.uri).toContain(encodeURIComponent(accountName));
        expect(setup.qrSvg).toMatch(/^<svg/);
      }
    });

    it('login.start device tokens: junk is never trusted, over 256 characters and non-strings are refused', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const odd = [
        ...STORE_BREAKERS,
        ...WHITESPACE,
        ...PROTOTYPE_NAMES,
        atAndOver(256)[0],
        '',
        'A'.repeat(43),
      ];
      const challenges: string[] = [];
      for (const deviceToken of odd)
        challenges.push((await h.tf.login.start('agent', { deviceToken })).status);
      expect(challenges).toEqual(odd.map(() => 'challenge'));
      expect(
        await unexpected(
          'login.start deviceToken',
          [atAndOver(256)[1], ...NOT_STRINGS],
          'refused',
          (deviceToken) => h.tf.login.start('agent', { deviceToken }),
        ),
      ).toEqual([]);
    });

    it('device labels at verify: junk is stored sanitised, over 10,000 characters and non-strings are refused', async () => {
      const h = makeTwoFactor(await target.make(), { policy: PATIENT });
      const { secret } = await enrollTotp(h, 'agent');
      const signIn = async (deviceLabel: unknown) => {
        h.clock.advance(30_000);
        const { challengeId } = await startChallenge(h, 'agent');
        const code = h.totp.generateCode(secret, h.clock.now());
        return h.tf.login.verify(challengeId, code, {
          rememberDevice: true,
          deviceLabel: deviceLabel as string,
        });
      };
      expect(
        await unexpected('verify deviceLabel', [atAndOver(10_000)[1], ...NOT_STRINGS], 'refused', signIn),
      ).toEqual([]);
      const odd = [
        ...STORE_BREAKERS,
        ...WHITESPACE,
        ...PROTOTYPE_NAMES,
        ...atAndOver(200),
        // A long user agent a host passes as it is.
        atAndOver(10_000)[0],
        // Bidirectional overrides and isolates would reorder an admin's list.
        '\u202Egnp.exe',
        '\u2066Chrome\u2069',
        // Cut at 120 characters, the emoji after the first 119 would lose its low half.
        `${'x'.repeat(119)}💥`,
      ];
      // Each label as stored, read right after its sign-in (a user keeps the 10 newest browsers).
      const labels: string[] = [];
      const signInAndRead = async (deviceLabel: unknown) => {
        const result = await signIn(deviceLabel);
        if (result.ok) labels.push((await h.tf.devices.list('agent'))[0]?.label ?? '');
        return result;
      };
      expect(await unexpected('verify deviceLabel', odd, 'accepted', signInAndRead)).toEqual([]);
      expect(labels).toHaveLength(odd.length);
      for (const label of labels) {
        expect(storable(label), show(label)).toBe(true);
        expect(label, show(label)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        expect(label.length, show(label)).toBeLessThanOrEqual(120);
        expect(label.trim(), show(label)).not.toBe('');
      }
    });

    it('device ids, session keys and actors: junk is refused, never a crash', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const strings = [...STORE_BREAKERS, ...WHITESPACE, ...PROTOTYPE_NAMES, ''];
      const actors = [
        ...[...STORE_BREAKERS, ''].map((id) => ({ id, roles: ['admin'] })),
        ...STORE_BREAKERS.map((role) => ({ id: 'site-admin', roles: ['admin', role] })),
        { id: atAndOver(256)[1], roles: ['admin'] },
        { id: 'site-admin', roles: ['admin', atAndOver(100)[1]] },
        { id: 'site-admin', roles: Array.from({ length: 101 }, () => 'admin') },
        ...NOT_STRINGS.map((id) => ({ id, roles: ['admin'] })),
        ...NOT_STRINGS,
      ];
      const session = await h.tf.sessions.open('agent');
      expect([
        ...(await unexpected(
          'devices.revoke',
          [...strings, ...atAndOver(64), ...NOT_STRINGS],
          'refused',
          (id) => h.tf.devices.revoke('agent', id),
        )),
        ...(await unexpected(
          'sessions.isOpen',
          [...strings, ...atAndOver(64), ...NOT_STRINGS],
          'refused',
          (key) => h.tf.sessions.isOpen('agent', key),
        )),
        ...(await unexpected(
          'sessions.renew',
          [...strings, ...atAndOver(64), ...NOT_STRINGS],
          'refused',
          (key) => h.tf.sessions.renew('agent', key),
        )),
        ...(await unexpected('sessions.close', [atAndOver(64)[1], ...NOT_STRINGS], 'refused', (key) =>
          h.tf.sessions.close('agent', key),
        )),
        ...(await unexpected('sessions.close', [...strings, atAndOver(64)[0]], 'accepted', (key) =>
          h.tf.sessions.close('agent', key),
        )),
        ...(await unexpected(
          'sessions.open replaces',
          [atAndOver(64)[1], ...NOT_STRINGS.slice(1)],
          'refused',
          (replaces) => h.tf.sessions.open('agent', { replaces }),
        )),
        ...(await unexpected('sessions.open options', [42, 'x', true], 'refused', (options) =>
          h.tf.sessions.open('agent', options),
        )),
        ...(await unexpected('admin.issueBackupCode', actors, 'refused', (actor) =>
          h.tf.admin.issueBackupCode(actor, 'agent'),
        )),
        ...(await unexpected('admin.reset', actors, 'refused', (actor) => h.tf.admin.reset(actor, 'agent'))),
        ...(await unexpected('policy.set actor', actors, 'refused', (actor) =>
          h.tf.policy.set({ frequency: 'every-login' }, { actor }),
        )),
      ]).toEqual([]);
      // Odd but storable actor ids are kept as given, alike on every store.
      const oddActors = [
        ...[...WHITESPACE.filter(storable), ...PROTOTYPE_NAMES, atAndOver(256)[0]].map((id) => ({
          id,
          roles: ['admin'],
        })),
        // An own `__proto__` key is dropped with the other unknown keys.
        JSON.parse('{"id": "site-admin", "roles": ["admin"], "__proto__": {"id": "\\u0000"}}'),
      ];
      expect([
        ...(await unexpected('admin.issueBackupCode', oddActors, 'accepted', (actor) =>
          h.tf.admin.issueBackupCode(actor, 'agent'),
        )),
        ...(await unexpected('policy.set actor', oddActors, 'accepted', (actor) =>
          h.tf.policy.set({ frequency: 'every-login' }, { actor }),
        )),
      ]).toEqual([]);
      // Junk closed nothing, and the admin code of a real admin still works.
      expect(await h.tf.sessions.isOpen('agent', session)).toBe(true);
      expect(await h.tf.status('agent')).toMatchObject({ enabled: true, totp: true });
      const { challengeId } = await startChallenge(h, 'agent');
      const { code } = await h.tf.admin.issueBackupCode(ADMIN, 'agent');
      expect(await h.tf.login.verify(challengeId, code)).toMatchObject({ ok: true, method: 'admin-code' });
    });

    it('security keys: labels, key ids and site fields with junk are refused', async () => {
      const h = makeTwoFactor(await target.make());
      const registered = await registerKey(h, 'ana', 'YubiKey');
      if (!registered.ok) throw new Error('registration failed');
      const id = registered.key.id;
      const badLabels = [...STORE_BREAKERS, ...WHITESPACE, '', atAndOver(64)[1], ...NOT_STRINGS];
      const badIds = [
        ...STORE_BREAKERS,
        ...WHITESPACE,
        ...PROTOTYPE_NAMES,
        '',
        ...atAndOver(1400),
        `${id}\u0000`,
        ...NOT_STRINGS,
      ];
      const siteFields = ['userName', 'userDisplayName', 'rpName', 'rpId', 'origin'] as const;
      const badSites = siteFields.flatMap((field) =>
        [...STORE_BREAKERS, ...WHITESPACE, 'x'.repeat(301), ...NOT_STRINGS].map((value) => ({
          ...SITE,
          [field]: value,
        })),
      );
      expect([
        ...(await unexpected('finishRegistration label', badLabels, 'refused', (label) =>
          registerKey(h, 'ana', label),
        )),
        ...(await unexpected('rename label', badLabels, 'refused', (label) =>
          h.tf.webauthn.rename('ana', id, label),
        )),
        ...(await unexpected('rename id', badIds, 'refused', (keyId) =>
          h.tf.webauthn.rename('ana', keyId, 'New'),
        )),
        ...(await unexpected('remove id', badIds, 'refused', (keyId) => h.tf.webauthn.remove('ana', keyId))),
        ...(await unexpected('beginRegistration site', badSites, 'refused', (site) =>
          h.tf.webauthn.beginRegistration('ana', site),
        )),
        ...(await unexpected('rename label', [atAndOver(64)[0], ...PROTOTYPE_NAMES], 'accepted', (label) =>
          h.tf.webauthn.rename('ana', id, label),
        )),
        ...(await unexpected('finishRegistration label', PROTOTYPE_NAMES, 'accepted', (label) =>
          registerKey(h, 'ana', label),
        )),
      ]).toEqual([]);
      const withTransports = async (transports: unknown) => {
        const { options } = await h.tf.webauthn.beginRegistration('ana', SITE);
        const response = new SoftAuthenticator().create(options, ORIGIN);
        return h.tf.webauthn.finishRegistration('ana', {
          ...response,
          response: { ...response.response, transports: transports as string[] },
        });
      };
      expect(
        await unexpected(
          'finishRegistration transports',
          [...STORE_BREAKERS.map((transport) => ['usb', transport]), [atAndOver(32)[1]], 'usb', [42]],
          'refused',
          withTransports,
        ),
      ).toEqual([]);
      const labels = (await h.tf.webauthn.list('ana')).map((key) => key.label);
      expect(labels.sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'hasOwnProperty'].sort());
    });

    it('policy input: junk values, unknown keys and non-objects are refused', async () => {
      const h = makeTwoFactor(await target.make());
      const before = await h.tf.policy.get();
      const bad = [
        // Not objects ({} is a valid input that changes nothing).
        null,
        42,
        true,
        [],
        ['x'],
        'every-login',
        ...STORE_BREAKERS.map((frequency) => ({ frequency })),
        { frequency: { trustDays: '14' } },
        { attempts: { perChallenge: '\u0000' } },
        { backupCodes: { storage: '\u0000' } },
        { 'frequency\u0000': 'every-login' },
        { extra: '\u0000' },
        JSON.parse('{"__proto__": {"frequency": "every-login"}}'),
        JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
      ];
      expect(await unexpected('policy.set', bad, 'refused', (input) => h.tf.policy.set(input))).toEqual([]);
      expect(await h.tf.policy.get()).toEqual(before);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });
}

describe('bad input never succeeds and never crashes', () => {
  it('verify, confirmSetup and sendEmailCode with junk codes and ids (megabyte strings, memory only)', async () => {
    const h = makeTwoFactor(new MemoryStore());
    await enrollTotp(h, 'agent');
    await enrollEmail(h, 'agent');
    await h.tf.totp.beginSetup('agent', { accountName: 'a' });
    await h.tf.email.beginSetup('agent', 'a@example.com');
    for (const value of junk) {
      const { challengeId } = await startChallenge(h, 'agent');
      expect(await outcome(() => h.tf.login.verify(challengeId, value as string))).toBe('refused');
      expect(await outcome(() => h.tf.login.verify(value as string, '123456'))).toBe('refused');
      expect(await outcome(() => h.tf.login.sendEmailCode(value as string))).toBe('refused');
      expect(await outcome(() => h.tf.totp.confirmSetup('agent', value as string))).toBe('refused');
      expect(await outcome(() => h.tf.email.confirmSetup('agent', value as string))).toBe('refused');
    }
  });

  it('user ids and options that are not what they should be are INVALID_INPUT', async () => {
    const h = makeTwoFactor(new MemoryStore());
    for (const value of [null, undefined, 42, {}, '', 'x'.repeat(10_000)]) {
      await expect(h.tf.status(value as string)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'userId',
      });
      await expect(h.tf.login.start(value as string)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(h.tf.totp.beginSetup(value as string, { accountName: 'a' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    await expect(h.tf.disable('agent', 'sms' as 'totp')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'method',
    });
    await expect(h.tf.policy.set({ frequency: { trustDays: 0 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'policy.frequency.trustDays',
    });
    await expect(h.tf.login.start('agent', { deviceToken: 42 as unknown as string })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('text that ends up in a URI, a subject or a file: the issuer is CONFIG, a download account name INVALID_INPUT; a trailing newline on a key label is trimmed away', async () => {
    for (const issuer of ['Cloud\uD800Fon', 'Cloud\nFon'])
      expect(() => makeTwoFactor(new MemoryStore(), { issuer })).toThrow(
        expect.objectContaining({ code: 'CONFIG', field: 'options.issuer' }),
      );
    const h = makeTwoFactor(new MemoryStore());
    const { backupCodes } = await enrollTotp(h, 'agent');
    expect(() => h.tf.backupCodes.toText(backupCodes, { accountName: 'ana\nUse these: 0000' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    const { options } = await h.tf.webauthn.beginRegistration('ana', {
      ...SITE,
      userName: 'ana@example.com\n',
    });
    expect(options.user.name).toBe('ana@example.com');
    const added = await h.tf.webauthn.finishRegistration(
      'ana',
      new SoftAuthenticator().create(options, ORIGIN),
      {
        label: 'My key\n',
      },
    );
    expect(added).toMatchObject({ ok: true, key: { label: 'My key' } });
  });

  it('property: no random string signs in', async () => {
    const h = makeTwoFactor(new MemoryStore(), {
      policy: { attempts: { perChallenge: 20, lockAfterFailures: [], accountFreeFailures: 100_000 } },
    });
    await enrollTotp(h, 'agent');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9 ]{0,10}$/), fc.stringMatching(/^[0-9a-z-]{19}$/)),
        async (code) => {
          const { challengeId } = await startChallenge(h, 'agent');
          const result = await h.tf.login.verify(challengeId, code);
          return result.ok === false;
        },
      ),
      { numRuns: 300 },
    );
  });
});
