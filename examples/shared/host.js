// The host's side of factorkit's elements: where each screen leads once it is done. Plain
// JavaScript, no build step; the elements come from /static/factorkit/elements.js.

// <factorkit-challenge data-signed-in="/profile">: signed in, on to that page; the login ended
// (too many attempts, expired): the element says why, and the way back to the password shows.
document.addEventListener('signed-in', (event) => location.assign(event.target.dataset.signedIn || '/'));
document.addEventListener('ended', () => document.getElementById('back')?.removeAttribute('hidden'));

// <factorkit-settings data-changed="/profile">: a page done once a change is made (a required setup).
document.addEventListener('changed', (event) => {
  if (event.target.dataset.changed) location.assign(event.target.dataset.changed);
});

// A sign-in form whose host answers JSON (the Fastify and Hono examples): the password, then the
// code page when a code is asked for.
document.querySelector('form[data-json-sign-in]')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const res = await fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(new FormData(form))),
  });
  const answer = await res.json();
  if (res.ok) return location.assign(answer.status === 'challenge' ? form.dataset.code : form.dataset.next);
  form.querySelector('[role=alert]').textContent = 'The email or password is incorrect.';
});

// A sign-out button (the Fastify and Hono examples): POST /logout, then the sign-in page.
document.querySelector('[data-sign-out]')?.addEventListener('click', async () => {
  await fetch('/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  location.assign('/');
});
