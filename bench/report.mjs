// Turns one benchmark run into docs/performance.md (and the same tables on stdout). Every figure
// here comes from the run; nothing is typed in by hand.
import { liveSection } from './live.mjs';
import { mergeSection } from './merge.mjs';

/** R2 prices used for the cost table (Standard storage, per million requests, USD). */
export const R2_PRICES = {
  classA: 4.5,
  classB: 0.36,
  source: 'https://developers.cloudflare.com/r2/pricing/',
  asOf: '2026-11',
};

/** Which R2 calls fall in which price class (Cloudflare's R2 pricing page). */
const OP_CLASS = { put: 'classA', list: 'classA', get: 'classB', head: 'classB', delete: 'free' };

const ms = (value) => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const ratio = (value) =>
  !Number.isFinite(value) ? 'n/a' : `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')}×`;
const percent = (value) => `${(value * 100).toFixed(value < 0.01 ? 3 : 1)} %`;
const perSecond = (value) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());
const dollars = (value) => `$${value.toFixed(2)}`;

function bytes(value) {
  if (value < 1000) return `${value} B`;
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} kB`;
  return `${(value / 1_000_000).toFixed(2)} MB`;
}

function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** "2 class A + 1 class B" (the classes with calls) for one counted operation. */
function classes(ops) {
  const { classA, classB } = costOf(ops);
  return [classA && `${classA} class A`, classB && `${classB} class B`].filter(Boolean).join(' + ') || 'no billed call';
}

/** Class A, class B and free calls of one counted operation, and its price per million. */
export function costOf(ops) {
  const classes = { classA: 0, classB: 0, free: 0 };
  for (const [op, count] of Object.entries(ops)) classes[OP_CLASS[op]] += count;
  return { ...classes, perMillion: classes.classA * R2_PRICES.classA + classes.classB * R2_PRICES.classB };
}

function clientSection(client, runs) {
  const prep = table(
    [
      'Snapshot',
      'Keys',
      'collect',
      'checksum (canonical JSON + UTF-8 + SHA-256)',
      'patch + push body JSON',
      '**push preparation**',
      'floor: JSON.stringify + UTF-8',
      'floor: digest',
      '**preparation / floor**',
    ],
    client.map((row) => [
      row.size.label,
      row.keys,
      ms(row.collect),
      ms(row.checksum),
      ms(row.body),
      `**${ms(row.prep)}**`,
      ms(row.stringify),
      ms(row.digest),
      `**${ratio(row.prep / row.floor)}**`,
    ]),
  );
  const apply = table(
    [
      'Snapshot',
      'Keys',
      '**apply** (parse + validate + adapter.apply)',
      'floor: JSON.parse + setItem per key',
      '**apply / floor**',
    ],
    client.map((row) => [
      row.size.label,
      row.keys,
      `**${ms(row.apply)}**`,
      ms(row.applyFloor),
      `**${ratio(row.apply / row.applyFloor)}**`,
    ]),
  );
  const largest = client.at(-1);
  const cycle = 2 * largest.collect + largest.prep + largest.checksum;
  return `## 1. Client: main-thread time in Chromium (ms, median of ${runs} runs)

Push preparation is what the SDK does before pushing a one-key edit, once it has read the data
(\`keyPrefixAdapter\` collect from localStorage, shown on its own): \`checksum\` (canonical JSON,
UTF-8, SHA-256), then the patch against the base snapshot and the push body's JSON (DESIGN §8).
Its floor is what any client that sends a checksummed snapshot must do at least: serialise it
once (\`JSON.stringify\` of the same object), encode it as UTF-8 and hash it once
(\`crypto.subtle.digest\`).

${prep}

Apply is a new device taking a pull: parse the pull body, validate it (\`parsePullResponse\`) and
\`adapter.apply\` (rollback bookkeeping and one \`storage\` event per key). Its floor is \`JSON.parse\`
of the same body and a bare \`localStorage.setItem\` per key.

${apply}

Times are wall-clock \`performance.now()\` around each step in a cross-origin isolated page (5 µs timer
resolution)${
    client.some((row) => row.reps > 1)
      ? `; smaller snapshots time each step ${client
          .filter((row) => row.reps > 1)
          .map((row) => `${row.reps} times (${row.size.label})`)
          .join(', ')} per run and count the mean as the run's sample`
      : ''
  }. \`crypto.subtle.digest\` runs
on Chromium's crypto thread, so of the checksum column only the canonical JSON and the UTF-8
encoding block the main thread. After a push is acknowledged the engine collects and checksums once
more (to see edits made meanwhile), so a whole push cycle at ${largest.size.label} costs about
${ms(cycle)} ms of page time (two collects, two checksums, the patch), not ${ms(largest.prep)}.`;
}

