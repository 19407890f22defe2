import fc from 'fast-check';
import type { FaultRates } from './faults.js';
import type { TabSpec } from './page.js';

/** One thing a person, an app, a browser or the world does. Indices wrap around the run's users, devices and tabs. */
export type Op =
  | { kind: 'edit'; device: number; tab: number; key: number; remove: boolean }
  | { kind: 'clear'; device: number; tab: number }
  | { kind: 'event'; device: number; tab: number; event: 'blur' | 'hidden' | 'focus' | 'visible' }
  | { kind: 'sync-now'; device: number; tab: number }
  /** Edit and Sync now, `count` times in a row: the other devices fall behind more versions than are kept (DESIGN §9). */
  | { kind: 'edit-burst'; device: number; tab: number; key: number; count: number }
  | { kind: 'offline'; device: number }
  | { kind: 'online'; device: number }
  | { kind: 'reload'; device: number; tab: number }
  | { kind: 'close-mid-push'; device: number; tab: number; afterMs: number; reopenAfterMs: number }
  | { kind: 'resolve'; device: number; tab: number; choice: 'keep-local' | 'use-server' }
  | { kind: 'restore'; device: number; tab: number; pick: number }
  | { kind: 'restore-backup'; device: number; tab: number; pick: number }
  | { kind: 'sign-out'; device: number; clear: boolean }
  | { kind: 'sign-in'; device: number; user: number; reload: boolean }
  | { kind: 'delete-cloud'; device: number }
  | { kind: 'expire-token'; device: number }
  | { kind: 'token-outage'; device: number; calls: number }
  | { kind: 'subscription'; user: number; on: boolean };

/** An op and the simulated time before it. */
export interface Step {
  afterMs: number;
  op: Op;
}

export interface DeviceSpec {
  /** Who is signed in when the run starts (index into the users), or null. */
  user: number | null;
  /** Every tab of a device runs the same app code (one origin); their releases may differ during a deploy. */
  tabs: TabSpec[];
}

/** A whole run: who, where, how faulty, and what happens. */
export interface Scenario {
  users: number;
  devices: DeviceSpec[];
  faults: FaultRates;
  /** The sync record store (IndexedDB in a browser) answers in a later task, not the same turn. */
  idbTurns?: boolean;
  steps: Step[];
}

const index = fc.nat({ max: 7 });

const release = fc.constantFrom('new' as const, 'new' as const, 'old' as const);

/** One to two tabs of one app: the same kind and options (live updates too) on every tab, a release per tab. */
const tabSpecs: fc.Arbitrary<TabSpec[]> = fc
  .record({
    app: fc.constantFrom('live' as const, 'memory' as const),
    withoutReplaceListener: fc.constantFrom('reload' as const, 'defer' as const),
    releases: fc.array(release, { minLength: 1, maxLength: 2 }),
    live: fc.boolean(),
  })
  .map(({ app, withoutReplaceListener, releases, live }) =>
    releases.map((r) => ({ app, release: r, withoutReplaceListener, live })),
  );

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device: index,
      tab: index,
      key: fc.nat({ max: 2 }),
      remove: fc.nat({ max: 4 }).map((n) => n === 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), device: index, tab: index }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      device: index,
      tab: index,
      event: fc.constantFrom('blur' as const, 'hidden' as const, 'focus' as const, 'visible' as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync-now' as const), device: index, tab: index }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('edit-burst' as const),
      device: index,
      tab: index,
      key: fc.nat({ max: 2 }),
      count: fc.integer({ min: 4, max: 12 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('offline' as const), device: index }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('online' as const), device: index }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reload' as const), device: index, tab: index }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('close-mid-push' as const),
      device: index,
      tab: index,
      afterMs: fc.constantFrom(0, 0, 50, 100, 400),
      reopenAfterMs: fc.constantFrom(1_000, 45_000),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('resolve' as const),
      device: index,
      tab: index,
      choice: fc.constantFrom('keep-local' as const, 'use-server' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('restore' as const), device: index, tab: index, pick: index }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('restore-backup' as const), device: index, tab: index, pick: index }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sign-out' as const), device: index, clear: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('sign-in' as const), device: index, user: index, reload: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-cloud' as const), device: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire-token' as const), device: index }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('token-outage' as const),
      device: index,
      calls: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('subscription' as const), user: index, on: fc.boolean() }) },
);

/** Mostly short gaps (inside a request's flight), some past the debounce, a few long ones (backoff, token expiry). */
const gap = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 400 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 12_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 30_000, max: 400_000 }) },
);

const rate = fc.constantFrom(0, 0.02, 0.08, 0.2);

/** Scenarios: 1 to 3 users, 1 to 3 devices of 1 or 2 tabs, fault rates, and up to `maxSteps` steps. */
export function scenarioArbitrary(maxSteps = 40): fc.Arbitrary<Scenario> {
  return fc.integer({ min: 1, max: 3 }).chain((users) =>
    fc.record({
      users: fc.constant(users),
      devices: fc.array(fc.record({ user: fc.option(fc.nat({ max: users - 1 }), { freq: 6 }), tabs: tabSpecs }), {
        minLength: 1,
        maxLength: 3,
      }),
      faults: fc.record({ request: rate, bucket: rate }),
      idbTurns: fc.boolean(),
      steps: fc.array(fc.record({ afterMs: gap, op }), { minLength: 1, maxLength: maxSteps, size: 'max' }),
    }),
  );
}
