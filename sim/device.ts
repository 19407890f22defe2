import { memorySyncRecordStore } from '../sdk/core/sync-record-store.js';
import { inProcessLock } from '../sdk/platform/web-lock.js';
import { MemoryStorage } from '../sdk/test-support/memory-storage.js';
import { memoryTabChannels } from '../sdk/test-support/memory-tab-channels.js';
import type { Session } from './accounts.js';
import type { SimPage, TabSpec } from './page.js';

/**
 * One browser profile: what its tabs share (localStorage, the sync record store that IndexedDB
 * holds in a browser, the lock and the tab channel), its sign-in session and whether it is online.
 * `pages[slot]` is the page open in each tab now.
 */
export class SimDevice {
  readonly storage = new MemoryStorage();
  readonly records = memorySyncRecordStore();
  readonly lock = inProcessLock();
  readonly channels = memoryTabChannels();
  readonly pages: SimPage[] = [];
  /** Page loads per tab so far (names reloaded pages). */
  readonly loads: number[] = [];
  online = true;
  /** Keys whose current value the SDK wrote (a replacement), and that value (null: removed). */
  readonly fromSdk = new Map<string, string | null>();
  /** The account whose data the local store holds, as the SDK records it (its last `setOwner`). */
  dataOwner: string | null = null;
  /** The account signed in last: whose data a signed-out app is showing. */
  lastUser: string | null;

  /** Every account signed in on this device during the run. */
  readonly accountsSeen = new Set<string>();

  constructor(
    readonly name: string,
    readonly tabs: readonly TabSpec[],
    readonly session: Session,
  ) {
    this.lastUser = session.user;
    if (session.user) this.accountsSeen.add(session.user);
  }

  /** The open pages. */
  openPages(): SimPage[] {
    return this.pages.filter((page) => page.alive);
  }
}
