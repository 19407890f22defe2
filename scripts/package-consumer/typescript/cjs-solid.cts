// taco-sync/solid from a CommonJS file. Only under nodenext: solid-js's own types are ES modules only,
// so under node16 a CommonJS file can require neither solid-js nor anything typed with it.
import solid = require('taco-sync/solid');
import type { JSX } from 'solid-js';

export const createSyncStateFromRequire = solid.createSyncState;
export const statusTag: JSX.IntrinsicElements['taco-sync-status'] = { compact: false };
