import { SIM_JWT_SECRET_BYTES } from './accounts.js';
import { installBrowserGlobals } from './browser-globals.js';
import { installDeterministicCrypto } from './deterministic-crypto.js';
import { Dice } from './faults.js';
import { checkNothingHangs, checkServer, unsettled } from './invariants.js';
import { classifyKnown } from './known-issues.js';
import type { Violation } from './ledger.js';
import { applyOp } from './operations.js';
import type { Op, Scenario } from './scenario.js';
import { World } from './world.js';

/** After the faults stop, people get this many rounds of this long to resolve what is open; then every page must have settled. */
const CALM_ROUNDS = 45;
const CALM_ROUND_MS = 20_000;

/** What a run found. */
export interface RunResult {
  violations: Violation[];
  /** Event-loop tasks run. */
  steps: number;
  ops: number;
  faults: Record<string, number>;
  /** Pull answers by kind (DESIGN §9): full, or with `since` a patch or the full data. */
  pulls: Record<string, number>;
  trace: string[];
  /** Simulated time the run covered. */
  simulatedMs: number;
}

export interface RunOptions {
  /** Check the server's readers after every step that changed the bucket (else only at the end). */
  checkEveryStep: boolean;
}

let prepared: Promise<void> | undefined;

/** Makes this process deterministic once: WebCrypto answering in the same turn, and the browser globals the adapter needs. */
export function prepareProcess(): Promise<void> {
  prepared ??= installDeterministicCrypto([SIM_JWT_SECRET_BYTES]).then(installBrowserGlobals);
  return prepared;
}

const describe = (op: Op): string =>
  Object.entries(op)
    .map(([k, v]) => (k === 'kind' ? v : `${k}=${v}`))
    .join(' ');

/**
 * Runs one scenario in a fresh world: opens every tab, performs the steps at their simulated times
 * (each a scheduler task, so it may land between any two others), checks after every task, then
 * stops the faults and lets people resolve conflicts until every page has settled or the calm
 * phase runs out.
 */
export async function runScenario(scenario: Scenario, diceSeed: number, options: RunOptions): Promise<RunResult> {
  await prepareProcess();
  const dice = new Dice(diceSeed);
  const { random, error } = { random: Math.random, error: console.error };
  let world: World | undefined;
  const afterStep = async (): Promise<void> => {
    checkNothingHangs(world!);
    world!.live.afterStep();
    if (!options.checkEveryStep) return;
    for (const user of [...world!.ledger.dirtyUsers]) {
      world!.ledger.dirtyUsers.delete(user);
      await checkServer(world!, user);
    }
  };
  try {
    world = new World(scenario, dice, afterStep);
    const w = world;
    Math.random = w.random;
    console.error = (...args: unknown[]) =>
      w.trace.add(
        `worker logs: ${args
          .map((a) => (a instanceof Error ? a.message : String(a)))
          .join(' ')
          .slice(0, 160)}`,
      );
    w.openAll();
    let at = 0;
    for (const step of scenario.steps) {
      at += step.afterMs;
      w.clock.setTimeout(() => applyOp(w, step.op), at, `op ${describe(step.op)}`);
    }
    await w.loop.runUntil(w.clock.now() + at);
    await calm(w);
    for (const user of w.users) await checkServer(w, user);
    return result(w);
  } catch (thrown) {
    world?.ledger.violate('crash', thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown));
    return world
      ? result(world)
      : {
          violations: [{ invariant: 'crash', message: String(thrown), at: 0 }],
          steps: 0,
          ops: 0,
          faults: {},
          pulls: {},
          trace: [],
          simulatedMs: 0,
        };
  } finally {
    Math.random = random;
    console.error = error;
  }
}

function result(world: World): RunResult {
  classifyKnown(world, world.ledger.violations);
  return {
    violations: world.ledger.violations,
    steps: world.loop.steps,
    ops: world.scenario.steps.length,
    faults: world.faults.injected,
    pulls: world.pulls.counts,
    trace: world.trace.lines,
    simulatedMs: world.clock.now() - world.start,
  };
}

/**
 * The calm phase: faults stop, every device comes back online and signed in, subscriptions
 * allow the app again; then, round after round, the person resolves open conflicts (each way, as
 * the seed picks), reloads pages that ask for it and presses "Sync now" elsewhere, until every page
 * has settled with its account's head. Whatever has not settled by the end is a progress violation.
 */
async function calm(world: World): Promise<void> {
  world.faults.stop();
  world.trace.add('--- calm: faults stop, everyone comes back online and signed in ---');
  for (const user of world.users) if (!world.idp.subscribed(user)) world.idp.setSubscribed(user, true);
  for (const device of world.devices) {
    device.session.outage = 0;
    if (!device.online) applyOp(world, { kind: 'online', device: world.devices.indexOf(device) });
    if (device.session.user === null)
      applyOp(world, {
        kind: 'sign-in',
        device: world.devices.indexOf(device),
        user: world.users.indexOf(device.lastUser ?? world.users[0]!),
        reload: true,
      });
  }
  let problems: string[] = [];
  for (let round = 0; round < CALM_ROUNDS; round++) {
    await world.loop.runUntil(world.clock.now() + CALM_ROUND_MS);
    problems = await unsettled(world);
    if (!problems.length) return;
    for (const [d, device] of world.devices.entries()) {
      for (const page of device.openPages()) {
        const state = page.engine.getState();
        if (state.status === 'conflict')
          applyOp(world, {
            kind: 'resolve',
            device: d,
            tab: page.slot,
            choice: world.dice.pick(['keep-local', 'use-server'] as const),
          });
        else if (state.reloadReason) applyOp(world, { kind: 'reload', device: d, tab: page.slot });
        else if (state.status === 'error') applyOp(world, { kind: 'sync-now', device: d, tab: page.slot });
        else if (state.status === 'disabled') page.emit('focus');
        // Without live updates nothing tells an open page that another device pushed, and with them
        // an announcement may have been missed (a hint only, DESIGN §9): the person comes back to
        // each page (a check on return) or presses "Sync now".
        else if (state.status !== 'syncing' && world.dice.chance(0.5))
          applyOp(world, { kind: 'sync-now', device: d, tab: page.slot });
        else if (state.status !== 'syncing') {
          page.emit('hidden');
          page.emit('visible');
        }
      }
    }
  }
  for (const problem of problems)
    world.ledger.violate(
      'progress',
      `not settled ${((CALM_ROUNDS * CALM_ROUND_MS) / 60_000).toFixed(0)} min after the faults stopped: ${problem}`,
    );
}
