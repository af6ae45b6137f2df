import { describe, expect, it } from 'vitest';
import { agentsTable, twoFactorCell } from '../../examples/shared/people.js';
import { rolloutSection } from '../../examples/shared/rollout.js';
import { seedSitePolicies } from '../../examples/shared/sites.js';
import { summarize } from '../../src/app/admin-overview.js';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import type { UserStatus } from '../../src/app/status-many.js';
import { policySchema } from '../../src/core/policy/policy-schema.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { testKey } from '../helpers/harness.js';

/** The example's multi-site pieces without a browser: the seeded policies and the pages' HTML. */
const exampleFacade = () =>
  createTwoFactor({
    issuer: 'CloudFon CX',
    store: new MemoryStore(),
    mailer: new MemoryMailer(),
    keys: testKey('t'),
    policyCacheMs: 0,
    orgOf: (userId) => (userId.startsWith('g') ? 'globex' : 'acme'),
  });

const status = (over: Partial<UserStatus>): UserStatus =>
  ({
    methods: [],
    lockedUntil: null,
    trustedBrowsers: 0,
    lastSecondFactorAt: null,
    setup: 'optional',
    graceUntil: null,
    org: 'acme',
    ...over,
  }) as UserStatus;

describe('the example sites', () => {
  it("seeds distinct frequencies, and a restart keeps a site admin's change", async () => {
    const tf = exampleFacade();
    await seedSitePolicies(tf);
    expect((await tf.policy.get({ org: 'acme' })).frequency).toEqual({ trustDays: 14 });
    expect((await tf.policy.get({ org: 'globex' })).frequency).toBe('every-login');
    await tf.policy.set({ frequency: { trustDays: 30 }, required: true }, { org: 'globex' });
    await seedSitePolicies(tf);
    expect(await tf.policy.get({ org: 'globex' })).toMatchObject({
      frequency: { trustDays: 30 },
      required: true,
    });
  });

  it('the 2FA column: methods on, the last 2FA sign-in, grace, and a lock in force', () => {
    const at = Date.UTC(2026, 11, 6, 10, 30);
    expect(twoFactorCell(status({}))).toContain('Not set up');
    const cell = twoFactorCell(
      status({
        methods: ['totp', 'email'],
        lastSecondFactorAt: at,
        lockedUntil: at + 3_600_000,
        setup: 'enrolled',
      }),
    );
    expect(cell).toContain('<span data-methods>App, Email</span>');
    expect(cell).toContain(
      'Last 2FA sign-in: <time datetime="2026-12-06T10:30:00.000Z">2026-12-06 10:30 UTC</time>',
    );
    expect(cell).toContain('Locked until <time datetime="2026-12-06T11:30:00.000Z">');
    expect(twoFactorCell(status({ setup: 'grace', graceUntil: at }))).toContain('in grace until');
    expect(twoFactorCell(status({ methods: ['<b>x</b>'] }))).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('the agents table escapes what the directory says', () => {
    const html = agentsTable(
      [
        {
          id: 'u-"x',
          name: '<img src=x onerror=alert(1)>',
          email: 'x@example.com',
          role: 'agent',
          site: 'acme',
        },
      ],
      new Map(),
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('data-agent="u-&quot;x"');
    expect(html).toContain('user-name="&lt;img src=x onerror=alert(1)&gt;"');
  });

  it('the rule form shows the policy it will change', () => {
    const policy = policySchema.parse({
      required: { roles: ['agent'], graceDays: 14, deadline: Date.UTC(2027, 0, 31) },
      methods: { allowed: ['totp'], phishingResistantFor: ['admin'] },
    });
    const overview = summarize([]);
    const html = rolloutSection(policy, ['totp', 'email'], overview);
    expect(html).toContain('value="roles" checked');
    expect(html).toContain('value="agent" checked');
    expect(html).not.toContain('value="admin" checked');
    expect(html).toContain('name="graceDays" min="0" max="365" value="14"');
    expect(html).toContain('name="deadline" value="2027-01-31"');
    expect(html).toContain('value="totp" checked');
    expect(html).not.toContain('value="email" checked');
    expect(html).toContain('name="phishingResistant" checked');
    expect(html).toContain(`data-overview="${JSON.stringify(overview).replaceAll('"', '&quot;')}"`);
  });
});
