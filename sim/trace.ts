/** The readable story of a run: one line per thing that happened, stamped with simulated time. */
export class Trace {
  readonly lines: string[] = [];
  constructor(
    private readonly now: () => number,
    private readonly start: number,
  ) {}

  add(line: string): void {
    const seconds = ((this.now() - this.start) / 1000).toFixed(2).padStart(8);
    this.lines.push(`${seconds}s  ${line}`);
  }

  /** The last `count` lines. */
  tail(count: number): string[] {
    return this.lines.slice(-count);
  }
}
