import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../test-support/memory-storage.js';
import { tempoAdapter, tenureAdapter } from './index.js';

describe('presets', () => {
  it('tenure owns its keys and its tenure_prosper_ prefix, not Tempo keys', () => {
    const adapter = tenureAdapter(new MemoryStorage());
    expect(['tenure_prospect_profile', 'tenure_discover_answers', 'tenure_prosper_week1'].every(adapter.owns)).toBe(
      true,
    );
    expect(adapter.owns('tempo_tasks')).toBe(false);
  });

  it('tempo owns its keys and its session- prefix, not Tenure keys', () => {
    const adapter = tempoAdapter(new MemoryStorage());
    expect(['tempo_tasks', 'torodoro-session-debriefs', 'session-42'].every(adapter.owns)).toBe(true);
    expect(adapter.owns('tenure_prospect_profile')).toBe(false);
  });
});
