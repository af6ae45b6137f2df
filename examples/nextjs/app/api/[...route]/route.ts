import { factorkit } from '@/lib/two-factor';

// Every /api request goes to the Hono app: /api/login, /api/logout and the 2FA endpoints under /api/2fa.
const handle = (request: Request) => factorkit().api.fetch(request);

export { handle as DELETE, handle as GET, handle as POST, handle as PUT };
