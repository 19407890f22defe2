import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * The run's randomness beyond the scheduler's (faults, latencies, a person's choices in the calm
 * phase, backoff jitter): fast-check's `Random` over pure-rand's xoroshiro128+, seeded by a value
 * fast-check generates. The seed does not shrink, so a shrunk scenario meets the same draws.
 */
export class Dice {
  private readonly random: fc.Random;

  constructor(seed: number) {
    this.random = new fc.Random(xoroshiro128plus(seed));
  }

  /** An integer in [0, max]. */
  int(max: number): number {
    return max <= 0 ? 0 : this.random.nextInt(0, max);
  }

  /** True with probability `p` (no draw at all when `p` is 0, so fault-free phases replay the same). */
  chance(p: number): boolean {
    return p > 0 && this.int(999) < p * 1000;
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length - 1)]!;
  }
}

/** What can go wrong with one request between a tab and the Worker. */
export const REQUEST_FAULTS = [
  'drop',
  'lose-answer',
  'hang',
  'hang-after-server',
  'duplicate',
  'delay',
  'edge-503',
  'edge-429',
] as const;
export type RequestFault = (typeof REQUEST_FAULTS)[number];

/** What can go wrong with one R2 call. */
export const BUCKET_FAULTS = ['fail-before', 'fail-after', 'rate-limited', 'stall'] as const;
export type BucketFault = (typeof BUCKET_FAULTS)[number];

/** How often things go wrong in a run: probabilities per request and per R2 call. */
export interface FaultRates {
  request: number;
  bucket: number;
}

/** Decides the faults of a run and counts those injected; {@link Faults.stop} ends them (the run's calm phase). */
export class Faults {
  readonly injected: Record<string, number> = {};
  private on = true;

  constructor(
    readonly rates: FaultRates,
    private readonly dice: Dice,
  ) {}

  get active(): boolean {
    return this.on;
  }

  stop(): void {
    this.on = false;
  }

  /** The fault for the next request, or null. */
  request(): RequestFault | null {
    return this.draw(this.rates.request, REQUEST_FAULTS);
  }

  /** The fault for the next R2 call, or null. */
  bucket(): BucketFault | null {
    return this.draw(this.rates.bucket, BUCKET_FAULTS);
  }

  /** Counts a fault injected outside the per-call draws (offline, a token that fails). */
  count(name: string): void {
    this.injected[name] = (this.injected[name] ?? 0) + 1;
  }

  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  private draw<T extends string>(rate: number, kinds: readonly T[]): T | null {
    if (!this.on || !this.dice.chance(rate)) return null;
    const fault = this.dice.pick(kinds);
    this.count(fault);
    return fault;
  }
}
