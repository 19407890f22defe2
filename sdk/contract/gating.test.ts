import { describe, expect, it } from 'vitest';
import { canUseSync } from './gating.js';

describe('canUseSync', () => {
  it('allows an app with its own sync_<app> subscription', () => {
    expect(canUseSync('tenure', ['sync_tenure'])).toEqual({ allowed: true });
  });

  it('allows every app with sync_all or taco_club', () => {
    expect(canUseSync('tempo', ['sync_all']).allowed).toBe(true);
    expect(canUseSync('anything', ['taco_club']).allowed).toBe(true);
  });

  it("refuses another app's subscription, with a reason naming what would allow it", () => {
    const access = canUseSync('tempo', ['sync_tenure']);
    expect(access.allowed).toBe(false);
    expect(access.reason).toContain('sync_tempo');
  });

  it('refuses when subscriptions are missing or not strings', () => {
    expect(canUseSync('tenure', undefined).allowed).toBe(false);
    expect(canUseSync('tenure', null).allowed).toBe(false);
    expect(canUseSync('tenure', [42, { sync: 'sync_tenure' }]).allowed).toBe(false);
  });
});
