// hono-login.mjs inside Cloudflare's workerd (nodejs_compat), bundled by esbuild: GET / runs it.
import { honoLogin } from '../hono-login.mjs';

export default {
  async fetch() {
    try {
      return new Response(`${await honoLogin()}: ok`);
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
