/**
 * `npx tsx scripts/render-operations-images.ts`: the pictures of docs/operations.md, from real runs.
 * - The dashboard: a workload on a real Redis through the facade, with the OpenTelemetry SDK and its
 *   Prometheus exporter scraped every second; each panel of docs/grafana-dashboard.json evaluated
 *   over the scrapes (scripts/promql-lite.ts) and drawn with uPlot in headless Chromium.
 * - Two notices: the example app (examples/express) signed into in Chromium; its outbox page.
 * Needs redis-server and /usr/bin/chromium. Takes about three minutes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as api from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Redis } from 'ioredis';
import { createTwoFactor, type MailMessage, MemoryMailer, TotpVerifier } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { launchChromium } from '../test/browser/chromium.js';
import { startRedis } from '../test/helpers/servers.js';
import { evaluate, parseExposition, type Scrape } from './promql-lite.js';
import { renderNoticeShots } from './render-notice-shots.js';

const RUN_S = 150;
const WINDOW_S = 15;
const images = new URL('../docs/images/', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the workload for RUN_S seconds, scraping the exporter every second. */
async function workload(): Promise<Scrape[]> {
  // Append-only file on: the outage below restarts the server, and the users must still be there.
  const redisServer = await startRedis({ persistent: true });
  if (!redisServer) throw new Error('redis-server is needed');
  const exporter = new PrometheusExporter({ port: 0, host: '127.0.0.1', preventServerStart: true });
  await exporter.startServer();
  const meterProvider = new MeterProvider({ readers: [exporter] });
  api.metrics.setGlobalMeterProvider(meterProvider);
  const url = `http://127.0.0.1:${(exporter as unknown as { _server: { address(): AddressInfo } })._server.address().port}/metrics`;
  const client = new Redis({
    host: '127.0.0.1',
    port: redisServer.port,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 200,
  });
  client.on('error', () => undefined);
  const memory = new MemoryMailer();
  let mailDown = false;
  // The mail server refuses for a while (a stand-in for an SMTP outage; the rest is real).
  const mailer = {
    send: async (m: MailMessage) => {
      if (mailDown) throw new Error('421 service not available');
      await memory.send(m);
    },
  };
  const tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store: new RedisStore({ client, commandTimeoutMs: 1000 }),
    mailer,
    keys: '059619a937f67df09e15b3279a70119152cd2f3d6391bd384f8a904cd7a735e4', // a fixed key for the pictures
    openTelemetry: api,
    noticeAddress: (id) => `${id}@cloudfon.example`,
  });
  const totp = new TotpVerifier();
  const users: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < 400; i++) {
    const id = `agent-${i}`;
    const setup = await tf.totp.beginSetup(id, { accountName: id });
    await tf.totp.confirmSetup(id, totp.generateCode(setup.secret, Date.now() - 30_000));
    users.push({ id, secret: setup.secret });
  }
  const mailUsers = Array.from({ length: 64 }, (_, i) => `mail-${i}`);
  for (const id of mailUsers) {
    await tf.email.beginSetup(id, `${id}@cloudfon.example`);
    const code = memory.lastTo(`${id}@cloudfon.example`)!.text.match(/\b(\d{6})\b/)![1]!;
    await tf.email.confirmSetup(id, code);
  }
  const scrapes: Scrape[] = [];
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const scraper = setInterval(() => {
    const t = elapsed();
    void fetch(url)
      .then((r) => r.text())
      .then((text) => scrapes.push(parseExposition(text, t)));
  }, 1000);
  let next = 0;
  const failures = new Map<string, number>();
  const quietly = (p: Promise<unknown>) =>
    p.catch((error: { code?: string }) =>
      failures.set(String(error?.code), (failures.get(String(error?.code)) ?? 0) + 1),
    );
  while (elapsed() < RUN_S) {
    const t = elapsed();
    // Each address may have a code once a minute (the cooldown): the failure spans the second round.
    mailDown = t > 55 && t < 85;
    if (t > 105 && t < 115 && redisServer)
      await redisServer
        .stop()
        .then(() => sleep(15_000))
        .then(() => redisServer.start());
    const user = users[next++ % users.length]!;
    const wrongFirst = next % 8 === 0;
    await quietly(
      (async () => {
        const start = await tf.login.start(user.id);
        if (start.status !== 'challenge') return;
        if (wrongFirst) await tf.login.verify(start.challengeId, '000000');
        await tf.login.verify(start.challengeId, totp.generateCode(user.secret, Date.now()));
      })(),
    );
    // An attack from 35 s to 60 s: correct passwords, guessed codes, until the lock.
    if (t > 35 && t < 60 && next % 3 === 0) {
      const victim = users[(next * 7) % users.length]!;
      await quietly(
        (async () => {
          const start = await tf.login.start(victim.id);
          if (start.status !== 'challenge') return;
          for (let k = 0; k < 3; k++) await tf.login.verify(start.challengeId, String(100000 + k));
        })(),
      );
    }
    if (next % 4 === 0) {
      const id = mailUsers[next % mailUsers.length]!;
      await quietly(
        (async () => {
          const start = await tf.login.start(id);
          if (start.status === 'challenge') await tf.login.sendEmailCode(start.challengeId);
        })(),
      );
    }
    await sleep(60);
  }
  clearInterval(scraper);
  console.log('calls that threw, by code:', Object.fromEntries(failures));
  await tf.notices.settled();
  await sleep(500);
  client.disconnect();
  await redisServer.stop();
  await meterProvider.shutdown();
  return scrapes;
}

