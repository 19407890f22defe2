import type { Dice } from './faults.js';
import type { VirtualClock } from './virtual-clock.js';

/** Lets every microtask (and `process.nextTick`) queued so far run, and those they queue. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The simulation's event loop. Everything that can happen "now" (a request reaching the Worker, an
 * R2 call completing, an answer reaching a tab, a timer that came due, a person's action) is a
 * ready task, and the run's seeded {@link Dice} picks which runs next; only when no task is ready
 * does simulated time move, to the next timer. Between two tasks every microtask runs, so each task
 * sees the world exactly as the previous ones left it.
 *
 * (fast-check's `fc.scheduler()` did this job first, but in fast-check 4.10.2 the clones it hands
 * to successive runs share one random source, so a run's interleaving depended on how many runs
 * came before it in the process, and a shrunk failure did not replay from its path.)
 */
export class EventLoop {
  /** Tasks run so far. */
  steps = 0;
  /** The label of the task that ran last. */
  current = '';

  private readonly ready: { label: string; run: () => void }[] = [];

  constructor(
    private readonly dice: Dice,
    readonly clock: VirtualClock,
    private readonly afterStep: (label: string) => Promise<void>,
  ) {}

  /** Resolves when the loop picks this task; `label` names it in traces. */
  turn(label: string): Promise<void> {
    return new Promise<void>((run) => this.ready.push({ label, run })).then(() => {
      this.current = label;
    });
  }

  /** Resolves `ms` of simulated time from now, then once the scheduler picks it. */
  sleep(ms: number, label: string): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms, label));
  }

  /** Runs tasks and timers until simulated time reaches `untilMs` or nothing is left to run. */
  async runUntil(untilMs: number): Promise<void> {
    for (;;) {
      await settle();
      if (this.ready.length > 0) {
        this.ready.splice(this.dice.int(this.ready.length - 1), 1)[0]!.run();
        this.steps++;
        await settle();
        await this.afterStep(this.current);
        continue;
      }
      const at = this.clock.nextAt();
      if (at === undefined || at > untilMs) {
        this.clock.takeDue(untilMs);
        return;
      }
      for (const timer of this.clock.takeDue(at)) void this.turn(timer.label).then(() => this.clock.fire(timer.seq));
    }
  }
}
