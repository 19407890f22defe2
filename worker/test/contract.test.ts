import { describe, expect, it } from 'vitest';
import { AWKWARD_CANONICAL, AWKWARD_CHECKSUM, AWKWARD_SNAPSHOT } from '../../sdk/contract/awkward.fixture.js';
import { canonicalJson, checksum } from '../../sdk/contract/index.js';

describe('the shared contract inside workerd', () => {
  it('produces the same canonical bytes and checksum as the SDK side', async () => {
    expect(canonicalJson(AWKWARD_SNAPSHOT)).toBe(AWKWARD_CANONICAL);
    expect(await checksum(AWKWARD_SNAPSHOT)).toBe(AWKWARD_CHECKSUM);
  });
});
