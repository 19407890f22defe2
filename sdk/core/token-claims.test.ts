import { describe, expect, it } from 'vitest';
import { decodeJwt, SignJWT } from 'jose';
import { fakeToken } from '../test-support/tokens.js';
import { subjectFromToken, subscriptionsFromToken } from './token-claims.js';

describe('subscriptionsFromToken', () => {
  it('reads the subscriptions claim', () => {
    expect(subscriptionsFromToken(fakeToken(['sync_tenure', 'taco_club']))).toEqual(['sync_tenure', 'taco_club']);
  });

  it('answers null for a token that is not a JWT', () => {
    expect(subscriptionsFromToken('opaque-token')).toBeNull();
  });
});

describe('subjectFromToken', () => {
  const segment = (json: string): string =>
    btoa(String.fromCharCode(...new TextEncoder().encode(json)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const tokenWith = (payload: string): string => `${segment('{"alg":"HS256"}')}.${segment(payload)}.c2ln`;

  it('reads the sub claim of a token jose signed, as jose decodes it, UTF-8 and all', async () => {
    const sub = 'Zoë ☕ 用户 😀';
    const token = await new SignJWT({ subscriptions: ['sync_tenure'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .sign(new TextEncoder().encode('a-secret-of-at-least-32-bytes!!!'));
    expect(decodeJwt(token).sub).toBe(sub);
    expect(subjectFromToken(token)).toBe(sub);
    expect(subscriptionsFromToken(token)).toEqual(['sync_tenure']);
  });

  it('reads no account from what is not a compact JWT with an object payload', () => {
    const bad = [
      'opaque',
      'a.b',
      `${tokenWith('{"sub":"x"}')}.d.e`,
      tokenWith('["sub"]'),
      tokenWith('"x"'),
      tokenWith('null'),
      tokenWith('{"sub":'),
      `${segment('{}')}.${btoa('\xff\xfe')}.c2ln`,
      `${segment('{}')}.e30=.c2ln`,
    ];
    for (const token of bad) expect([token, subjectFromToken(token)]).toEqual([token, '']);
  });
});
