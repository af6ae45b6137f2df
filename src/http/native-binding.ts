import type { LoginStart } from '../app/login/start.js';
import type { TwoFactorHttp } from './create-http.js';
import type { SessionState, TwoFactorSessionAccess } from './session.js';
import type { HttpAnswer, HttpRequest } from './types.js';

/** How an adapter reads its framework's request (`Native`). */
export interface NativeReader<Native> {
  /** Method, route params and headers. */
  parts(native: Native): Pick<HttpRequest, 'method' | 'params' | 'header' | 'peerAddress'>;
  /** The body as text, when the framework has read it. */
  text?(native: Native): string | undefined;
  /** The request's session; it may throw (no session installed). */
  session(native: Native): TwoFactorSessionAccess;
}

/** The helpers every adapter gives the host, on its framework's request. */
export interface HostHelpers<Native> {
  /** After the password is checked: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(native: Native, userId: string): Promise<LoginStart>;
  /** Signs out: the 2FA state is wiped and the session destroyed (the browser's cookie is then dead). */
  signOut(native: Native): Promise<void>;
  /** The signed-in user, or null. */
  userId(native: Native): Promise<string | null>;
  /** The 2FA state of this session (stage, user, fresh factor, this browser's device id), or null. */
  state(native: Native): Promise<SessionState | null>;
}

/** The layer bound to one framework's request: what an adapter's handlers and guards call. */
export interface NativeHttp<Native> {
  /**
   * The layer's request; `text`, when given, is the body the adapter read itself, `params` the
   * route's parameters when the adapter matched them itself. May throw.
   */
  request(native: Native, text?: string, params?: Record<string, string>): HttpRequest<Native>;
  /**
   * Hands what `work` answers to `send`. When `work` throws (no session installed, a body that
   * cannot be read), `send` gets the layer's answer for the error instead: no error escapes raw.
   * `send` runs once; what it throws is the caller's (Express gets the promise and calls `next`).
   */
  respond<A, R>(native: Native, work: () => A | Promise<A>, send: (answer: A | HttpAnswer) => R): Promise<R>;
  /** For a guard on the host's own route: null to go on, else the refusal. Never throws. */
  refusal(guard: 'signedIn' | 'stepUp', native: Native): Promise<HttpAnswer | null>;
  helpers: HostHelpers<Native>;
}

/** Binds the layer to a framework's request type; every adapter starts here. */
export function bindNative<Native>(
  http: TwoFactorHttp<Native>,
  reader: NativeReader<Native>,
): NativeHttp<Native> {
  const request = (
    native: Native,
    text = reader.text?.(native),
    params?: Record<string, string>,
  ): HttpRequest<Native> => {
    const { method, header, peerAddress, params: routeParams } = reader.parts(native);
    const body = text === undefined ? undefined : { text, contentType: header('content-type') };
    const session = reader.session(native);
    return { method, params: params ?? routeParams, header, peerAddress, body, session, native };
  };
  const respond: NativeHttp<Native>['respond'] = async (native, work, send) => {
    let answer: Awaited<ReturnType<typeof work>> | HttpAnswer;
    try {
      answer = await work();
    } catch (error) {
      answer = http.fail(error, native);
    }
    // Outside the try: an answer is sent once, never a second time over a failed first send.
    return send(answer);
  };
  return {
    request,
    respond,
    async refusal(guard, native) {
      const check = () => http.check(guard, request(native));
      return respond(native, check, (answer) => answer);
    },
    helpers: {
      beginLogin: (native, userId) => http.beginLogin(request(native), userId),
      signOut: (native) => http.signOut(reader.session(native)),
      userId: (native) => http.userId(reader.session(native)),
      state: (native) => http.state(reader.session(native)),
    },
  };
}
