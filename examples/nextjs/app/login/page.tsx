'use client';
import { useState } from 'react';

/** Password, then the code from the authenticator app (or a backup code). */
export default function Login() {
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [message, setMessage] = useState('');
  const post = (path: string, body: object) =>
    fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function submit(form: FormData) {
    if (step === 'password') {
      const answer = await post('/api/login', { email: form.get('email'), password: form.get('password') });
      const result = await answer.json();
      if (!answer.ok) return setMessage('The email or password is incorrect.');
      if (result.status === 'challenge') return setStep('code');
      location.assign('/dashboard');
    } else {
      const answer = await post('/api/2fa/login/verify', { code: form.get('code') });
      if (answer.ok) return location.assign('/dashboard');
      setMessage((await answer.json()).message);
    }
  }

  return (
    <main>
      <form action={submit}>
        {step === 'password' ? (
          <>
            <input name="email" type="email" autoComplete="username" placeholder="Email" />
            <input name="password" type="password" autoComplete="current-password" placeholder="Password" />
          </>
        ) : (
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            placeholder="Authentication code"
          />
        )}
        <button type="submit">{step === 'password' ? 'Sign in' : 'Verify'}</button>
      </form>
      <p role="alert">{message}</p>
    </main>
  );
}
