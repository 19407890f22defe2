import type { Clock } from '../sdk/core/ports.js';

interface Timer {
  at: number;
  seq: number;
  task: () => void;
  label: string;
}

/**
 * Simulated time: the SDK's {@link Clock} port, whose timers fire only when the simulation's loop
 * moves time forward ({@link VirtualClock.takeDue}). Nothing real ever waits.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  private readonly handedOver = new Set<number>();

  constructor(startMs = Date.parse('2026-11-01T08:00:00Z')) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(task: () => void, ms: number, label = 'timer'): number {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.nowMs + Math.max(0, ms), seq, task, label });
    return seq;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle !== 'number') return;
    this.timers.delete(handle);
    this.handedOver.delete(handle);
  }

  /** When the next timer not yet handed over is due, or undefined when none is set. */
  nextAt(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers.values())
      if (!this.handedOver.has(timer.seq) && (next === undefined || timer.at < next)) next = timer.at;
    return next;
  }

  /**
   * Moves time to `at` (never backwards) and hands over the timers due by then, oldest first. A
   * handed-over timer runs when {@link VirtualClock.fire} is called for it, unless it was cleared meanwhile.
   */
  takeDue(at: number): { seq: number; label: string }[] {
    this.nowMs = Math.max(this.nowMs, at);
    const due = [...this.timers.values()]
      .filter((timer) => !this.handedOver.has(timer.seq) && timer.at <= this.nowMs)
      .sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const timer of due) this.handedOver.add(timer.seq);
    return due.map(({ seq, label }) => ({ seq, label }));
  }

  /** Runs a handed-over timer, unless it was cleared since. */
  fire(seq: number): void {
    const timer = this.timers.get(seq);
    this.timers.delete(seq);
    this.handedOver.delete(seq);
    timer?.task();
  }

  /** How many timers are set. */
  pending(): number {
    return this.timers.size;
  }

  /** A promise resolved `ms` of simulated time from now. */
  sleep(ms: number, label = 'sleep'): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms, label));
  }
}