/** The dashboard's panels as uPlot charts on a page, screenshot by Chromium. */
async function renderDashboard(scrapes: Scrape[]) {
  const dashboard = JSON.parse(
    readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
  );
  const times = scrapes.map((s) => Math.round(s.t));
  const panels = (
    dashboard.panels as Array<{
      title: string;
      fieldConfig: { defaults: { unit: string } };
      targets: Array<{ expr: string; legendFormat: string }>;
    }>
  ).map((panel) => ({
    title: panel.title,
    unit: panel.fieldConfig.defaults.unit,
    series: panel.targets.flatMap((t) => evaluate(t.expr, scrapes, WINDOW_S, t.legendFormat)),
  }));
  const uplot = readFileSync(
    new URL('../node_modules/uplot/dist/uPlot.iife.min.js', import.meta.url),
    'utf8',
  );
  const css = readFileSync(new URL('../node_modules/uplot/dist/uPlot.min.css', import.meta.url), 'utf8');
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
    body{margin:0;background:#111217;color:#ccccdc;font:13px Inter,Helvetica,Arial,sans-serif;padding:12px;width:1176px}
    h1{font-size:16px;font-weight:500;margin:4px 4px 12px} .grid{display:grid;grid-template-columns:1fr 1fr;gap:8px}
    .panel{background:#181b1f;border:1px solid #2b2d33;border-radius:2px;padding:6px 8px}
    .panel h2{font-size:13px;font-weight:500;margin:2px 0 4px}
    .u-legend{color:#ccccdc;font-size:12px} .u-axis{color:#8e8e8e}
    </style><script>${uplot}</script></head><body><h1>factorkit: two-factor authentication <span style="color:#8e8e8e">· last ${RUN_S} s · rate window ${WINDOW_S} s · Prometheus scrapes of a real run</span></h1>
    <div class="grid" id="grid"></div><script>
    const times = ${JSON.stringify(times)}; const panels = ${JSON.stringify(panels)};
    const colors = ['#73bf69','#f2495c','#fade2a','#5794f2','#ff9830','#b877d9'];
    const fmt = (unit, v) => v == null ? '' : unit === 's' ? (v >= 1 ? v.toFixed(1)+' s' : v < 0.001 ? (v*1e6).toFixed(0)+' µs' : (v*1000).toFixed(0)+' ms') : v.toFixed(2)+'/s';
    for (const p of panels) {
      const div = document.createElement('div'); div.className = 'panel'; div.innerHTML = '<h2>'+p.title+'</h2>';
      document.getElementById('grid').appendChild(div);
      const series = p.series.length ? p.series : [{ legend: 'no data', values: times.map(() => null) }];
      new uPlot({ width: 560, height: 200, legend: { show: true, live: false },
        scales: { x: { time: false } },
        axes: [{ stroke: '#8e8e8e', grid: { stroke: '#2b2d33' }, values: (u, v) => v.map((x) => x + ' s') },
               { stroke: '#8e8e8e', grid: { stroke: '#2b2d33' }, size: 80, values: (u, v) => v.map((x) => fmt(p.unit, x)) }],
        series: [{}, ...series.map((s, i) => ({ label: s.legend, stroke: colors[i % colors.length], width: 2, fill: colors[i % colors.length] + '1a', spanGaps: false }))] },
        [times, ...series.map((s) => s.values)], div);
    }</script></body></html>`;
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.setContent(html);
  await page.screenshot({ path: `${images}operations-dashboard.png`, fullPage: true });
  await browser.close();
  writeFileSync('/tmp/factorkit-dashboard-series.json', JSON.stringify(panels));
}

const scrapes = await workload();
console.log(`${scrapes.length} scrapes`);
await renderDashboard(scrapes);
await renderNoticeShots(images);
console.log(
  'written: docs/images/operations-dashboard.png, notice-suspicious-sign-in.png, notice-new-trusted-browser.png',
);
process.exit(0);
