import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An app with Express's `listen` (the examples' apps). */
interface Listening {
  listen(port: number, host: string, ready: () => void): Server;
}

/** Starts `app` on a free loopback port: its server, and the base URL to reach it. */
export async function listenOnFreePort(app: Listening): Promise<{ server: Server; base: string }> {
  const server = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes `server` when there is one (a suite's previous story, or none yet). */
export function closeServer(server: Server | null | undefined): Promise<void> {
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
