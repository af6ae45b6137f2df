import { headers } from 'next/headers';
import { factorkit } from '@/lib/two-factor';
import { findUser } from '@/lib/users';

// The proxy let this request through; the page reads the same session for who is signed in.
export default async function Dashboard() {
  // Request data first: it makes the page dynamic, so `next build` never renders it (nor makes the
  // facade, without FACTORKIT_KEY) ahead of time.
  const requestHeaders = await headers();
  const state = await factorkit().twoFactor.stateOf(requestHeaders);
  const user = state?.stage === 'signed-in' ? findUser(state.userId) : undefined;
  return (
    <main>
      <h1>Dashboard</h1>
      <p id="user">Signed in as {user?.email}</p>
      <form action="/api/logout" method="post">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
