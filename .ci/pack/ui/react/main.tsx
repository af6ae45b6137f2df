// A React 19 page using the elements: JSX intrinsic element types from factorkit/elements/react,
// properties set and events heard by React itself. Built by Vite, checked by tsc.
import 'factorkit/elements/challenge';
import type {} from 'factorkit/elements/react';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

function SignIn() {
  const [method, setMethod] = useState<string | null>(null);
  return (
    <main>
      <h1>Sign in</h1>
      {method ? (
        <p id="done">Signed in with {method}</p>
      ) : (
        <factorkit-challenge
          base-url="/2fa"
          messages={{ verify: 'Verify now' }}
          onsigned-in={(event) => setMethod(event.detail.method)}
        />
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<SignIn />);