function wireSection(wire) {
  const rows = wire.map((row) => [
    row.size.label,
    bytes(row.changeBytes),
    bytes(row.push.up),
    bytes(row.push.down),
    bytes(row.pull.up),
    bytes(row.pull.down),
    bytes(row.pull.bodyDown),
    bytes(row.meta.up),
    bytes(row.meta.down),
    ratio(row.push.up / row.changeBytes),
    `**${ratio(row.pull.down / row.changeBytes)}**`,
    bytes(row.push.gzipUp),
  ]);
  const patchRows = wire.map((row) => [
    row.size.label,
    bytes(row.patch.changeBytes),
    `${bytes(row.patch.bodyUp)}${row.patch.gzip ? ' (gzip)' : ''}`,
    bytes(row.patch.up),
    `**${ratio(row.patch.up / row.patch.changeBytes)}**`,
    bytes(row.patch.up - 2 * row.patch.changeBytes),
    `**${percent(row.patch.up / row.snapshotBytes)}**`,
    row.patch.fitsKeepalive ? '**yes**' : 'no',
    ms(row.pushMs.full),
    ms(row.pushMs.patch),
    `**${ratio(row.pushMs.patch / row.pushMs.full)}**`,
  ]);
  const patchPullRows = wire.map(({ size, patchPull }) => [
    size.label,
    bytes(patchPull.changeBytes),
    bytes(patchPull.up),
    bytes(patchPull.down),
    bytes(patchPull.bodyDown),
    `**${ratio(patchPull.down / patchPull.changeBytes)}**`,
    bytes(patchPull.down - 2 * patchPull.changeBytes),
    bytes(patchPull.fullDown),
    ratio(patchPull.fullDown / patchPull.changeBytes),
  ]);
  const first = wire[0];
  const encodings = [...new Set(wire.map((row) => row.pull.encoding ?? 'none'))].join(', ');
  return `## 2. Wire: bytes per request

Bytes on the wire (HTTP/1.1 as sent by Node's fetch to \`wrangler dev\`, headers included; ↑ request,
↓ response), counted by a TCP relay, one request at a time. The change is a one-key edit: the
edited key and its new value as one canonical JSON entry, the least any sync protocol must carry.

**Push of a one-key edit as the SDK sends it** (DESIGN §8): a patch against the base version with
its checksum, gzip-compressed from 1 KiB where that saves 10 %. "over 2× change" is what the request
costs beyond twice the change (headers and the push's fixed fields; the goal is a few hundred bytes at most); "fits keepalive" is whether the
body is at most 64 KiB, so that it can leave with a closing tab. Time per push is the median of
${first.pushMs.n} pushes of each form, one at a time, alternating, from the request to the answer
(\`wrangler dev\` reports no CPU time per request, so this includes the transfer and R2).

${table(['Snapshot', 'one-key change', 'patch body', 'patch push ↑', '**push ↑ / change**', 'beyond 2× change (negative: under it)', '**push ↑ / store**', 'fits keepalive', 'full push (ms)', 'patch push (ms)', '**patch / full time**'], patchRows)}

**Pull of a one-key change by a device one version behind** (DESIGN §9, wire version 3): \`GET
.../pull?since=N\` with the version the device holds, answered with the changes since it, from
the change the Worker recorded at commit time (no read of the data). "beyond 2× change" is what the
answer costs beyond twice the change (headers, the records of the kept versions; the goal is a few
hundred bytes at most); the full pull (a base the Worker no longer keeps, or a device without one)
is the fallback.

${table(['Snapshot', 'one-key change', 'patch pull ↑', 'patch pull ↓', 'patch pull body', '**patch pull ↓ / change**', 'beyond 2× change (negative: under it)', 'fallback: full pull ↓', 'full pull ↓ / change'], patchPullRows)}

The full push (every push before wire version 2, and the SDK's fallback when a patch is refused or
no smaller), and the other requests:
Responses came back with Content-Encoding: ${encodings} (the client accepts gzip, as browsers do, and the
runtime compressed the JSON), so "pull ↓" is compressed and "pull body" is what the SDK parses. The
full push below is sent uncompressed; the last column is what gzip makes of it (the SDK sends that).

${table(['Snapshot', 'one-key change', 'full push ↑', 'push ↓', 'pull ↑', 'pull ↓', 'pull body', 'meta ↑', 'meta ↓', 'full push ↑ / change', '**pull ↓ / change**', 'full push body gzipped'], rows)}

The start-up check when already up to date is one meta request: ${bytes(first.meta.up + first.meta.down)} in
total at every size (its body is ${bytes(first.meta.bodyDown)}), independent of the data. A browser sends
more headers than Node (user agent, origin, client hints), a few hundred bytes per request.`;
}

