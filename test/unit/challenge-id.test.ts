import { describe, expect, it } from 'vitest';
import { challengeIdOf, challengeKeyOf, parseChallengeId } from '../../src/methods/challenge-id.js';
import { storeKeys, userTag } from '../../src/store/keys.js';

const NONCE = 'AbCdEfGhIjKlMnOpQrStUv';
const REF = 'zyxwvutsrqponmlkjihgfe';

describe('parseChallengeId', () => {
  it('reads a login challenge id and names its record', () => {
    const id = challengeIdOf('ana', NONCE, null);
    expect(parseChallengeId(id)).toEqual({
      userId: 'ana',
      nonce: NONCE,
      key: challengeKeyOf('ana', NONCE, null),
      budget: null,
    });
  });

  it("reads a step-up's budget: a session's or a trusted browser's", () => {
    expect(parseChallengeId(challengeIdOf('ana', NONCE, `s${REF}`))).toEqual({
      userId: 'ana',
      nonce: NONCE,
      key: challengeKeyOf('ana', NONCE, `s${REF}`),
      budget: { kind: 'session', key: storeKeys.sessionByRef('ana', REF) },
    });
    expect(parseChallengeId(challengeIdOf('ana', NONCE, `d${REF}`))?.budget).toEqual({
      kind: 'device',
      key: storeKeys.stepUpByDevice('ana', REF),
      deviceId: REF,
    });
  });

  it('refuses anything else', () => {
    const tag = userTag('ana');
    for (const bad of [
      undefined,
      42,
      '',
      tag,
      `${tag}.`,
      `.${NONCE}`,
      `${tag}.${NONCE}.`,
      `${tag}.${NONCE}.s`,
      `${tag}.${NONCE}.x${REF}`,
      `${tag}.${NONCE}.s${REF}.`,
      `${tag}.${NONCE}.s${REF}.s${REF}`,
      `${tag}.${NONCE}x`,
      `${tag}.${NONCE.slice(1)}`,
      `${tag}..${NONCE}`,
      `${tag}=.${NONCE}`,
      `${tag}.${NONCE}`.padStart(1025, 'A'),
    ]) {
      expect(parseChallengeId(bad), String(bad)).toBeNull();
    }
  });
});
