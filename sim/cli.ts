import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { KNOWN_ISSUES } from './known-issues.js';
import type { Violation } from './ledger.js';
import { runScenario, type RunResult } from './runner.js';
import { scenarioArbitrary } from './scenario.js';

/**
 * `npm run sim -- --seeds N --from S`: runs seeds S .. S+N-1, each one fast-check run of a
 * generated scenario, and prints seeds run, steps, faults injected and violations. A failing seed
 * is shrunk (within `--shrink-s` seconds) and printed with a one-line replay command and the trace
 * of the shrunk run. `--seed S --path P` replays one (shrunk) case with its whole trace. `--jobs J`
 * splits the seeds over J processes; `--first` stops at the first failing seed (one job);
 * `--strict` fails on known issues too.
 */
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    path: { type: 'string' },
    steps: { type: 'string', default: '40' },
    jobs: { type: 'string', default: '1' },
    strict: { type: 'boolean', default: false },
    first: { type: 'boolean', default: false },
    'shrink-s': { type: 'string', default: '60' },
    'trace-lines': { type: 'string', default: '120' },
    'no-check-every-step': { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run sim -- [--seeds 100] [--from 1] [--jobs 1] [--steps 40] [--first] [--strict]
       npm run sim -- --seed S [--path P] [--steps 40]      replay one (shrunk) case with its trace
  Runs seeds S .. S+N-1 of the seeded simulation (docs/architecture.md), each a generated scenario
  of devices, tabs, accounts and faults against the Worker, and prints seeds, steps, faults and
  violations. A failing seed is shrunk (--shrink-s 60 seconds at most) and printed with its replay
  command and trace (--trace-lines 120). --jobs splits the seeds over processes; --first stops at
  the first failing seed; --strict fails on known issues too; --no-check-every-step checks only at
  the end of each run.`);
  process.exit(0);
}

const maxSteps = Number(values.steps);
const strict = values.strict;
/** The violations that fail a run: all with --strict, else those of no known issue. */
const failing = (run: RunResult): Violation[] => run.violations.filter((v) => strict || !v.known);
const checkEveryStep = !values['no-check-every-step'];

interface Totals {
  seeds: number;
  steps: number;
  ops: number;
  simulatedMs: number;
  faults: Record<string, number>;
  /** Pull answers by kind: full, or with `since` a patch or the full data. */
  pulls: Record<string, number>;
  failures: { seed: number; report: string }[];
  /** Seeds whose only violations are instances of known issues, by issue. */
  known: Record<string, number[]>;
}

const emptyTotals = (): Totals => ({
  seeds: 0,
  steps: 0,
  ops: 0,
  simulatedMs: 0,
  faults: {},
  pulls: {},
  failures: [],
  known: {},
});

function add(totals: Totals, run: RunResult): void {
  totals.steps += run.steps;
  totals.ops += run.ops;
  totals.simulatedMs += run.simulatedMs;
  for (const [name, count] of Object.entries(run.faults)) totals.faults[name] = (totals.faults[name] ?? 0) + count;
  for (const [name, count] of Object.entries(run.pulls)) totals.pulls[name] = (totals.pulls[name] ?? 0) + count;
}

/**
 * The property one seed checks: the scenario runs with no violation. `seen` gets every run's
 * result. Past `deadline` (performance.now() ms) candidates pass unrun: shrinking then ends
 * quickly with the smallest failure found so far. (fast-check's own time limit interrupts a run
 * midway and lets it go on in the background, where it would disturb the next run.)
 */
function property(seen: (run: RunResult) => void, deadline = Infinity) {
  return fc.asyncProperty(scenarioArbitrary(maxSteps), fc.noShrink(fc.integer()), async (scenario, diceSeed) => {
    if (performance.now() > deadline) return true;
    const run = await runScenario(scenario, diceSeed, { checkEveryStep });
    seen(run);
    return failing(run).length === 0;
  });
}

function describeFailure(seed: number, path: string | undefined, run: RunResult, traceLines: number): string {
  const lines = [`seed ${seed}: ${run.violations.length} violation(s)`];
  for (const v of run.violations.slice(0, 10))
    lines.push(
      `  [${v.invariant}]${v.known ? ` (known: ${v.known})` : ''} at ${(v.at / 1000).toFixed(2)} s: ${v.message}`,
    );
  lines.push(`replay: npm run sim -- --seed ${seed}${path ? ` --path ${path}` : ''} --steps ${maxSteps}`);
  lines.push(
    `trace (${path ? 'shrunk run, ' : ''}last ${Math.min(traceLines, run.trace.length)} of ${run.trace.length} lines):`,
  );
  for (const line of run.trace.slice(-traceLines)) lines.push(`  ${line}`);
  return lines.join('\n');
}

/** Runs one seed; on a violation, shrinks it and describes the smallest failing run found. */
async function runSeed(seed: number, totals: Totals): Promise<void> {
  let first: RunResult | undefined;
  const details = await fc.check(
    property((run) => (first ??= run)),
    { seed, numRuns: 1, endOnFailure: true },
  );
  totals.seeds++;
  add(totals, first!);
  if (!details.failed) {
    for (const issue of new Set(first!.violations.map((v) => v.known!))) (totals.known[issue] ??= []).push(seed);
    return;
  }
  let last: RunResult = first!;
  const shrunk = await fc.check(
    property(
      (run) => {
        if (failing(run).length) last = run;
      },
      performance.now() + Number(values['shrink-s']) * 1000,
    ),
    { seed, numRuns: 1 },
  );
  totals.failures.push({
    seed,
    report: describeFailure(seed, shrunk.counterexamplePath ?? undefined, last, Number(values['trace-lines'])),
  });
}

async function replay(seed: number, path: string | undefined): Promise<number> {
  let last: RunResult | undefined;
  const details = await fc.check(
    property((run) => (last = run)),
    { seed, numRuns: 1, endOnFailure: true, ...(path ? { path } : {}) },
  );
  console.log(describeFailure(seed, path, last!, Number.MAX_SAFE_INTEGER));
  console.log(details.failed ? 'replay: violations reproduced' : 'replay: no violation');
  return details.failed ? 1 : 0;
}

async function runRange(from: number, count: number): Promise<Totals> {
  const totals = emptyTotals();
  for (let seed = from; seed < from + count; seed++) {
    await runSeed(seed, totals);
    if (values.first && totals.failures.length) break;
  }
  return totals;
}

/** Splits the range over `jobs` child processes and adds up what they report. */
async function runParallel(from: number, count: number, jobs: number): Promise<Totals> {
  const share = Math.ceil(count / jobs);
  const parts = await Promise.all(
    Array.from({ length: jobs }, (_, j) => {
      const start = from + j * share;
      const n = Math.max(0, Math.min(share, from + count - start));
      return new Promise<Totals>((resolve, reject) => {
        const flags = [...(checkEveryStep ? [] : ['--no-check-every-step']), ...(strict ? ['--strict'] : [])];
        const child = fork(
          process.argv[1]!,
          [
            '--child',
            '--from',
            String(start),
            '--seeds',
            String(n),
            '--steps',
            String(maxSteps),
            '--shrink-s',
            String(values['shrink-s']),
            ...flags,
          ],
          { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
        );
        child.on('message', (message) => resolve(message as Totals));
        child.on('exit', (code) => code !== 0 && reject(new Error(`sim job exited with ${code}`)));
      });
    }),
  );
  const totals = emptyTotals();
  for (const part of parts) {
    totals.seeds += part.seeds;
    totals.steps += part.steps;
    totals.ops += part.ops;
    totals.simulatedMs += part.simulatedMs;
    for (const [name, n] of Object.entries(part.faults)) totals.faults[name] = (totals.faults[name] ?? 0) + n;
    for (const [name, n] of Object.entries(part.pulls)) totals.pulls[name] = (totals.pulls[name] ?? 0) + n;
    totals.failures.push(...part.failures);
    for (const [issue, seeds] of Object.entries(part.known)) (totals.known[issue] ??= []).push(...seeds);
  }
  return totals;
}

async function main(): Promise<number> {
  if (values.seed !== undefined) return replay(Number(values.seed), values.path);
  const from = Number(values.from);
  const count = Number(values.seeds);
  const jobs = Math.max(1, Number(values.jobs));
  if (values.child) {
    const totals = await runRange(from, count);
    await new Promise<void>((resolve) => process.send!(totals, () => resolve()));
    process.disconnect();
    return 0;
  }
  const started = performance.now();
  const totals = jobs > 1 ? await runParallel(from, count, jobs) : await runRange(from, count);
  const seconds = (performance.now() - started) / 1000;
  for (const failure of totals.failures) console.log(`\n${failure.report}\n`);
  const faults = Object.entries(totals.faults)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const injected = Object.values(totals.faults).reduce((a, b) => a + b, 0);
  console.log(
    `sim: seeds ${from}..${from + count - 1}: ${totals.seeds} run, ${totals.steps} steps, ${totals.ops} ops, ${(totals.simulatedMs / 3_600_000).toFixed(1)} h simulated`,
  );
  console.log(`sim: faults injected ${injected} (${faults})`);
  console.log(
    `sim: pull answers: ${Object.entries(totals.pulls)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}`,
  );
  for (const [issue, seeds] of Object.entries(totals.known)) {
    console.log(
      `sim: known issue ${issue} in ${seeds.length} seed(s) (${seeds.slice(0, 5).join(', ')}${seeds.length > 5 ? ', ...' : ''}): ${KNOWN_ISSUES[issue]}`,
    );
  }
  console.log(
    `sim: violations ${totals.failures.length ? `in ${totals.failures.length} seed(s): ${totals.failures.map((f) => f.seed).join(', ')}` : '0'}; ${seconds.toFixed(1)} s`,
  );
  console.log(`sim: ${totals.seeds - totals.failures.length} passed, ${totals.failures.length} failed`);
  return totals.failures.length ? 1 : 0;
}

process.exitCode = await main();
