import { canUseSync, checksum, createSync, keyPrefixAdapter } from 'taco-sync';
import { defineTacoSyncElements } from 'taco-sync/elements';

globalThis.tacoSyncCheck = async () => ({
  allowed: canUseSync('tenure', ['sync_tenure']).allowed,
  sum: await checksum({}),
  api: [typeof createSync, typeof keyPrefixAdapter, typeof defineTacoSyncElements],
});