function loadSection(load) {
  const pushRows = load.rows.map(({ size, concurrency, push, barePut }) => [
    size.label,
    concurrency,
    push.requests,
    ms(push.p50),
    ms(push.p99),
    perSecond(push.perSecond),
    barePut.requests,
    ms(barePut.p50),
    ms(barePut.p99),
    perSecond(barePut.perSecond),
    `**${ratio(push.p50 / barePut.p50)}**`,
    ratio(barePut.perSecond / push.perSecond),
  ]);
  const pullRows = load.rows.map(({ size, concurrency, pull, bareGet }) => [
    size.label,
    concurrency,
    pull.requests,
    ms(pull.p50),
    ms(pull.p99),
    perSecond(pull.perSecond),
    bareGet.requests,
    ms(bareGet.p50),
    ms(bareGet.p99),
    perSecond(bareGet.perSecond),
    `**${ratio(pull.p50 / bareGet.p50)}**`,
    ratio(bareGet.perSecond / pull.perSecond),
  ]);
  return `## 3. Worker under \`wrangler dev\`: latency (ms) and throughput (requests/s)

Each device is its own user with its own token, so pushes never conflict; each runs a closed loop
(next request when the last answered) for ${load.phaseMs / 1000} s per phase, at least one request each. The
floor is a bare R2 put/get of the same bytes in the same Worker (dev-only \`PUT/GET
/__dev/bench/r2/:key\`: no auth, no parsing, one R2 call). "n" is the number of requests measured;
with few, p99 is close to the maximum. Push bodies are the full snapshot with one key edited.

Push against a bare R2 put:

${table(['Snapshot', 'Devices', 'n', 'push p50', 'push p99', 'push/s', 'n', 'put p50', 'put p99', 'put/s', '**push / put (p50)**', 'put/s ÷ push/s'], pushRows)}

Pull against a bare R2 get:

${table(['Snapshot', 'Devices', 'n', 'pull p50', 'pull p99', 'pull/s', 'n', 'get p50', 'get p99', 'get/s', '**pull / get (p50)**', 'get/s ÷ pull/s'], pullRows)}

Local R2 under \`wrangler dev\` is files and SQLite on this machine's disk, and load generator,
Worker and R2 share its cores: the ratios say what our code adds per request, the absolute numbers are
not production's. Production R2 also allows about one write per second per key, which a single
device pushing in a closed loop would exceed; locally there is no such limit.`;
}

