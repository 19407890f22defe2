/** The port between the sync core and an app's local data, declared in the core's ports. */
export type { StorageAdapter } from '../core/ports.js';
