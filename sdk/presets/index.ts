/**
 * Storage adapters for the original apps, with the key lists of the original design.
 * Imported from `taco-sync/presets`.
 *
 * @packageDocumentation
 */
import { keyPrefixAdapter } from '../adapters/key-prefix.js';
import type { StorageAdapter } from '../adapters/storage-adapter.js';

/** The localStorage keys and prefixes Tenure keeps its data in. */
export const TENURE_KEYS = {
  keys: [
    'tenure_prospect_applications',
    'tenure_prospect_profile',
    'tenure_prospect_settings',
    'tenure_prepare_master_resume',
    'tenure_prepare_variants',
    'tenure_prepare_wizard',
    'tenure_discover_answers',
  ],
  prefixes: ['tenure_prosper_'],
} as const;

/** The localStorage keys and prefixes Tempo keeps its data in. */
export const TEMPO_KEYS = {
  keys: ['tempo_queue_tasks', 'tempo_queue_settings', 'tempo_tasks', 'torodoro-session-debriefs'],
  prefixes: ['session-'],
} as const;

/**
 * The adapter for Tenure's data.
 *
 * @param storage - the store to sync; `localStorage` by default.
 * @example
 * createSync({ app: 'tenure', endpoint, getToken, adapter: tenureAdapter() });
 */
export function tenureAdapter(storage?: Storage): StorageAdapter {
  return keyPrefixAdapter({ ...TENURE_KEYS, storage });
}

/**
 * The adapter for Tempo's data.
 *
 * @param storage - the store to sync; `localStorage` by default.
 */
export function tempoAdapter(storage?: Storage): StorageAdapter {
  return keyPrefixAdapter({ ...TEMPO_KEYS, storage });
}