function costSection(wire) {
  const names = ['first push', 'push', 'patch push', 'pull', 'patch pull', 'meta', 'bare put', 'bare get'];
  const labels = {
    'first push': 'first push (v1)',
    push: 'push (history full, prunes)',
    'patch push': 'patch push (history full, prunes)',
    pull: 'pull (full data)',
    'patch pull': 'patch pull (one version behind)',
    meta: 'meta (start-up check)',
    'bare put': 'floor: bare put',
    'bare get': 'floor: bare get',
  };
  const floorOf = {
    'first push': 'bare put',
    push: 'bare put',
    'patch push': 'bare put',
    pull: 'bare get',
    'patch pull': 'bare get',
    meta: 'bare get',
  };
  const ops = wire[0].ops;
  const same = wire.every((row) => names.every((name) => JSON.stringify(row.ops[name]) === JSON.stringify(ops[name])));
  const rows = names.map((name) => {
    const counted = ops[name];
    const cost = costOf(counted);
    const floor = floorOf[name] ? ratio(cost.perMillion / costOf(ops[floorOf[name]]).perMillion) : '';
    return [
      labels[name],
      counted.head,
      counted.get,
      counted.put,
      counted.list,
      counted.delete,
      cost.classA,
      cost.classB,
      cost.free,
      `**${dollars(cost.perMillion)}**`,
      floor ? `**${floor}**` : '',
    ];
  });
  return `## 4. Cost: R2 operations per request

Counted by the dev Worker around its \`BACKUPS\` binding (\`createWorker\` wraps the bucket with a
counter when \`DEV_MODE === 'true'\`; \`GET /__dev/bench/r2-ops\` reads it, \`POST\` resets it),
one request at a time during the wire measurement. Counting in the real Worker under \`wrangler dev\`
rather than in a vitest-in-workerd script keeps it next to the latency numbers: the same code path,
the same binding, no second harness. ${same ? 'The counts were the same at every snapshot size.' : 'The counts differed between sizes; shown for ' + wire[0].size.label + '.'}

Prices: R2 Standard, class A (put, list) $${R2_PRICES.classA.toFixed(2)} per million, class B (get, head)
$${R2_PRICES.classB.toFixed(2)} per million, delete free: Cloudflare's published rates as of ${R2_PRICES.asOf} (${R2_PRICES.source}),
constants in bench/report.mjs that the bench does not fetch; check the page before quoting a price. Storage ($/GB-month, the 5 kept versions) and egress (free on R2) are not included.

${table(['Request', 'head', 'get', 'put', 'list', 'delete', 'class A', 'class B', 'free', '**$ per million**', '**vs floor**'], rows)}`;
}

function correctnessSection(load, contention) {
  return `## 5. Correctness under that load

- Load phases: ${load.acknowledged.toLocaleString('en-US')} pushes acknowledged, each at exactly the device's version + 1
  (so none twice); every pull answered the last acknowledged version and checksum; after each
  snapshot size, every device's current version is its last acknowledged push and its kept window
  (the last 5 versions, DESIGN §5) reads back through \`history/{v}\` with the pushed checksum.
- Racing: ${contention.devices} devices of one user pushing ${contention.size.label} snapshots for ${contention.seconds} s, each rebasing on the
  version a 409 reports: ${contention.attempts} attempts, ${contention.acknowledged} acknowledged, ${contention.conflicts} conflicts. Each acknowledged
  push was read back at its version at once (${contention.readBack} read back, ${contention.prunedBeforeRead} already pruned by 5 newer
  versions); versions 1..${contention.finalVersion} were acknowledged exactly once each.
- Result: **pass** (the bench exits non-zero and writes no report otherwise).`;
}

/** The memory row from 5 MB up with the most heap per MB of data, as a list of zero or one. */
function largestHeapPerMb(memory) {
  const large = memory.filter((row) => row.dataBytes >= 5e6);
  return large.length ? [large.reduce((most, next) => (next.perMb > most.perMb ? next : most))] : [];
}

