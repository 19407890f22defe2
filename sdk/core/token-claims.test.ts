import { describe, expect, it } from 'vitest';
import { fakeToken } from '../test-support/tokens.js';
import { subscriptionsFromToken } from './token-claims.js';

describe('subscriptionsFromToken', () => {
  it('reads the subscriptions claim', () => {
    expect(subscriptionsFromToken(fakeToken(['sync_tenure', 'taco_club']))).toEqual(['sync_tenure', 'taco_club']);
  });

  it('answers null for a token that is not a JWT', () => {
    expect(subscriptionsFromToken('opaque-token')).toBeNull();
  });
});
