import type { Scheduler } from 'fast-check';
import type { VirtualClock } from './virtual-clock.js';

/** Lets every microtask (and `process.nextTick`) queued so far run, and those they queue. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The simulation's event loop. Everything that can happen "now" (a request reaching the Worker, an
 * R2 call completing, an answer reaching a tab, a timer that came due, a person's action) is a task
 * of fast-check's scheduler, which picks the order from the run's seed; only when no task is left
 * does simulated time move, to the next timer. Between two tasks every microtask runs, so each task
 * sees the world exactly as the previous ones left it.
 */
export class EventLoop {
  /** Tasks run so far. */
  steps = 0;
  /** The label of the task that ran last. */
  current = '';

  constructor(
    private readonly scheduler: Scheduler,
    readonly clock: VirtualClock,
    private readonly afterStep: (label: string) => Promise<void>,
  ) {}

  /** Resolves when the scheduler picks this task; `label` names it in traces. */
  turn(label: string): Promise<void> {
    return this.scheduler.schedule(Promise.resolve(label), label).then(() => {
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
      if (this.scheduler.count() > 0) {
        await this.scheduler.waitNext(1);
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