/** Each cost the run measured as a ratio to its floor, largest first. */
export function costsByRatio({ client, wire, load, memory = [] }) {
  const largest = client.at(-1);
  const largestWire = wire.at(-1);
  const ops = wire[0].ops;
  const cost = (name) => costOf(ops[name]).perMillion;
  const busiest = load.rows.filter((row) => row.size.label === largest.size.label).at(-1);
  const at = `at ${largest.size.label}`;
  return [
    {
      ratio: largestWire.patch.up / largestWire.patch.changeBytes,
      text: `push request bytes against the one-key change ${at}, as a patch push (${bytes(largestWire.patch.up)} for ${bytes(largestWire.patch.changeBytes)}; a full push would send ${bytes(largestWire.push.up)}, ${bytes(largestWire.push.gzipUp)} gzipped)`,
    },
    {
      ratio: largestWire.pushMs.patch / largestWire.pushMs.full,
      text: `Worker time of a patch push against a full push ${at}, one at a time (${ms(largestWire.pushMs.patch)} ms against ${ms(largestWire.pushMs.full)} ms)`,
    },
    {
      ratio: largestWire.patchPull.down / largestWire.patchPull.changeBytes,
      text: `pull response bytes against the one-key change ${at}, as a patch pull (${bytes(largestWire.patchPull.down)} for ${bytes(largestWire.patchPull.changeBytes)}; the full pull, the fallback, ${bytes(largestWire.pull.down)} gzipped by the runtime)`,
    },
    {
      ratio: cost('meta') / cost('bare get'),
      text: `R2 cost of the start-up check (meta) against one bare head/get (${classes(ops.meta)}: ${dollars(cost('meta'))} against ${dollars(cost('bare get'))} per million)`,
    },
    {
      ratio: cost('pull') / cost('bare get'),
      text: `R2 cost of a pull against a bare get (${classes(ops.pull)}: ${dollars(cost('pull'))} against ${dollars(cost('bare get'))} per million)`,
    },
    {
      ratio: cost('push') / cost('bare put'),
      text: `R2 cost of a push against a bare put (${classes(ops.push)}: ${dollars(cost('push'))} against ${dollars(cost('bare put'))} per million pushes)`,
    },
    {
      ratio: largest.prep / largest.floor,
      text: `push preparation of a one-key edit in the page against JSON.stringify + UTF-8 + digest ${at} (${ms(largest.prep)} ms against ${ms(largest.floor)} ms; the checksum, canonical JSON + UTF-8 + SHA-256, is ${ms(largest.checksum)} ms of it)`,
    },
    {
      ratio: busiest.push.p50 / busiest.barePut.p50,
      text: `Worker push p50 against a bare R2 put ${at} with ${busiest.concurrency} devices (${ms(busiest.push.p50)} ms against ${ms(busiest.barePut.p50)} ms)`,
    },
    {
      ratio: busiest.pull.p50 / busiest.bareGet.p50,
      text: `Worker pull p50 against a bare R2 get ${at} with ${busiest.concurrency} devices (${ms(busiest.pull.p50)} ms against ${ms(busiest.bareGet.p50)} ms)`,
    },
    {
      ratio: largest.apply / largest.applyFloor,
      text: `apply in the page against JSON.parse + setItem ${at} (${ms(largest.apply)} ms against ${ms(largest.applyFloor)} ms)`,
    },
    ...largestHeapPerMb(memory).map((row) => ({
      ratio: (row.peakMib * MIB_BYTES) / row.dataBytes,
      text: `Worker's peak V8 heap against the data for a ${row.operation} of ${row.size.label} (${row.peakMib.toFixed(1)} MiB for ${bytes(row.dataBytes)}; the most of the memory table from 5 MB)`,
    })),
  ].sort((a, b) => b.ratio - a.ratio);
}

function summarySection(run) {
  const lines = costsByRatio(run).map(
    ({ ratio: value, text }, i) => `${i + 1}. ${i < 3 ? `**${ratio(value)}**` : ratio(value)} ${text}`,
  );
  return `## What the numbers say: each cost against its floor, largest first

${lines.join('\n')}`;
}

