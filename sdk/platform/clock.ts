/** The port for time: what time it is, and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `task` once after `ms`; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(task: () => void, ms: number): unknown;
  /** Cancels a timer set with {@link Clock.setTimeout}; an unknown or fired handle is ignored. */
  clearTimeout(handle: unknown): void;
}

/** The real {@link Clock}. Globals are read at call time, so test fake timers apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (task, ms) => setTimeout(task, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
