import { describe, expect, it } from 'vitest';
import { NetworkError, StorageQuotaError } from '../core/errors.js';
import { describeSyncError } from './error-text.js';

describe('describeSyncError', () => {
  it('reads a rejected SyncError by its code', () => {
    expect(describeSyncError(new NetworkError('NETWORK', 'TypeError: Failed to fetch'))).toEqual({
      text: 'Could not reach the sync server. Check your connection.',
      technical: 'NETWORK: TypeError: Failed to fetch',
    });
  });

  it('says a full device is full, whichever browser worded it', () => {
    for (const message of [
      "Nothing written: QuotaExceededError: Failed to execute 'setItem' on 'Storage'",
      'Nothing written: NS_ERROR_DOM_QUOTA_REACHED',
    ]) {
      expect(describeSyncError(new StorageQuotaError('LOCAL', message)).text).toBe(
        'This device has no room left to save the data. Nothing was changed.',
      );
    }
  });

  it('reads anything else as an unexpected failure and keeps its message for developers', () => {
    expect(describeSyncError(new TypeError('manager.syncNow is not a function'))).toEqual({
      text: 'Something went wrong.',
      technical: 'manager.syncNow is not a function',
    });
    expect(describeSyncError('boom')).toEqual({ text: 'Something went wrong.', technical: 'boom' });
  });
});
