import { canUseSync, checksum } from 'taco-sync';

globalThis.tacoSyncCheck = async () => ({ allowed: canUseSync('tenure', ['sync_tenure']).allowed, sum: await checksum({}) });
