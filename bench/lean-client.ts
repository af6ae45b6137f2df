/**
 * A load generator that costs the server under test next to nothing: keep-alive sockets that each
 * write one prebuilt HTTP/1.1 request, read its answer (Content-Length or chunked), and go on.
 * autocannon, in the same process on two shared cores, spends as much CPU per request as a bare
 * route (measured in `http-stores`), so a ratio against an in-process facade loop counted the
 * load generator as the HTTP layer's cost. Bounded: `requests.length` requests, then it stops.
 */
import { connect, type Socket } from 'node:net';

/** One answer's status and its latency. */
type Answer = { status: number; ms: number };

/** What a run gives: throughput, latency percentiles (ms) and every status seen. */
export type LeanFigures = { rps: number; p50: number; p99: number; statuses: Set<number> };

const HEADERS_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/** A request written out once: method, path, headers and a JSON body. */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
}

/** How many bytes of `buffer` one whole answer takes, or 0 while it is incomplete. */
function answerLength(buffer: Buffer): number {
  const headEnd = buffer.indexOf(HEADERS_END);
  if (headEnd < 0) return 0;
  const head = buffer.toString('latin1', 0, headEnd).toLowerCase();
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) {
    const total = headEnd + 4 + Number(length[1]);
    return buffer.length >= total ? total : 0;
  }
  if (!head.includes('transfer-encoding: chunked')) return headEnd + 4;
  const end = buffer.indexOf(CHUNKED_END, headEnd + 4);
  return end < 0 ? 0 : end + CHUNKED_END.length;
}

/** Sends `requests` one at a time on one socket, taking the next index from `take`. */
function drive(socket: Socket, requests: readonly Buffer[], take: () => number, answers: Answer[]) {
  return new Promise<void>((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let sentAt = 0n;
    const sendNext = () => {
      const i = take();
      if (i >= requests.length) return resolve();
      sentAt = process.hrtime.bigint();
      socket.write(requests[i]!);
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const length = answerLength(pending);
      if (length === 0) return;
      const status = Number(pending.toString('latin1', 9, 12));
      answers.push({ status, ms: Number(process.hrtime.bigint() - sentAt) / 1e6 });
      pending = pending.subarray(length);
      sendNext();
    });
    socket.on('error', reject);
    sendNext();
  });
}

/** Runs every request once over `connections` keep-alive sockets to `port` on 127.0.0.1. */
export async function leanRun(port: number, connections: number, requests: readonly Buffer[]) {
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
          socket.setNoDelay(true);
          socket.once('error', reject);
        }),
    ),
  );
  const answers: Answer[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(sockets.map((socket) => drive(socket, requests, () => next++, answers)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const socket of sockets) socket.destroy();
  const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const figures: LeanFigures = {
    rps: answers.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    statuses: new Set(answers.map((answer) => answer.status)),
  };
  return figures;
}