/**
 * The whole report as Markdown.
 * @param {{ machine: object, client: object[], wire: object[], load: object, contention: object, memory: object[], live: object, merge: object[], runtimeMs: number }} run
 */
export function renderReport(run) {
  const { machine } = run;
  return `# Performance

Generated by \`npm run bench\` (bench/) on ${machine.date}; do not edit by hand, rerun it. The run took
${(run.runtimeMs / 1000).toFixed(0)} s. One run on a shared, noisy machine: read the ratios (our cost against its floor,
measured side by side in the same run), not the absolute times.

Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}. Node ${machine.node},
Chromium ${machine.chromium} (headless), wrangler ${machine.wrangler} (workerd, local R2).
Snapshots: realistic app data (JSON lists of dated entries with titles, notes and tags, a little
non-ASCII) in many localStorage keys of 0.3 to 2.5 kB each; sizes are the canonical JSON in UTF-8.

${summarySection(run)}

${clientSection(run.client, run.clientRuns)}

${wireSection(run.wire)}

${loadSection(run.load)}

${costSection(run.wire)}

${correctnessSection(run.load, run.contention)}

${memorySection(run.memory)}

${liveSection(run.live)}

${mergeSection(run.merge)}
`;
}

/**
 * The memory section: peak V8 heap of the Worker's push and pull code per MB of data (bench/memory.mjs).
 * @param {{ size: { label: string }, keys: number, dataBytes: number, operation: string, capMib: number, baselineMib: number, peakMib: number, perMb: number, cpuMs: number }[]} rows
 */
export function memorySection(rows) {
  const mib = (value) => value.toFixed(1);
  const body = table(
    [
      'Snapshot',
      'Keys',
      'Request',
      'data (MB)',
      'smallest heap (MiB)',
      'baseline (MiB)',
      '**peak above baseline (MiB)**',
      '**MiB per MB of data**',
      'of a 128 MB isolate',
      'CPU (ms)',
    ],
    rows.map((row) => [
      row.size.label,
      row.keys.toLocaleString('en-US'),
      row.operation,
      (row.dataBytes / 1e6).toFixed(2),
      row.capMib,
      mib(row.baselineMib),
      `**${mib(row.peakMib)}**`,
      `**${row.perMb.toFixed(1)}**`,
      percent((row.peakMib * MIB_BYTES) / ISOLATE_BYTES),
      ms(row.cpuMs),
    ]),
  );
  return `## 6. Memory: peak V8 heap of the Worker per MB of data

The Worker's own code (\`createWorker\` from worker/src, bundled by esbuild) answering one request in
a fresh Node ${process.version} process whose V8 old generation is capped (\`--max-old-space-size\`,
1 MiB semi-spaces); a binary search finds the smallest cap in which the request still answers 200
(to ${'±'}1 MiB or 3 %). V8 runs last-resort full collections before it gives up, so that cap is the request's
peak of live heap (strings, parsed objects) on top of what the process held before it: the
baseline, measured after a warm-up request (the compiled code) and a full collection, and
subtracted. The request body and the R2 objects are bytes outside the heap, as in workerd (an
in-memory R2 port that keeps Buffers: a put encodes the string it is given, a get decodes a new one).
ArrayBuffers the Worker allocates itself (the body's bytes as they are read, the UTF-8 bytes it
hashes and counts) are outside V8's heap too and not in these figures: up to twice the body while
it is read and decoded, once the data while it is hashed. The full push replaces version 1 with an
edited copy (the SDK's fallback after a refused patch), the patch push sends a one-key edit of
version 1, the pull reads it. CPU is the process's user + system time for the request with V8's
default heap (one run; Node's V8, not workerd's, and no real R2), which docs/deploying.md uses for
the cost of a push.

${body}`;
}

const MIB_BYTES = 1024 * 1024;
const ISOLATE_BYTES = 128 * 1e6;
