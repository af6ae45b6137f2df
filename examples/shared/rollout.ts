import type { Overview, Policy } from 'factorkit';
import { esc } from './html.js';
import { METHOD_NAMES } from './people.js';

const check = (on: boolean) => (on ? ' checked' : '');
const ROLES = ['admin', 'agent'];

/**
 * Security > 2FA Authentication, below the frequency: the enforcement rule (who, grace days or a
 * deadline, allowed methods among `methodIds`, the ones the host turned on; phishing-resistant
 * methods for admins) as the site's policy holds it, saved by `/static/rollout.js` through
 * `PUT /2fa/policy`; and the adoption chart that script draws from the site's overview
 * (`tf.admin.overview`, in the page: opening it asks for no fresh second factor), then from
 * `GET /2fa/admin/overview` after each save.
 */
export function rolloutSection(policy: Policy, methodIds: readonly string[], overview: Overview): string {
  const rule = typeof policy.required === 'object' ? policy.required : null;
  const who = policy.required === false ? 'nobody' : rule?.roles ? 'roles' : 'everyone';
  const deadline = rule?.deadline === undefined ? '' : new Date(rule.deadline).toISOString().slice(0, 10);
  const allowed = policy.methods.allowed;
  const radio = (value: string, label: string) =>
    `<label class="inline"><input type="radio" name="who" value="${value}"${check(who === value)}> ${label}</label>`;
  const roles = ROLES.map(
    (role) =>
      `<label class="inline"><input type="checkbox" name="roles" value="${role}"${check(rule?.roles?.includes(role) === true)}> ${role}s</label>`,
  ).join('');
  const offered = methodIds
    .map(
      (id) =>
        `<label class="inline"><input type="checkbox" name="allowed" value="${esc(id)}"${check(!allowed || allowed.includes(id))}> ${esc(METHOD_NAMES[id] ?? id)}</label>`,
    )
    .join('');
  const admins = policy.methods.phishingResistantFor?.includes('admin') === true;
  return `<section class="card" aria-labelledby="rule-title"><h2 id="rule-title">Enforcement</h2>
    <form data-rule>
      <fieldset><legend>Required for</legend>${radio('nobody', 'Nobody (optional)')}${radio('everyone', 'Everyone')}${radio('roles', 'Only these roles:')} ${roles}</fieldset>
      <label>Grace period in days (from each agent's next sign-in) <input type="number" name="graceDays" min="0" max="365" value="${rule?.graceDays ?? ''}"></label>
      <label>Deadline (UTC) <input type="date" name="deadline" value="${deadline}"></label>
      <fieldset><legend>Allowed methods</legend>${offered}</fieldset>
      <label class="inline"><input type="checkbox" name="phishingResistant"${check(admins)}> Admins must use a security key or passkey</label>
      <p class="message" role="alert"></p>
      <button type="submit">Save rule</button>
    </form></section>
    <section class="card" aria-labelledby="adoption-title"><h2 id="adoption-title">Adoption</h2>
    <figure id="adoption" data-overview="${esc(JSON.stringify(overview))}"></figure></section>
    <script type="module" src="/static/rollout.js"></script>`;
}
