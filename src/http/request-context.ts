import { isIP } from 'node:net';
import type { RequestInfo } from '../core/request-scope.js';
import type { HttpRequest } from './types.js';

/** Which facts of a request go on the events it raises (adapter option `requestContext`). */
export interface RequestContextOptions {
  /**
   * Put the client's address on events: `'socket'` (the connection's peer, without a proxy), or
   * the header your proxy sets (`{ header: 'x-forwarded-for' }`). In a list (`client, proxy1`) the
   * address is the `hops`-th from the right (default 1: the one your proxy appended), because
   * entries further left are whatever the client sent. Anything that is not an IP address is dropped.
   */
  clientAddress?: 'socket' | { header: string; hops?: number };
  /** Put the `User-Agent` on events (at most 256 characters). */
  userAgent?: boolean;
  /** The header carrying your request id (default `x-request-id`); without one, a random id. */
  requestIdHeader?: string;
}

const REQUEST_ID = /^[\w.:/+=-]{1,128}$/;
const USER_AGENT_MAX = 256;

function clientAddress(req: HttpRequest, option: RequestContextOptions['clientAddress']): string | undefined {
  if (option === undefined) return undefined;
  let address: string | undefined;
  if (option === 'socket') address = req.peerAddress;
  else {
    const entries = (req.header(option.header) ?? '').split(',').map((entry) => entry.trim());
    address = entries[entries.length - Math.max(1, option.hops ?? 1)];
  }
  // An IPv4 peer on a dual-stack socket reads `::ffff:203.0.113.7`.
  const plain = address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return plain && isIP(plain) !== 0 ? plain : undefined;
}

/** The request as events carry it: its id always; address and user agent when asked for. */
export function requestInfo(req: HttpRequest, options: RequestContextOptions | undefined): RequestInfo {
  const given = req.header(options?.requestIdHeader ?? 'x-request-id');
  const info: RequestInfo = {
    id: given && REQUEST_ID.test(given) ? given : globalThis.crypto.randomUUID(),
  };
  const address = clientAddress(req, options?.clientAddress);
  if (address) info.clientAddress = address;
  if (options?.userAgent) {
    // Control characters would forge lines of a log.
    const agent = req
      .header('user-agent')
      ?.replace(/[\p{Cc}\p{Cf}]/gu, '')
      .slice(0, USER_AGENT_MAX);
    if (agent) info.userAgent = agent;
  }
  return info;
}
