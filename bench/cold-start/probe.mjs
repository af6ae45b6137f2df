// One cold start, in a fresh Node process: `node probe.mjs <subject> <peers folder>` prints
// { import, create, verify, cpu } in ms. The phases: import the library; create what an app makes at
// start-up (and, for factorkit's facade, enrol one user, so a login has something to verify);
// verify the first code. Plain JavaScript: no transpiler in the measured process.
import { pathToFileURL } from 'node:url';

const [subject, peers] = process.argv.slice(2);
/** A peer as an ES module resolves it from the peers folder (its load.mjs imports for us). */
const fromPeers = async (name) => (await import(pathToFileURL(`${peers}/load.mjs`).href)).load(name);
/** factorkit's own zod, as its import loads it (this file sits in the repository). */
const fromRepo = (name) => import(name);
const factorkitEntry = new URL('../../dist/index.js', import.meta.url).href;
const KEY = 'bf12f5db83e64f6dfee36fa09c52b537186911213f0f632246f58acba043ca43'; // a fixed bench key
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const subjects = {
  /** The facade: createTwoFactor over MemoryStore; a TOTP login's verify. */
  async factorkit(t) {
    const { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } = await import(factorkitEntry);
    t.mark('import');
    const tf = createTwoFactor({
      issuer: 'Bench',
      store: new MemoryStore(),
      mailer: new MemoryMailer(),
      keys: KEY,
    });
    const totp = new TotpVerifier();
    const setup = await tf.totp.beginSetup('ana', { accountName: 'ana@example.com' });
    await tf.totp.confirmSetup('ana', totp.generateCode(setup.secret, Date.now() - 30_000));
    t.mark('create');
    const start = await tf.login.start('ana');
    const result = await tf.login.verify(start.challengeId, totp.generateCode(setup.secret, Date.now()));
    if (!result.ok) throw new Error(JSON.stringify(result));
    t.mark('verify');
  },
  /** The pure TOTP service alone, the unit otpauth offers. */
  async 'factorkit TotpVerifier'(t) {
    const { TotpVerifier } = await import(factorkitEntry);
    t.mark('import');
    const totp = new TotpVerifier();
    t.mark('create');
    if (!totp.verifyCode(SECRET, totp.generateCode(SECRET, Date.now()), Date.now()).ok)
      throw new Error('refused');
    t.mark('verify');
  },
  async otpauth(t) {
    const { TOTP, Secret } = await fromPeers('otpauth');
    t.mark('import');
    const totp = new TOTP({ secret: Secret.fromBase32(SECRET) });
    t.mark('create');
    if (totp.validate({ token: totp.generate(), window: 1 }) === null) throw new Error('refused');
    t.mark('verify');
  },
  /** better-auth with its two-factor plugin; the verify is the TOTP check the plugin runs. */
  async 'better-auth'(t) {
    const [{ betterAuth }, { twoFactor }, { memoryAdapter }, { createOTP }] = await Promise.all([
      fromPeers('better-auth'),
      fromPeers('better-auth/plugins'),
      fromPeers('better-auth/adapters/memory'),
      fromPeers('@better-auth/utils/otp'),
    ]);
    t.mark('import');
    const db = { user: [], session: [], account: [], verification: [], twoFactor: [] };
    const auth = betterAuth({
      database: memoryAdapter(db),
      secret: 'k7Qp2Zx9Lm4Rt8Vw1Ny6Bd3Hf5Js0GcE',
      baseURL: 'http://localhost:3000',
      emailAndPassword: { enabled: true },
      plugins: [twoFactor()],
      telemetry: { enabled: false },
    });
    await auth.$context;
    t.mark('create');
    const otp = createOTP(SECRET);
    if (!(await otp.verify(await otp.totp()))) throw new Error('refused');
    t.mark('verify');
  },
  async zod(t) {
    await fromRepo('zod');
    t.mark('import');
  },
  async 'zod/mini'(t) {
    await fromRepo('zod/mini');
    t.mark('import');
  },
};

const marks = {};
const cpuAtStart = process.cpuUsage();
let last = performance.now();
const timer = {
  mark(name) {
    const now = performance.now();
    marks[name] = now - last;
    last = now;
  },
};
await subjects[subject](timer);
// CPU time of the three phases (and Node's own start-up work between them): steadier than wall
// time on a machine other work shares.
const cpu = process.cpuUsage(cpuAtStart);
console.log(JSON.stringify({ ...marks, cpu: (cpu.user + cpu.system) / 1000 }));
