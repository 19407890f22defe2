import { describe, expect, it } from 'vitest';
import { PUBLISHED_DEV_SECRET, unsafeKeysReason } from '../src/config-checks.js';
import { testEnv } from './helpers.js';

describe('the unsafe-configuration checks', () => {
  it('know the dev secret that wrangler.toml publishes, which dev mode keeps using', () => {
    expect(testEnv.JWT_SECRET).toBe(PUBLISHED_DEV_SECRET);
    expect(testEnv.DEV_MODE).toBe('true');
  });

  it('count a secret in UTF-8 bytes, so 11 three-byte characters (33 bytes) pass and 10 (30 bytes) do not', () => {
    expect(unsafeKeysReason({ kind: 'secret', secret: '秘'.repeat(11) })).toBeNull();
    expect(unsafeKeysReason({ kind: 'secret', secret: '秘'.repeat(10) })).toContain('30 bytes');
  });

  it('accept an https JWKS and refuse any other scheme', () => {
    expect(unsafeKeysReason({ kind: 'jwks', url: new URL('https://id.example/jwks.json') })).toBeNull();
    expect(unsafeKeysReason({ kind: 'jwks', url: new URL('http://id.example/jwks.json') })).toContain('https:');
    expect(unsafeKeysReason({ kind: 'jwks', url: new URL('file:///etc/jwks.json') })).toContain('https:');
  });
});
