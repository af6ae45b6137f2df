// The enforcement rule form and the adoption chart of Security > 2FA Authentication (see
// rollout.ts; served as /static/rollout.js). Plain JavaScript, no build step and no chart
// library: the chart is SVG made here with DOM calls, so every label is text, never markup.
import { withStepUp } from '/static/factorkit/elements.js';

const form = document.querySelector('form[data-rule]');
const figure = document.getElementById('adoption');
const SVG = 'http://www.w3.org/2000/svg';

/** The `PUT /policy` body the form says: `required` (false, true or a rule) and `methods`. */
function ruleOf(data) {
  const who = data.get('who');
  const graceDays = data.get('graceDays') === '' ? undefined : Number(data.get('graceDays'));
  const deadline = data.get('deadline') ? Date.parse(data.get('deadline')) : undefined;
  const roles = who === 'roles' ? data.getAll('roles') : undefined;
  const rule = Object.fromEntries(
    Object.entries({ roles, graceDays, deadline }).filter(([, v]) => v !== undefined),
  );
  const required = who === 'nobody' ? false : Object.keys(rule).length === 0 ? true : rule;
  const phishingResistantFor = data.get('phishingResistant') ? ['admin'] : [];
  return { required, methods: { allowed: data.getAll('allowed'), phishingResistantFor } };
}

// The frequency's element is on the same page: its client, its "Confirm it's you" pop-up.
form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const say = (text, kind = 'error') => {
    const message = form.querySelector('[role=alert]');
    message.textContent = text;
    message.className = `message ${kind}`;
  };
  const element = document.querySelector('factorkit-policy');
  const saved = await withStepUp(element, () => element.client.policy.update(ruleOf(new FormData(form))));
  if (saved.status !== 200) return say(element.explain(saved));
  say('Saved.', 'info');
  // The rule moves agents between "in grace" and "not enrolled": the counts again (fresh: just proven).
  const overview = await element.client.admin.overview.get();
  if (overview.status === 200) drawAdoption(overview.body);
});

const svg = (name, attributes, text) => {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Enrolled / in grace / not enrolled, as one stacked bar and its legend, from the overview. */
function drawAdoption(o) {
  const caption = document.createElement('figcaption');
  const parts = [
    { label: 'Enrolled', count: o.enrolled, color: '#2e7d32' },
    { label: 'In grace', count: o.inGrace, color: '#f9a825' },
    { label: 'Not enrolled', count: o.withoutTwoFactor - o.inGrace, color: '#c62828' },
  ];
  const words = parts.map((p) => `${p.count} ${p.label.toLowerCase()}`).join(', ');
  const chart = svg('svg', {
    viewBox: '0 0 420 110',
    width: 420,
    height: 110,
    role: 'img',
    'aria-label': `Adoption: ${words}`,
  });
  chart.append(svg('title', {}, `Adoption: ${words}`));
  let x = 0;
  for (const [i, part] of parts.entries()) {
    const width = o.users === 0 ? 0 : (400 * part.count) / o.users;
    chart.append(svg('rect', { x: 10 + x, y: 10, width, height: 28, fill: part.color }));
    x += width;
    chart.append(svg('rect', { x: 10 + i * 135, y: 60, width: 14, height: 14, fill: part.color }));
    chart.append(svg('text', { x: 30 + i * 135, y: 72, 'font-size': 13 }, `${part.label}: ${part.count}`));
  }
  chart.append(
    svg('text', { x: 10, y: 100, 'font-size': 12, fill: '#5b6b7c' }, `${o.users} people in this site`),
  );
  caption.textContent = `${o.enrolled} of ${o.users} have two-factor authentication on.`;
  figure.replaceChildren(chart, caption);
}

if (figure) drawAdoption(JSON.parse(figure.dataset.overview));
